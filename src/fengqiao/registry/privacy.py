"""Privacy rules of the registry (个人信息保护), each defined once here.

1. Who reads the registry at all: center staff, grid roles and mediators (`REGISTRY_ROLES`).
   Department officers and auditors do not: a department's area gives it the map, not the
   people, and auditors read the audit trail, not the registry.
2. Resident IDs, phones and exact addresses are masked on every page, export and API answer,
   for everyone, by default. A user holding `view_sensitive` may reveal ONE field of ONE record
   in scope, giving a purpose (`services.reveal_field`, one audit row per reveal).
   A house's `building` label is part of the exact address (the demo's labels ARE the address)
   and masked like it. A person's date of birth is masked to the year (`1960-**-**`) wherever
   the resident ID is masked: with the masked ID's first six and last four characters, the full
   date would rebuild the whole ID. Exact house and visit coordinates go only to users holding
   `view_sensitive`; everyone else gets them rounded to `COARSE_DECIMALS` places (about 1 km).
   Places (schools, markets, venues) keep their exact points.
3. Key-person categories that are sensitive by law (mental health under the Mental Health Law,
   criminal records, drug rehabilitation) are visible only to: administrators, town leaders,
   clerks and duty leaders holding `view_sensitive`, and the key person's own controller or
   case owner (包案人). For everyone else those key persons do not exist: not in lists, search,
   to-do lists, the API or exports (and their visits neither).
4. Exports: anyone who reads a list may export it, masked. Unmasked identifiers in an export
   need the `registry.export_personal_data` permission AND `view_sensitive`. Every export is
   audited and the file names its exporter and time.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from fengqiao.accounts.models import GRID_ROLES, Role
from fengqiao.core.masking import mask_phone, mask_resident_id, may_see_sensitive

REGISTRY_ROLES = frozenset(
    {Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR, Role.MEDIATOR, *GRID_ROLES}
)
#: Roles allowed to edit the registry (create, update, import).
EDITOR_ROLES = frozenset(
    {Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR, Role.GRID_WORKER}
)

SENSITIVE_CATEGORIES = frozenset(
    {"severe_mental_disorder", "community_correction", "released_prisoner", "drug_rehabilitation"}
)
#: Roles that see sensitive categories whatever else holds.
SENSITIVE_ROLES = frozenset({Role.ADMINISTRATOR, Role.TOWN_LEADER})
#: Roles that see them when they also hold `view_sensitive`.
SENSITIVE_ROLES_WITH_RIGHT = frozenset({Role.CLERK, Role.DUTY_LEADER})

#: The fields `reveal_field` may unmask, per model (label_lower -> fields).
REVEALABLE = {
    "registry.person": ("resident_id", "birth_date", "phone", "address"),
    "registry.household": ("address",),
    "registry.house": ("building", "address"),
    "registry.place": ("address", "contact_phone"),
    "registry.organization": ("phone",),
}


#: Coordinates that are exact only for holders of `view_sensitive` (pages, API, edit forms).
PROTECTED_POINTS = {"registry.house": ("lon", "lat")}


def _active(user: Any) -> bool:
    return bool(
        user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)
    )


def reads_registry(user: Any) -> bool:
    if not _active(user):
        return False
    return bool(user.is_superuser or user.role in REGISTRY_ROLES)


def edits_registry(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role in EDITOR_ROLES)


def sees_all_sensitive_categories(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser or user.role in SENSITIVE_ROLES:
        return True
    return user.role in SENSITIVE_ROLES_WITH_RIGHT and may_see_sensitive(user)


def sensitive_category_q(user: Any, *, prefix: str = "") -> Q:
    """The key persons (under `prefix`) whose category this user may see."""
    if sees_all_sensitive_categories(user):
        return Q()
    return (
        ~Q(**{f"{prefix}category__in": SENSITIVE_CATEGORIES})
        | Q(**{f"{prefix}controller": user})
        | Q(**{f"{prefix}case_owner": user})
    )


def may_export_personal_data(user: Any) -> bool:
    return _active(user) and may_see_sensitive(user) and bool(user.has_perm("registry.export_personal_data"))


def mask_address(value: str) -> str:
    """An address cut to its first six characters (village and road), the rest starred."""
    if not value:
        return value
    keep = min(6, max(len(value) // 2, 1))
    return value[:keep] + "*" * min(len(value) - keep, 8)


def mask_birth_date(value: Any) -> str:
    """A date of birth cut to its year: `1960-**-**` (the full date completes a masked ID)."""
    if not value:
        return ""
    year = value.year if hasattr(value, "year") else str(value)[:4]
    return f"{year}-**-**"


MASKERS: dict[str, Any] = {
    "resident_id": mask_resident_id,
    "birth_date": mask_birth_date,
    "phone": mask_phone,
    "contact_phone": mask_phone,
    "address": mask_address,
    "building": mask_address,
}

#: Decimal places of the coordinates shown to users without `view_sensitive` (0.01° ~ 1.1 km).
COARSE_DECIMALS = 2


def point_for(user: Any, value: float | None) -> float | None:
    """A house's or visit's longitude or latitude as `user` may see it: exact for holders of
    `view_sensitive`, rounded to `COARSE_DECIMALS` places for everyone else."""
    if value is None:
        return None
    return value if may_see_sensitive(user) else round(value, COARSE_DECIMALS)


def masked(obj: Any, field: str) -> str:
    value = getattr(obj, field, "") or ""
    return MASKERS[field](value) if value else ""
