"""What the field pages keep on the server: the receipt of each photo sent from a phone's outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PhotoUpload(models.Model):
    """The receipt of one photo sent from a phone (外勤照片回执), keyed by its idempotency key.

    A phone on a village network may send the same photo again when the answer to the first send
    was lost; the key turns the second send into the first answer instead of a second attachment.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+"
    )
    key = models.CharField(_("idempotency key"), max_length=100)
    attachment = models.ForeignKey(
        "cases.Attachment", verbose_name=_("attachment"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("photo receipt")
        verbose_name_plural = _("photo receipts")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="field_photo_unique_key")]

    def __str__(self) -> str:
        return self.key
