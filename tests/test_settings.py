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


# --- The developer's .env (written by `make run`) -------------------------------


def checkout_environment(env_file, **variables):
    """A shell in a checkout with `env_file` as its .env and nothing set by
    hand: no DJANGO_* variables, and not under pytest (which ignores .env)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "NEWSROOM_"))
        and key != "PYTEST_VERSION"
    }
    env["NEWSROOM_ENV_FILE"] = str(env_file)
    env.update(variables)
    return env


SHOW_SETTINGS = (
    "from django.conf import settings; "
    "print(settings.DEBUG, settings.SECRET_KEY, settings.NEWSROOM_API_RATE)"
)


def test_settings_read_the_checkouts_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text(
        "DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=key-from-the-file\nNEWSROOM_API_RATE=7/min\n"
    )

    result = manage("shell", "-c", SHOW_SETTINGS, env=checkout_environment(env_file))

    assert result.returncode == 0, result.stderr
    assert "True key-from-the-file 7/min" in result.stdout


def test_variables_set_in_the_environment_win_over_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=key-from-the-file\n")
    env = checkout_environment(env_file, DJANGO_SECRET_KEY="key-from-the-environment")

    result = manage("shell", "-c", SHOW_SETTINGS, env=env)

    assert result.returncode == 0, result.stderr
    assert "True key-from-the-environment" in result.stdout


def test_an_env_file_without_a_secret_still_refuses_to_start_with_debug_off(
    tmp_path,
):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=0\nNEWSROOM_API_RATE=7/min\n")

    result = manage("check", env=checkout_environment(env_file))

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_commands_work_as_typed_once_make_run_has_written_the_env_file(tmp_path):
    env_file = tmp_path / ".env"
    made = subprocess.run(
        ["make", f"ENV_FILE={env_file}", str(env_file)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    written = env_file.read_text()

    result = manage("shell", "-c", SHOW_SETTINGS, env=checkout_environment(env_file))

    assert result.returncode == 0, result.stderr
    debug, key, _ = result.stdout.splitlines()[-1].split(" ", 2)
    assert debug == "True"
    assert f"DJANGO_SECRET_KEY={key}\n" in written
    assert len(key) >= 50


def test_make_run_keeps_an_env_file_it_wrote_before(tmp_path):
    env_file = tmp_path / ".env"
    env_file.write_text("DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=the-first-key\n")

    subprocess.run(
        ["make", f"ENV_FILE={env_file}", str(env_file)], cwd=ROOT, timeout=60
    )

    assert env_file.read_text() == "DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=the-first-key\n"
