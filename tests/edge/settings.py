"""The app's settings with the edge tests' urlconf: the app's own addresses
plus a few pages that answer exactly as the caching contract says."""

from newsroom.settings import *  # noqa: F403

ROOT_URLCONF = "tests.edge.urls"
