"""The settings module as an operator meets it: production variables from
.env.example pass `check --deploy`, and a missing secret stops the process."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def production_environment():
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
    }
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    env["DJANGO_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["DATABASE_URL"] = f"sqlite:///{ROOT / 'db.sqlite3'}"
    env.pop("REDIS_URL")
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_env_example_lists_every_variable_the_settings_read():
    settings_source = (ROOT / "newsroom" / "settings.py").read_text()
    gunicorn_source = (ROOT / "gunicorn.conf.py").read_text()
    example = (ROOT / ".env.example").read_text()
    import re

    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', settings_source))
    read |= set(re.findall(r'environ\.get\("([A-Z_]+)"', gunicorn_source))
    missing = sorted(name for name in read if f"\n{name}=" not in example)
    assert missing == []


def test_check_deploy_is_clean_with_production_variables():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING", env=production_environment()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    env = production_environment()
    del env["DJANGO_SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr
