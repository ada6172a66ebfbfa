"""Shared kernel models: timestamps and the append-only audit trail (审计日志)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change times, stored in UTC."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AuditTrailError(Exception):
    """Raised on any attempt to change or delete an audit row."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AuditTrailError("the audit trail is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditTrailError("the audit trail is append-only")

    def bulk_update(self, objs: Any, fields: Any, batch_size: int | None = None) -> int:
        raise AuditTrailError("the audit trail is append-only")

    def visible_to(self, user: Any) -> AuditEventQuerySet:
        """Only auditors read the audit trail."""
        from fengqiao.accounts.models import Role

        if getattr(user, "is_authenticated", False) and getattr(user, "role", None) == Role.AUDITOR:
            return self.all()
        return self.none()


class AuditEvent(models.Model):
    """One row of the audit trail (审计记录): who did what to which object, when and from where.

    Rows are only ever inserted by `core.audit.record`. The model, its queryset and database
    triggers (see migration 0002) refuse updates and deletes, so no page, API or admin can
    rewrite history.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=80, db_index=True)
    object_type = models.CharField(_("object type"), max_length=80, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditTrailError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditTrailError("the audit trail is append-only")


class HolidayQuerySet(models.QuerySet["Holiday"]):
    """Bulk writes to the calendar mark every process's cached calendar stale, like `Holiday.save`."""

    def update(self, **kwargs: Any) -> int:
        count = super().update(**kwargs)
        CalendarVersion.bump()
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        result = super().delete()
        CalendarVersion.bump()
        return result

    def bulk_create(self, objs: Any, *args: Any, **kwargs: Any) -> list[Holiday]:
        created = super().bulk_create(objs, *args, **kwargs)
        CalendarVersion.bump()
        return created

    def bulk_update(self, objs: Any, *args: Any, **kwargs: Any) -> int:
        count = super().bulk_update(objs, *args, **kwargs)
        CalendarVersion.bump()
        return count


class Holiday(models.Model):
    """An exception to the Monday-to-Friday week (节假日 / 调休上班日) on the working-day calendar.

    Only exceptions are stored: a statutory holiday falling on a weekday (`is_workday=False`) and
    an adjusted working weekend day (`is_workday=True`, 调休). Any other date is a working day when
    it is a Monday to Friday. Seeded from chinese-calendar (migration 0003) and corrected by
    administrators each year when the State Council publishes the next year's arrangement; see
    `fengqiao.core.calendar`.
    """

    date = models.DateField(_("date"), unique=True)
    is_workday = models.BooleanField(
        _("working day"),
        default=False,
        help_text=_("Ticked for an adjusted working weekend day (调休上班); unticked for a holiday."),
    )
    name = models.CharField(_("name"), max_length=60, blank=True)

    objects = HolidayQuerySet.as_manager()

    class Meta:
        verbose_name = _("holiday or adjusted working day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        CalendarVersion.bump()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        result = super().delete(*args, **kwargs)
        CalendarVersion.bump()
        return result


class CalendarVersion(models.Model):
    """The version of the working-day calendar (日历版本) that every process's cache checks.

    One row, given a fresh random token by every write to `Holiday` in the writer's transaction
    (the same scheme as `regions.GridIndexVersion`): another process sees the new token on its next
    calendar computation (one primary-key read) and reloads.
    """

    SINGLETON_ID = 1

    token = models.CharField(_("token"), max_length=32)
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar version")
        verbose_name_plural = _("calendar versions")

    def __str__(self) -> str:
        return self.token

    @classmethod
    def bump(cls) -> str:
        """Give the calendar a new version; part of the caller's transaction."""
        import uuid

        from django.utils import timezone

        token = uuid.uuid4().hex
        if not cls.objects.filter(pk=cls.SINGLETON_ID).update(token=token, changed_at=timezone.now()):
            cls.objects.update_or_create(pk=cls.SINGLETON_ID, defaults={"token": token})
        return token

    @classmethod
    def current(cls) -> str:
        """The current token (one primary-key read); creates the row if it is missing."""
        import uuid

        token = cls.objects.filter(pk=cls.SINGLETON_ID).values_list("token", flat=True).first()
        if token is None:
            token = cls.objects.get_or_create(pk=cls.SINGLETON_ID, defaults={"token": uuid.uuid4().hex})[
                0
            ].token
        return token


class Sequence(models.Model):
    """The last value given of a gap-free yearly sequence (编号序列), e.g. one town's case numbers.

    Only `core.sequences` reads and advances it, row-locked in the caller's transaction: a rolled
    back caller gives its value back, and no value is given twice.
    """

    scope = models.CharField(_("scope"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    last_value = models.PositiveIntegerField(_("last value"), default=0)

    class Meta:
        verbose_name = _("sequence")
        verbose_name_plural = _("sequences")
        constraints = [
            models.UniqueConstraint(fields=["scope", "year"], name="core_sequence_unique_scope_year")
        ]

    def __str__(self) -> str:
        return f"{self.scope}/{self.year}: {self.last_value}"


class IdempotencyReceipt(models.Model):
    """The receipt of a request sent with an `Idempotency-Key` (幂等回执): who sent which key to
    which endpoint (`scope`), a fingerprint of the body, and what the request created.

    Only `core.idempotency` writes it. A user's keys are theirs alone; the public's (`user` empty)
    share one namespace per scope.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    scope = models.CharField(_("scope"), max_length=60)
    key = models.CharField(_("idempotency key"), max_length=200)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("content type"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotency receipt")
        verbose_name_plural = _("idempotency receipts")
        constraints = [
            # Two partial indexes rather than one: NULLs are distinct in a plain unique index on
            # both databases, and NULLS NOT DISTINCT is PostgreSQL 15+ only.
            models.UniqueConstraint(
                fields=["user", "scope", "key"],
                condition=models.Q(user__isnull=False),
                name="core_receipt_unique_user_key",
            ),
            models.UniqueConstraint(
                fields=["scope", "key"],
                condition=models.Q(user__isnull=True),
                name="core_receipt_unique_public_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scope}: {self.key}"
