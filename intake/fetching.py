"""Fetching a source feed over HTTP(S), defensively.

- The host is resolved once; every address it resolves to must be public
  (not private, loopback, link-local, reserved...) unless its `host:port` is
  listed in NEWSROOM_INTAKE_ALLOW_HOSTS. The connection goes to the address
  that was checked, so a second, different DNS answer (rebinding) is never
  used. Redirects are checked the same way.
- Connect, read and total time limits, and a cap on the body's size
  (NEWSROOM_INTAKE_* settings).
- Conditional GET with the ETag and Last-Modified of the last fetch.
"""

import ipaddress
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

MAX_REDIRECTS = 5
CHUNK = 64 * 1024
USER_AGENT = "Newsroom feed intake"
_resolver = ThreadPoolExecutor(max_workers=4, thread_name_prefix="intake-dns")


class FetchError(Exception):
    """The feed could not be fetched; the message is shown on its row."""


@dataclass(frozen=True)
class Response:
    status: int  # 200, or 304 when the copy we have is current
    body: bytes = b""
    etag: str = ""
    last_modified: str = ""

    @property
    def not_modified(self):
        return self.status == 304


def fetch(url: str, *, etag: str = "", last_modified: str = "") -> Response:
    """GET `url` within the time limits and size cap; follow up to
    MAX_REDIRECTS redirects. Raise FetchError on any failure."""
    deadline = time.monotonic() + settings.NEWSROOM_INTAKE_TOTAL_TIMEOUT
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": (
            "application/rss+xml, application/atom+xml, application/feed+json, "
            "application/json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
        ),
        # Compressed bodies could inflate past the cap inside one read.
        "Accept-Encoding": "identity",
    }
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _ in range(MAX_REDIRECTS + 1):
        response = _get_once(url, headers=headers, deadline=deadline)
        try:
            if response.status in (301, 302, 303, 307, 308):
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"HTTP {response.status} without a Location")
                url = urljoin(url, location)
                continue
            if response.status == 304:
                return Response(status=304, etag=etag, last_modified=last_modified)
            if response.status != 200:
                raise FetchError(f"HTTP {response.status}")
            body = _read_capped(response, deadline=deadline)
            return Response(
                status=200,
                body=body,
                etag=response.headers.get("ETag", "")[:500],
                last_modified=response.headers.get("Last-Modified", "")[:100],
            )
        finally:
            response.close()
    raise FetchError(f"more than {MAX_REDIRECTS} redirects")


def _allowed_hosts():
    return {entry.strip().lower() for entry in settings.NEWSROOM_INTAKE_ALLOW_HOSTS}


def _is_public(address):
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def resolve(host: str, port: int, *, deadline: float) -> list[str]:
    """The addresses to connect to for `host:port`; raise FetchError if any
    of them is not public and `host:port` is not allowed."""
    # getaddrinfo takes no timeout: it runs aside, and is given up at the
    # deadline (the thread ends when the system resolver gives up).
    lookup = _resolver.submit(socket.getaddrinfo, host, port, type=socket.SOCK_STREAM)
    try:
        infos = lookup.result(timeout=_remaining(deadline))
    except FutureTimeout:
        raise FetchError(f"cannot resolve {host} in time") from None
    except (OSError, UnicodeError) as error:
        raise FetchError(f"cannot resolve {host}: {error}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    name = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    if name.lower() in _allowed_hosts():
        return addresses
    for address in addresses:
        if not _is_public(address):
            raise FetchError(
                f"refused: {host} resolves to {address}, a non-public address "
                f"(list {name} in NEWSROOM_INTAKE_ALLOW_HOSTS to allow it)"
            )
    return addresses


def _remaining(deadline):
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(
            f"gave up after {settings.NEWSROOM_INTAKE_TOTAL_TIMEOUT:g} seconds"
        )
    return left


def _get_once(url, *, headers, deadline):
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"not an http(s) address: {url[:200]}")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchError(f"bad port in {url[:200]}") from None
    host = parts.hostname
    addresses = resolve(host, port, deadline=deadline)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    default_port = port == (443 if scheme == "https" else 80)
    bracketed = f"[{host}]" if ":" in host else host
    request_headers = {
        **headers,
        "Host": bracketed if default_port else f"{bracketed}:{port}",
    }
    last_error = None
    for address in addresses:
        timeout = urllib3.Timeout(
            connect=min(settings.NEWSROOM_INTAKE_CONNECT_TIMEOUT, _remaining(deadline)),
            read=min(settings.NEWSROOM_INTAKE_READ_TIMEOUT, _remaining(deadline)),
        )
        # The pool connects to the checked address; the name is kept for the
        # Host header and, over TLS, for SNI and the certificate check.
        if scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                address,
                port,
                timeout=timeout,
                retries=False,
                maxsize=1,
                server_hostname=host,
                assert_hostname=host,
                cert_reqs="CERT_REQUIRED",
            )
        else:
            pool = urllib3.HTTPConnectionPool(
                address, port, timeout=timeout, retries=False, maxsize=1
            )
        try:
            return pool.urlopen(
                "GET",
                path,
                headers=request_headers,
                redirect=False,
                retries=False,
                preload_content=False,
                decode_content=False,
                assert_same_host=False,
            )
        except urllib3.exceptions.NewConnectionError as error:
            last_error = error  # try the host's next address
        except urllib3.exceptions.TimeoutError:
            raise FetchError(f"no answer from {host} in time") from None
        except Urllib3Error as error:
            raise FetchError(f"{type(error).__name__}: {error}") from None
    raise FetchError(f"cannot connect to {host}: {last_error}")


def _declared_length(response):
    value = response.headers.get("Content-Length", "")
    return int(value) if value.isdigit() else None


def _read_capped(response, *, deadline):
    cap = settings.NEWSROOM_INTAKE_MAX_BYTES
    declared = _declared_length(response)
    if declared is not None and declared > cap:
        raise FetchError(f"larger than {cap} bytes ({declared} declared)")
    chunks, size = [], 0
    sock = getattr(response.connection, "sock", None)
    try:
        while True:
            # One read from the socket at a time, each allowed no longer than
            # the time left: a server that trickles bytes, or stalls, cannot
            # hold the fetch past the deadline.
            left = _remaining(deadline)
            if sock is not None:
                sock.settimeout(min(settings.NEWSROOM_INTAKE_READ_TIMEOUT, left))
            chunk = response.read1(CHUNK)
            if not chunk:
                break
            size += len(chunk)
            if size > cap:
                raise FetchError(f"larger than {cap} bytes")
            chunks.append(chunk)
    except urllib3.exceptions.TimeoutError:
        _remaining(deadline)
        raise FetchError("the server stopped sending") from None
    except Urllib3Error as error:
        raise FetchError(f"{type(error).__name__}: {error}") from None
    return b"".join(chunks)
