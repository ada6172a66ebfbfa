"""Supervision orders (督办) and the in-app inbox (站内通知)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases import sla, workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Notification, Supervision
from fengqiao.cases.services.common import ensure_visible, lock_case, notify, record_event


@transaction.atomic
def raise_supervision(case: Any, *, by: Any, note: str) -> Supervision:
    """A leader orders a case chased (人工督办). Writes a `supervise` timeline row; tells its handlers."""
    if workflow.role_of(by) not in workflow.LEADERS:
        raise PermissionDenied(_("Only leaders raise supervision orders."))
    case = lock_case(case)
    ensure_visible(case, by)
    if not (note or "").strip():
        raise CaseError(_("Say what is to be done."), code="required", http_status=400, fields={"note": ""})
    if not case.is_open:
        raise CaseError(
            _("The case is “%(status)s”: there is nothing to supervise.")
            % {"status": case.get_status_display()},
            code="wrong_status",
            http_status=409,
            current_status=case.status,
        )
    now = timezone.now()
    supervision = Supervision.objects.create(
        case=case,
        level=Supervision.Level.FIRST,
        automatic=False,
        raised_at=now,
        raised_by=by,
        note=note.strip(),
    )
    record_event(
        case, None, by=by, at=now, action="supervise", note=note, data={"supervision": supervision.pk}
    )
    notify(
        sla.handlers_of(case),
        Notification.Verb.SUPERVISION,
        case,
        _("Supervision order on case %(number)s: %(note)s") % {"number": case.number, "note": note[:120]},
    )
    return supervision


@transaction.atomic
def answer_supervision(supervision: Supervision, *, by: Any, answer: str) -> Supervision:
    """The leader answers a supervision order (督办回复): what was decided. Writes a timeline row."""
    supervision = Supervision.objects.select_for_update().select_related("case").get(pk=supervision.pk)
    if workflow.role_of(by) not in workflow.LEADERS and supervision.addressee_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Only leaders answer supervision orders."))
    ensure_visible(supervision.case, by)
    if not (answer or "").strip():
        raise CaseError(_("Write the answer."), code="required", http_status=400, fields={"answer": ""})
    if supervision.answered_at is not None:
        raise CaseError(
            _("This supervision order was already answered."), code="already_answered", http_status=409
        )
    now = timezone.now()
    supervision.answered_at, supervision.answered_by, supervision.answer = now, by, answer.strip()
    supervision.save(update_fields=["answered_at", "answered_by", "answer"])
    record_event(
        supervision.case,
        None,
        by=by,
        at=now,
        action="answer_supervision",
        note=answer,
        data={"supervision": supervision.pk, "level": supervision.level},
    )
    return supervision


def mark_notification_read(notification: Notification, *, by: Any) -> Notification:
    """Mark one of the user's own notifications read."""
    if notification.user_id != getattr(by, "pk", None):
        raise PermissionDenied(_("This is someone else's notification."))
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_notifications_read(*, by: Any) -> int:
    """Mark every unread notification of the user read; the number marked."""
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())
