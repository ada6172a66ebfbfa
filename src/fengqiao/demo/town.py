"""Loading the demo town (演示镇) into the database: `load_demo_town(today=...)`.

The content comes from `plan.build_plan()`; this module only writes it, keyed on natural keys
(division codes, grid codes, usernames, names within a town), so loading twice creates nothing
new. When the town is already complete the heavy part is skipped and only the duty roster of the
current month is topped up, which keeps a second `make demo` to a handful of queries.
"""

from __future__ import annotations

import datetime as dt
import logging
from calendar import monthrange
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import User
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core import audit
from fengqiao.demo.exceptions import DemoError
from fengqiao.demo.plan import (
    COUNTY_CODE,
    COUNTY_NAME,
    DEMO_PASSWORD,
    TOWN_CODE,
    TOWN_NAME,
    PersonPlan,
    TownPlan,
    build_plan,
)
from fengqiao.regions.models import Grid, Region
from fengqiao.regions.services import set_grid_boundary

logger = logging.getLogger(__name__)

_PERSON_FIELDS = ["role", "full_name", "department", "is_staff", "is_superuser", "view_sensitive"]

#: Demo roles holding `view_sensitive`: mediators print the complete official documents (the
#: agreement with the parties' ID numbers and phones), so the demo mediator must be able to.
SENSITIVE_ROLES = frozenset({"mediator"})


@dataclass(frozen=True)
class DemoSummary:
    """What the loader found or made."""

    built: bool  # False when the town was already complete and only the roster was checked
    villages: int
    grids: int
    users: int
    departments: int
    windows: int
    rooms: int
    duty_shifts_created: int
    month: dt.date  # first day of the roster's month
    digest: str  # of the plan that was loaded


def load_demo_town(*, today: dt.date | None = None) -> DemoSummary:
    """Load (or complete) the demo town and the duty roster of `today`'s month.

    Refuses with DemoError where demo data is not allowed (production settings). A build writes
    `demo.load` and, through `regions.services.set_grid_boundary`, one `grid.set_boundary` per
    grid; new roster days write `demo.duty_roster`. A complete town writes nothing else.
    """
    if not settings.DEMO_ALLOWED:
        raise DemoError(_("Demo data may not be loaded in production (FENGQIAO_ENV=production)."))
    today = today or timezone.localdate()
    plan = build_plan()
    with transaction.atomic():
        built = not _is_complete(plan)
        if built:
            _build(plan)
        town = Region.objects.get(code=TOWN_CODE)
        created = ensure_duty_roster(town, plan.duty_leaders, month_of=today)
        # Issue 5 item 7: the town's 20 monitoring rooms and 285 cameras (only what is missing).
        from fengqiao.surveillance.demo import load_demo_surveillance

        load_demo_surveillance(town)
        # Issue 4: the mediation history behind the published figure (78 disputes since 2023).
        from fengqiao.mediation.demo import load_demo_mediation

        load_demo_mediation(town)
        # Issue 5 items 1-2: the town's registry (persons, households, places, key persons, ...).
        from fengqiao.registry.demo import load_demo_registry

        load_demo_registry(town)
    village_codes = [v.code for v in plan.villages]
    return DemoSummary(
        built=built,
        villages=Region.objects.filter(code__in=village_codes).count(),
        grids=Grid.objects.filter(village__code__in=village_codes).count(),
        users=User.objects.filter(username__in=[p.username for p in plan.persons]).count(),
        departments=Department.objects.filter(region__path__startswith=town.path).count(),
        windows=Window.objects.filter(town=town).count(),
        rooms=Room.objects.filter(town=town).count(),
        duty_shifts_created=created,
        month=today.replace(day=1),
        digest=plan.digest(),
    )


def _is_complete(plan: TownPlan) -> bool:
    """Whether every keyed row of the plan is already there (a few count queries)."""
    town = Region.objects.filter(code=TOWN_CODE).first()
    if town is None:
        return False
    usernames = [p.username for p in plan.persons]
    users = User.objects.filter(username__in=usernames).aggregate(
        count=Count("pk"),
        # A demo mediator without `view_sensitive` (a demo loaded before it was granted) rebuilds.
        wrong_flag=Count("pk", filter=Q(role__in=SENSITIVE_ROLES, view_sensitive=False)),
    )
    return (
        Region.objects.filter(parent=town, code__in=[v.code for v in plan.villages]).count()
        == len(plan.villages)
        and Grid.objects.filter(code__in=[v.grid_code for v in plan.villages], boundary__isnull=False).count()
        == len(plan.villages)
        and users["count"] == len(usernames)
        and users["wrong_flag"] == 0
        and Department.objects.filter(region__path__startswith=town.path).count()
        >= len(plan.departments) + len(plan.villages)
        and Window.objects.filter(town=town).count() >= len(plan.windows)
        and Room.objects.filter(town=town, name__in=[r.name for r in plan.rooms]).count() == len(plan.rooms)
    )


def _build(plan: TownPlan) -> None:
    county, _created = Region.objects.update_or_create(
        code=COUNTY_CODE, defaults={"name": COUNTY_NAME, "level": Region.Level.COUNTY, "parent": None}
    )
    town, _created = Region.objects.update_or_create(
        code=TOWN_CODE, defaults={"name": TOWN_NAME, "level": Region.Level.TOWN, "parent": county}
    )
    villages: list[Region] = []
    grids: list[Grid] = []
    for village_plan in plan.villages:
        village, _created = Region.objects.update_or_create(
            code=village_plan.code,
            defaults={"name": village_plan.name, "level": Region.Level.VILLAGE, "parent": town},
        )
        villages.append(village)
        grid, _created = Grid.objects.update_or_create(
            code=village_plan.grid_code, defaults={"name": village_plan.grid_name, "village": village}
        )
        grids.append(grid)

    departments: dict[str, Department] = {}
    for dept in plan.departments:
        departments[dept.key], _created = Department.objects.update_or_create(
            region=town,
            name=dept.name,
            defaults={
                "kind": dept.kind,
                "stationing": dept.stationing,
                "in_hall": dept.in_hall,
                "contact_name": dept.contact_name,
            },
        )
    for village, village_plan in zip(villages, plan.villages, strict=True):
        Department.objects.update_or_create(
            region=village,
            name=village_plan.committee_name,
            defaults={
                "kind": Department.Kind.VILLAGE_COMMITTEE,
                "stationing": Department.Stationing.ON_CALL,
                "in_hall": False,
                "contact_name": village_plan.committee_contact,
            },
        )
    for window in plan.windows:
        Window.objects.update_or_create(
            town=town,
            number=window.number,
            defaults={"name": window.name, "department": departments[window.department]},
        )
    for room in plan.rooms:
        Room.objects.update_or_create(
            town=town, name=room.name, defaults={"purpose": room.purpose, "description": room.description}
        )

    users = _save_persons(plan.persons, departments)
    _link_scopes(plan, users, town=town, villages=villages, grids=grids)
    # Boundaries go through the regions service, as an administrator would set them: it checks
    # validity and overlap, computes the geodesic area and audits each grid.
    for grid, village_plan in zip(grids, plan.villages, strict=True):
        if grid.boundary != village_plan.boundary:
            set_grid_boundary(grid, village_plan.boundary, by=users["admin"])
    audit.record(
        "demo.load",
        by=None,
        obj=town,
        changes={"villages": len(villages), "grids": len(grids), "users": len(plan.persons)},
    )
    logger.debug("demo town %s loaded", TOWN_NAME)


def _save_persons(persons: tuple[PersonPlan, ...], departments: dict[str, Department]) -> dict[str, User]:
    """Create missing demo users in bulk and bring existing ones back to their role and name.

    Passwords are set only on creation, so a password changed in the demo survives a reload.
    """
    # The demo password is published, short of the validators' rules and shared by every demo
    # login: it is hashed directly, bypassing AUTH_PASSWORD_VALIDATORS on purpose (the loader
    # refuses to run in production). One hash serves every account, because hashing ~35
    # passwords with PBKDF2 would make the first `make demo` take many seconds for nothing.
    demo_hash = make_password(DEMO_PASSWORD)
    existing = {u.username: u for u in User.objects.filter(username__in=[p.username for p in persons])}
    to_create, to_update = [], []
    for person in persons:
        fields: dict[str, Any] = {
            "role": person.role,
            "full_name": person.full_name,
            "department": departments[person.department] if person.department else None,
            "is_staff": person.is_staff,
            "is_superuser": person.is_superuser,
        }
        if person.role in SENSITIVE_ROLES:
            # Granted, never taken away: a right an administrator gave another demo user stays.
            fields["view_sensitive"] = True
        user = existing.get(person.username)
        if user is None:
            user = User(username=person.username, **fields)
            if person.login:
                user.password = demo_hash
            else:
                user.set_unusable_password()
            to_create.append(user)
        elif any(getattr(user, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(user, name, value)
            to_update.append(user)
    User.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        User.objects.bulk_update(to_update, _PERSON_FIELDS, batch_size=500)
    # bulk_create sets primary keys on PostgreSQL and SQLite >= 3.35; read back to be sure.
    return {u.username: u for u in User.objects.filter(username__in=[p.username for p in persons])}


def _link_scopes(
    plan: TownPlan, users: dict[str, User], *, town: Region, villages: list[Region], grids: list[Grid]
) -> None:
    """Grids for grid roles, the town for center staff, villages for cadres, and liaisons."""
    grid_links = [
        User.grids.through(user_id=users[p.username].pk, grid_id=grids[p.village].pk)
        for p in plan.persons
        if p.village is not None
    ]
    region_links = [
        User.regions.through(user_id=users[p.username].pk, region_id=town.pk)
        for p in plan.persons
        if p.town_scope
    ]
    leader_links, cadre_links = [], []
    for village, (leader, cadres) in zip(villages, plan.liaisons, strict=True):
        leader_links.append(Region.liaison_leaders.through(region_id=village.pk, user_id=users[leader].pk))
        for cadre in cadres:
            cadre_links.append(Region.liaison_cadres.through(region_id=village.pk, user_id=users[cadre].pk))
            region_links.append(User.regions.through(user_id=users[cadre].pk, region_id=village.pk))
    # ignore_conflicts: the through tables are unique on their pair, so a reload adds nothing.
    User.grids.through.objects.bulk_create(grid_links, ignore_conflicts=True, batch_size=500)
    User.regions.through.objects.bulk_create(region_links, ignore_conflicts=True, batch_size=500)
    Region.liaison_leaders.through.objects.bulk_create(leader_links, ignore_conflicts=True)
    Region.liaison_cadres.through.objects.bulk_create(cadre_links, ignore_conflicts=True)


def working_days(month_of: dt.date) -> list[dt.date]:
    """The working days of the month, on the platform's working-day calendar.

    That is `core.calendar`: the Holiday table seeded from chinese_calendar (statutory holidays and
    adjusted working weekends) with administrators' corrections, and Monday to Friday for years
    chinese_calendar does not know.
    """
    from fengqiao.core.calendar import get_calendar

    calendar = get_calendar()
    first = month_of.replace(day=1)
    days = [first + dt.timedelta(days=n) for n in range(monthrange(first.year, first.month)[1])]
    return [day for day in days if calendar.is_workday(day)]


def ensure_duty_roster(town: Region, leader_usernames: tuple[str, ...], *, month_of: dt.date) -> int:
    """Give every working day of the month without a shift a duty leader, in turn; return how many.

    Days that already have a shift (perhaps edited by an administrator) are left alone.
    """
    leaders = list(User.objects.filter(username__in=leader_usernames).order_by("username"))
    days = working_days(month_of)
    if not leaders or not days:
        return 0
    taken = set(DutyShift.objects.filter(town=town, date__in=days).values_list("date", flat=True))
    shifts = [
        DutyShift(town=town, date=day, leader=leaders[index % len(leaders)])
        for index, day in enumerate(days)
        if day not in taken
    ]
    if shifts:
        DutyShift.objects.bulk_create(shifts)
        audit.record(
            "demo.duty_roster",
            by=None,
            obj=town,
            changes={"month": f"{month_of:%Y-%m}", "shifts": len(shifts)},
        )
    return len(shifts)


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str  # the role's label, translated
    sees: str  # what the account sees, translated


def demo_logins() -> list[DemoLogin]:
    """The demo accounts that log in (all with the password `fengqiao-demo`), in plan order."""
    from fengqiao.accounts.models import Role

    plan = build_plan()
    departments = {d.key: d.name for d in plan.departments}
    sees = {
        Role.ADMINISTRATOR: _("everything; configuration in /admin/"),
        Role.CLERK: _("the whole town: hall, departments, grid map, duty roster"),
        Role.TOWN_LEADER: _("the whole town: overview and supervision"),
        Role.MEDIATOR: _("the whole town: disputes and mediation"),
        Role.AUDITOR: _("the audit trail of the town"),
        Role.DUTY_LEADER: _("the whole town, and their own duty days"),
    }
    logins = []
    for person in plan.persons:
        if not person.login:
            continue
        if person.role == Role.DEPARTMENT_OFFICER:
            text = _("only their department (%(name)s) and the town map") % {
                "name": departments[person.department]
            }
        elif person.role == Role.GRID_WORKER and person.village is not None:
            village = plan.villages[person.village]
            text = _("only their grid: %(grid)s (%(code)s)") % {
                "grid": village.grid_name,
                "code": village.grid_code,
            }
        else:
            text = sees[Role(person.role)]
        logins.append(DemoLogin(person.username, str(Role(person.role).label), text))
    return logins
