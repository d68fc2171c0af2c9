"""Settings as a fresh process reads them from its environment: a report
script run by `manage.py shell` with the variables given and none of the
test run's own, its last printed line read as JSON."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def report_under(report, *, unset, **variables):
    """Run `report` with `variables`, the environment's variables whose names
    start with one of `unset` left out; return its JSON answer."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(unset)}
    env.update(DJANGO_SECRET_KEY="fresh-settings-test-only", **variables)
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", report],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])
