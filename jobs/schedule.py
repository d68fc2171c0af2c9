"""The job worker's clock: runs each of NEWSROOM_PERIODIC_JOBS (a dotted path
to a function and its interval in seconds) when due, in a thread beside
django-tasks' database worker.

Each function is called as `function(previous=<when its last run started,
or None>)` and must be idempotent: two workers (two machines) may both run
it. Long work belongs in a django-tasks task that the function enqueues, so
that the clock keeps time. A failure is logged and recorded on its
PeriodicJob row; the job runs again at its next turn."""

import logging
import threading
import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import PeriodicJob

logger = logging.getLogger(__name__)

# A job that keeps succeeding writes its row at most this often.
SUCCESS_RECORD_SECONDS = 60


@dataclass
class Turn:
    name: str
    every: float
    due: float = 0.0
    previous: datetime | None = None
    recorded_success: float = field(default=-SUCCESS_RECORD_SECONDS)
    failing: bool = False

    def run(self, now):
        started = timezone.now()
        try:
            import_string(self.name)(previous=self.previous)
        except Exception:
            logger.exception("Periodic job %s failed", self.name)
            self.record_failure(traceback.format_exc())
        else:
            self.record_success(now)
        self.previous = started
        self.due = now + self.every

    def record_failure(self, error):
        job, _ = PeriodicJob.objects.get_or_create(name=self.name)
        job.last_failed_at = timezone.now()
        job.last_error = error[-4000:]
        job.failures_in_a_row += 1
        job.save()
        self.failing = True

    def record_success(self, now):
        if not self.failing and now - self.recorded_success < SUCCESS_RECORD_SECONDS:
            return
        PeriodicJob.objects.update_or_create(
            name=self.name,
            defaults={"last_succeeded_at": timezone.now(), "failures_in_a_row": 0},
        )
        self.recorded_success = now
        self.failing = False


def turns():
    return [Turn(name, float(every)) for name, every in settings.NEWSROOM_PERIODIC_JOBS]


def run_due(schedule, now=None):
    """Run every turn that is due; return when the next one is."""
    now = time.monotonic() if now is None else now
    for turn in schedule:
        if turn.due <= now:
            try:
                turn.run(now)
            except Exception:  # recording the outcome failed (database down)
                logger.exception("Periodic job %s could not be recorded", turn.name)
                turn.due = now + turn.every
    return min(turn.due for turn in schedule)


def run_forever(stop: threading.Event):
    schedule = turns()
    while not stop.is_set() and schedule:
        # As a request would: no connection outlives its database's patience.
        close_old_connections()
        next_due = run_due(schedule)
        stop.wait(max(next_due - time.monotonic(), 0.05))
