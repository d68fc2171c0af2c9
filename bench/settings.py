"""newsroom.settings with one addition: the ceiling page's URL. Only the bench
selects this module (DJANGO_SETTINGS_MODULE=bench.settings), so the ceiling is
never served by a real site."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
