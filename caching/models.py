from django.db import models
from django.utils.translation import gettext_lazy as _


class SurrogateKeyQuerySet(models.QuerySet):
    def awaiting_edge_purge(self):
        return self.filter(edge_purged_at__lt=models.F("changed_at"))


class SurrogateKey(models.Model):
    """When the content behind one surrogate key last changed, and when the
    edge cache last heard of it.

    Written in the same transaction as the change itself, so no change can
    commit without its key moving: the database, not the cache, says what is
    fresh. A row whose `edge_purged_at` is behind `changed_at` still has to
    be purged at the edge; the job worker retries until that succeeds."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    changed_at = models.DateTimeField(_("changed at"))
    edge_purged_at = models.DateTimeField(_("purged at the edge at"))

    objects = SurrogateKeyQuerySet.as_manager()

    class Meta:
        ordering = ("-changed_at",)
        get_latest_by = "changed_at"
        verbose_name = _("surrogate key")
        verbose_name_plural = _("surrogate keys")
        indexes = [models.Index(fields=["changed_at"], name="surrogatekey_changed_idx")]

    def __str__(self):
        return self.key
