"""Changes of state made from the field pages (外勤): photos sent from a phone's outbox.

Reports and visits go through the case and registry APIs, which honour an `Idempotency-Key`
themselves; the case API takes no files, so photos come here and become case attachments.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.cases.models import Attachment, Case
from fengqiao.cases.services import add_attachment
from fengqiao.core import idempotency
from fengqiao.core.audit import record
from fengqiao.field.exceptions import FieldError

#: The `core.idempotency` scope of field photos (one receipt per user and key).
SCOPE_PHOTO = "field.photo"


@transaction.atomic
def attach_photo(case: Case, *, by: Any, file: Any, key: str) -> tuple[Attachment, bool]:
    """Attach a photo taken in the field (现场照片) to a case the user reported; idempotent by `key`.

    Returns (attachment, created). The same user sending the same key again gets the first
    attachment back; the key used before for another case is a 422. Writes the attachment (its
    `attach` timeline row comes from `cases.services.add_attachment`), the receipt
    (`core.idempotency`, scope "field.photo"), and an audit row.
    """
    if case.reported_by_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Photos can be added here only to cases you reported."))

    def create() -> Attachment:
        attachment = add_attachment(case, by=by, file=file)
        record("field.attach_photo", by=by, obj=case, changes={"attachment": attachment.pk, "key": key})
        return attachment

    return idempotency.once(
        by=by,
        scope=SCOPE_PHOTO,
        key=key,
        body={"case": case.pk},
        create=create,
        conflict=lambda: FieldError(
            _("This idempotency key was already used for another case."),
            code="idempotency_conflict",
            http_status=422,
        ),
    )
