"""Privacy rules of the registry (个人信息保护), each defined once here.

1. Who reads the registry at all: center staff and grid roles (`REGISTRY_ROLES`).
   Auditors do not (they read the audit trail). Mediators do not either: a mediator's job is
   the parties of their disputes, who identify themselves at registration (ID card in hand);
   the town's registry of residents, with reveal of any ID, is far beyond that (audit #4).
   Department officers read no persons, households,
   houses, places or organisations (a department's area gives it the map, not the people), but
   they read, read-only and masked, the key persons of the categories their department answers
   for by law and duty (`DEPARTMENT_CATEGORIES`), with those key persons' visits.
   Within a grid, the volunteer grid roles read less than the grid worker (`GRID_ROLE_READS`,
   `grid_role_q`): a safety warden (安全员) reads the households they cover, those households'
   members and houses, and the visits to those households; a watch member (群防群治队员) reads
   the grid's places and organisations, not the persons registry. Neither reads key persons.
   Both see only their own patrols.
2. Resident IDs, phones and exact addresses are masked on every page, export and API answer,
   for everyone, by default. A user holding `view_sensitive` may reveal ONE field of ONE record
   in scope, giving a purpose (`services.reveal_field`, one audit row per reveal).
   A house's `building` label is part of the exact address (the demo's labels ARE the address)
   and masked like it. A person's date of birth is masked to the year (`1960-**-**`) wherever
   the resident ID is masked: the masked ID keeps its region code and check character only
   (`core.masking`), and with the full date beside it a few hundred IDs would remain. Exact
   house and visit coordinates go only to users holding `view_sensitive`; everyone else gets
   them rounded to `COARSE_DECIMALS` places (about 1 km).
   Places (schools, markets, venues) keep their exact points.
3. Key-person categories that are sensitive by law (mental health under the Mental Health Law,
   criminal records, drug rehabilitation) are visible only to: administrators, town leaders,
   clerks and duty leaders holding `view_sensitive`, and the key person's own controller or
   case owner (包案人). For everyone else those key persons do not exist: not in lists, search,
   to-do lists, the API or exports (and their visits neither). So a key person of a sensitive
   category always has a controller or case owner who keeps the to-do list of their grid
   (`keeps_to_do_for`; checked on every save: page, API, import): their due and missed visits
   reach that person's to-do list, whoever else may not see them.
4. A search by a full resident ID says whether that ID lives in the user's area, masked or not:
   such searches are limited per user (`ResidentIdSearchThrottle`, `RESIDENT_ID_SEARCH_RATE`;
   429 beyond it) and each one is audited (`registry.search.resident_id`, the ID masked, how
   many were found), whichever path it comes by: every full-ID match goes through
   `services.match_resident_id` (search page and API, the persons list filter on the page, in
   the API and in exports), so they all spend one budget. Searches by name are neither.
5. Exports: an export that names natural persons (persons, households with their heads, key
   persons, organisations with their leaders: `EXPORTS_NAMING_PERSONS`) is personal data even
   masked, and needs the `registry.export_personal_data` permission; places and houses (masked)
   any registry reader may export. Unmasked identifiers in an export need that permission AND
   `view_sensitive`. Every export is audited and the file names its exporter and time.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from rest_framework.throttling import SimpleRateThrottle

from fengqiao.accounts.models import GRID_ROLES, Role
from fengqiao.center.models import Department
from fengqiao.core.masking import mask_address, mask_phone, mask_resident_id, may_see_sensitive

#: Mediators are not here (rule 1): no list, search, reveal or export of the registry.
REGISTRY_ROLES = frozenset({Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR, *GRID_ROLES})
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

#: Key-person categories each kind of department reads (read-only, masked, with visits), by law
#: and duty. Police stations: community drug rehabilitation is ordered and supervised by the
#: police (禁毒法 art. 33-35); petition-prone persons and key youth are their public-order and
#: crime-prevention work (预防未成年人犯罪法). Judicial offices: community correction (社区矫正法
#: art. 9: the judicial office does the daily work) and released prisoners' resettlement
#: (安置帮教). Petition offices: petition-prone persons. Education: key youth and left-behind
#: children (农村留守儿童关爱保护). Severe mental disorder goes to no department here: its
#: registry belongs to the health authorities (精神卫生法), which are not a department kind.
#: Every other department kind reads no key person.
DEPARTMENT_CATEGORIES: dict[str, frozenset[str]] = {
    Department.Kind.POLICE: frozenset({"drug_rehabilitation", "petition_prone", "key_youth"}),
    Department.Kind.JUDICIAL: frozenset({"community_correction", "released_prisoner"}),
    Department.Kind.PETITION: frozenset({"petition_prone"}),
    Department.Kind.EDUCATION: frozenset({"key_youth", "left_behind_child"}),
}

#: What the volunteer grid roles read (model label_lower); the grid worker reads the whole grid.
#: Safety wardens: only what hangs on the households they cover (`grid_role_q`).
GRID_ROLE_READS: dict[str, frozenset[str]] = {
    Role.SAFETY_WARDEN: frozenset(
        {"registry.household", "registry.person", "registry.house", "registry.visit", "registry.patrol"}
    ),
    Role.WATCH_MEMBER: frozenset({"registry.place", "registry.organization", "registry.patrol"}),
}

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


def department_categories(user: Any) -> frozenset[str]:
    """The key-person categories a department officer reads through their department (empty
    for everyone else, and for an officer without a department or of an inactive one)."""
    if not _active(user) or user.role != Role.DEPARTMENT_OFFICER:
        return frozenset()
    department = user.department
    if department is None or not department.is_active:
        return frozenset()
    return DEPARTMENT_CATEGORIES.get(department.kind, frozenset())


def reads_key_persons(user: Any) -> bool:
    """Registry readers except the volunteer grid roles, and officers of departments that answer
    for some category."""
    if not reads_registry(user):
        return bool(department_categories(user))
    return user.is_superuser or user.role not in GRID_ROLE_READS


def opens_key_person_pages(user: Any) -> bool:
    """The key-person list opens for every department officer (the menu offers it to all of them),
    empty for a department that answers for no category; everything else as `reads_key_persons`."""
    return reads_key_persons(user) or (_active(user) and user.role == Role.DEPARTMENT_OFFICER)


def grid_role_q(label: str, user: Any) -> Q | None:
    """What of model `label` a volunteer grid role reads inside their grids (None: no narrowing,
    the grid scope applies as for a grid worker)."""
    if not _active(user) or user.is_superuser:
        return None
    reads = GRID_ROLE_READS.get(user.role)
    if reads is None:
        return None
    if label not in reads:
        return Q(pk__in=[])
    if label == "registry.patrol":
        return Q(worker=user)
    if user.role != Role.SAFETY_WARDEN:
        return None
    from fengqiao.registry.models import Household, Person

    if label == "registry.household":
        return Q(wardens=user)
    if label == "registry.person":
        return Q(household__wardens=user)
    if label == "registry.house":
        return Q(pk__in=Household.objects.filter(wardens=user).values("house")) | Q(
            pk__in=Person.objects.filter(household__wardens=user).values("house")
        )
    if label == "registry.visit":
        return Q(key_person__isnull=True, household__wardens=user)
    return Q(pk__in=[])


def edits_registry(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role in EDITOR_ROLES)


def sees_all_sensitive_categories(user: Any) -> bool:
    if not _active(user):
        return False
    if user.is_superuser or user.role in SENSITIVE_ROLES:
        return True
    return user.role in SENSITIVE_ROLES_WITH_RIGHT and may_see_sensitive(user)


def sensitive_category_q(user: Any, *, prefix: str = "") -> Q:
    """The key persons (under `prefix`) whose category this user may see.

    A department officer sees exactly their department's categories (sensitive ones included:
    that is the duty); everyone else the plain categories, and the sensitive ones only under
    rule 3 above."""
    if categories := department_categories(user):
        return Q(**{f"{prefix}category__in": categories})
    if sees_all_sensitive_categories(user):
        return Q()
    return (
        ~Q(**{f"{prefix}category__in": SENSITIVE_CATEGORIES})
        | Q(**{f"{prefix}controller": user})
        | Q(**{f"{prefix}case_owner": user})
    )


def assignable_users(by: Any) -> Any:
    """The users `by` may name as a key person's controller, helper or case owner: the active
    users in their scope (the edit form's choices; the API answers 400 for anyone else)."""
    from fengqiao.accounts.models import User

    return User.objects.visible_to(by).filter(is_active=True)


def keeps_to_do_for(user: Any, grid_id: Any) -> bool:
    """Whether `user` has the registry's to-do list and it covers the grid `grid_id`: a sensitive
    key person's controller or case owner must be such a user, or their missed visits would turn
    red on nobody's list (audit #6; rule 3 shows them to their controller and case owner)."""
    from fengqiao.regions.models import Grid

    return bool(
        reads_registry(user)  # the to-do list's readers: no department officer, no auditor
        and reads_key_persons(user)  # nor a volunteer grid role
        and Grid.objects.visible_to(user).filter(pk=grid_id).exists()
    )


#: Searches by a full resident ID a user may make (DRF rate syntax): a grid worker checks a few
#: IDs a day; running through a list of candidate IDs to find who lives here is what it stops.
RESIDENT_ID_SEARCH_RATE = "20/hour"


def is_resident_id_search(text: str) -> bool:
    """Whether a search text is a full resident ID (`queries.search` matches those exactly)."""
    return len((text or "").strip()) == 18


class ResidentIdSearchThrottle(SimpleRateThrottle):
    """At most `RESIDENT_ID_SEARCH_RATE` full-ID searches per user, kept in the default cache
    (shared by every web process when CACHE_URL names Redis, else per process).

    Bound to a user: `ResidentIdSearchThrottle(user).allow_request(None, None)` spends one search of
    theirs. `services.match_resident_id` is every path's way to it, so no view carries it."""

    scope = "registry_resident_id_search"
    rate = RESIDENT_ID_SEARCH_RATE

    def __init__(self, user: Any) -> None:
        super().__init__()
        self.user = user

    def get_cache_key(self, request: Any, view: Any) -> str | None:
        if not self.user.pk:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.user.pk}


#: Exports that name natural persons (a person, a household's head, an organisation's leader):
#: personal data even with every identifier masked.
EXPORTS_NAMING_PERSONS = frozenset({"persons", "households", "key_persons", "organizations"})


def may_export(user: Any, what: str) -> bool:
    """Whether the user may export the list `what` (an `exports.columns` name) at all."""
    if not reads_registry(user):
        return False
    return what not in EXPORTS_NAMING_PERSONS or bool(user.has_perm("registry.export_personal_data"))


def may_export_personal_data(user: Any) -> bool:
    return _active(user) and may_see_sensitive(user) and bool(user.has_perm("registry.export_personal_data"))


def mask_birth_date(value: Any) -> str:
    """A date of birth cut to its year: `1960-**-**` (the full date completes a masked ID)."""
    if not value:
        return ""
    year = value.year if hasattr(value, "year") else str(value)[:4]
    return f"{year}-**-**"


#: The address rule is core.masking's, one for every app that shows addresses.
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
