"""Policy as data (STYLE.md): categories, SLA policies and case-number prefixes, changed by
administrators only, each change audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import CaseNumberPrefix, Category, SLAPolicy
from fengqiao.core.audit import diff, record, snapshot
from fengqiao.regions.models import Region


def require_administrator(by: Any) -> None:
    if not (getattr(by, "is_active", False) and getattr(by, "is_administrator", False)):
        raise PermissionDenied(_("Only administrators may change case policy."))


def _clean(instance: Category | SLAPolicy) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        fields = {name: "; ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
        raise CaseError("; ".join(fields.values()), code="invalid", http_status=400, fields=fields) from None


@transaction.atomic
def save_category(
    category: Category | None,
    *,
    by: Any,
    kind: str,
    name: str,
    parent: Category | None = None,
    active: bool = True,
) -> Category:
    """Create or change a category (事件分类) of the two-level tree; audited."""
    require_administrator(by)
    category = category or Category()
    fields = ["kind", "name", "parent", "active"]
    before = snapshot(category, fields) if category.pk else {}
    category.kind, category.name, category.parent, category.active = (
        kind,
        (name or "").strip(),
        parent,
        active,
    )
    _clean(category)
    created = category.pk is None
    category.save()
    changes = diff(category, before, fields)
    if created or changes:
        record("category.create" if created else "category.update", by=by, obj=category, changes=changes)
    return category


@transaction.atomic
def save_sla_policy(
    *, by: Any, kind: str, urgency: str = "", ack_hours: int, resolve_days: int, warn_share: Any = "0.80"
) -> SLAPolicy:
    """Set the time limits (办理时限) of a kind and urgency; applies to cases accepted from now on."""
    require_administrator(by)
    policy = SLAPolicy.objects.filter(kind=kind, urgency=urgency).first() or SLAPolicy(
        kind=kind, urgency=urgency
    )
    fields = ["ack_hours", "resolve_days", "warn_share"]
    before = snapshot(policy, fields) if policy.pk else {}
    try:
        share = Decimal(str(warn_share))
    except InvalidOperation:
        raise CaseError(
            _("The warning share is a number between 0 and 1."), code="invalid", http_status=400
        ) from None
    policy.ack_hours, policy.resolve_days, policy.warn_share = ack_hours, resolve_days, share
    _clean(policy)
    if not 0 < share < 1:
        raise CaseError(_("The warning share is a number between 0 and 1."), code="invalid", http_status=400)
    created = policy.pk is None
    policy.save()
    changes = diff(policy, before, fields)
    if created or changes:
        record("sla_policy.update", by=by, obj=policy, changes=changes)
    return policy


@transaction.atomic
def set_case_number_prefix(town: Region, year: int, *, by: Any, prefix: str) -> CaseNumberPrefix:
    """Set the prefix of a town's case numbers for a year (e.g. "AG" for 安国镇); audited.

    Numbers already given keep their prefix; a next year without its own prefix inherits this one.
    """
    require_administrator(by)
    prefix = (prefix or "").strip().upper()
    if not prefix.isascii() or not prefix.isalnum() or len(prefix) > 8:
        raise CaseError(
            _("A prefix is 1 to 8 letters or digits."), code="invalid", http_status=400, fields={"prefix": ""}
        )
    row, _created = CaseNumberPrefix.objects.select_for_update().get_or_create(
        town=town, year=year, defaults={"prefix": prefix}
    )
    old = row.prefix
    if row.prefix != prefix:
        row.prefix = prefix
        row.save(update_fields=["prefix"])
    # The action keeps its name from the days of CaseCounter, so the audit trail reads as one.
    record("case_counter.prefix", by=by, obj=row, changes={"prefix": [old, prefix]})
    return row
