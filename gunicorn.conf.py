"""gunicorn settings for `make serve` and production; each can be overridden
by the GUNICORN_* variables listed in .env.example."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# The usual (2 × cores) + 1: news pages wait on the database, not the CPU.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound,
# but not often: without Redis a new worker starts with an empty local cache
# (counts, page anchors). Memory is bounded by the cache's MAX_ENTRIES.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = 10000
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
wsgi_app = "newsroom.wsgi:application"
# gunicorn's control socket has one path per user, which the two gunicorns of
# `make serve` (pages and view counts) would share; nothing here uses it.
control_socket_disable = True
