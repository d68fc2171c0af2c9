from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicJob(models.Model):
    """How the job worker's periodic jobs (NEWSROOM_PERIODIC_JOBS) last ran,
    so an operator sees one that keeps failing in the admin and /healthz.
    One-off jobs (django-tasks) show under "Task results"."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    last_succeeded_at = models.DateTimeField(_("last succeeded"), null=True, blank=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    failures_in_a_row = models.PositiveIntegerField(_("failures in a row"), default=0)

    class Meta:
        ordering = ("name",)
        get_latest_by = "last_succeeded_at"
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")

    def __str__(self):
        return self.name

    @property
    def is_failing(self):
        return self.failures_in_a_row > 0
