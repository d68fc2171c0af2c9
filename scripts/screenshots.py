"""Make the README's screenshots again: .venv/bin/python scripts/screenshots.py

Starts the site with the demo content on a free loopback port, in a
temporary directory (its own SQLite database and media files), and photographs
it with Playwright in Debian's chromium (/usr/bin/chromium, or
NEWSROOM_CHROMIUM): the home page on a 360-px phone and at desktop width, an
article page, and, logged in as an editor, the admin's article form. The PNGs
go to docs/screenshots/.
"""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("NEWSROOM_CHROMIUM", "/usr/bin/chromium")
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 860}
EDITOR = "editor"

MAKE_EDITOR = """
from django.contrib.auth.models import Group, User
user = User.objects.create_user({username!r}, password={password!r}, is_staff=True)
user.groups.add(Group.objects.get(name="Editors"))
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def wait_until_up(url, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("The development server stopped before it answered.")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"The site did not answer at {url} in {seconds} s.")


def photograph(base_url, password):
    OUTPUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
        )
        # Reduced motion: the slider stands still for its picture.
        phone = browser.new_page(
            viewport=PHONE, device_scale_factor=2, reduced_motion="reduce"
        )
        phone.goto(base_url + "/")
        phone.screenshot(path=OUTPUT / "home-phone.png", full_page=True)

        desktop = browser.new_page(viewport=DESKTOP, reduced_motion="reduce")
        desktop.goto(base_url + "/")
        desktop.screenshot(path=OUTPUT / "home-desktop.png", full_page=True)
        desktop.get_by_role("link", name="Delegation of the Executive").first.click()
        desktop.wait_for_load_state()
        desktop.screenshot(path=OUTPUT / "article-desktop.png", full_page=True)
        article_url = desktop.url

        editor = browser.new_page(viewport=DESKTOP)
        editor.goto(base_url + "/admin/login/")
        editor.fill("#id_username", EDITOR)
        editor.fill("#id_password", password)
        editor.click("input[type=submit]")
        editor.wait_for_url("**/admin/")
        editor.goto(base_url + "/admin/articles/article/")
        editor.get_by_role(
            "link", name=desktop.locator("h1").inner_text(), exact=True
        ).first.click()
        editor.wait_for_load_state("networkidle")
        editor.screenshot(path=OUTPUT / "editor-article-form.png")
        browser.close()
    return article_url


def main():
    password = secrets.token_urlsafe(16)
    with tempfile.TemporaryDirectory(prefix="newsroom-screenshots-") as scratch:
        env = {
            **os.environ,
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{scratch}/db.sqlite3",
            "DJANGO_MEDIA_ROOT": f"{scratch}/media",
        }
        manage(env, "migrate", "--noinput")
        manage(env, "load_demo")
        manage(
            env, "shell", "-c", MAKE_EDITOR.format(username=EDITOR, password=password)
        )
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_until_up(base_url + "/", server)
            photograph(base_url, password)
        finally:
            server.terminate()
            server.wait(timeout=10)
    for path in sorted(OUTPUT.glob("*.png")):
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
