"""Retries for django-tasks jobs, which have none of their own."""

import logging
from datetime import timedelta
from functools import wraps

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def retried(attempts=5, backoff_seconds=2.0):
    """Wrap a task's function (under `@task`) so that a failure enqueues it
    again after a growing pause, `attempts` times in all. The failed run
    still fails, so an operator sees it among the task results."""

    def decorator(function):
        @wraps(function)
        def run(*args, attempt=1, **kwargs):
            try:
                return function(*args, **kwargs)
            except Exception:
                if attempt < attempts:
                    # The module attribute is the Task wrapping this function.
                    task = import_string(f"{function.__module__}.{function.__name__}")
                    pause = timedelta(seconds=backoff_seconds * 2 ** (attempt - 1))
                    task.using(run_after=timezone.now() + pause).enqueue(
                        *args, attempt=attempt + 1, **kwargs
                    )
                    logger.warning(
                        "%s failed (attempt %s of %s); retrying in %s",
                        task.name,
                        attempt,
                        attempts,
                        pause,
                    )
                raise

        return run

    return decorator
