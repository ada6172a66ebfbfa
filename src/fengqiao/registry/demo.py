"""The demo town's registry (演示基础信息): houses, households, about 3,000 persons, places,
organisations, key persons with visits, and a few patrols. Every person is invented.

Deterministic (one seeded `random.Random`: the same names, resident IDs and places everywhere)
and idempotent (keyed on resident ID, household number, place name and grid, organisation name
and grid: a second load creates nothing). Written with bulk_create, a few dozen queries in all.
Resident IDs carry the county prefix 620802, a plausible birth date and a valid GB 11643 check
character. Visit clocks are set relative to the load's `now`, so the to-do list always has some
yellow and some red rows.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from shapely.geometry import Point, shape

from fengqiao.accounts.models import Role, User
from fengqiao.core.validators import resident_id_check_char
from fengqiao.demo.plan import _GIVEN_FEMALE, _GIVEN_MALE, _SURNAMES
from fengqiao.regions.models import Grid, Region
from fengqiao.registry import privacy, sla
from fengqiao.registry.models import (
    House,
    Household,
    KeyPerson,
    Organization,
    Patrol,
    PatrolCheckin,
    Person,
    Place,
    Visit,
)
from fengqiao.registry.validators import CREDIT_ALPHABET, credit_code_check_char

SEED = 5
HOUSES_PER_GRID = 36
HOUSEHOLDS_PER_GRID = 44
KEY_PERSON_SHARE = 0.05
#: Fewer persons than this in the town means the registry was not loaded (the plan makes ~3,000).
MIN_PERSONS = 2500
COUNTY_PREFIX = "620802"

_RESIDENCE = (("registered", 85), ("floating", 7), ("left_behind", 6), ("overseas", 2))
_CATEGORIES = (
    ("left_behind_elderly", 30),
    ("left_behind_child", 20),
    ("petition_prone", 10),
    ("key_youth", 10),
    ("severe_mental_disorder", 8),
    ("community_correction", 8),
    ("released_prisoner", 7),
    ("drug_rehabilitation", 4),
    ("other", 3),
)
_RHYTHM = {"severe_mental_disorder": 14, "community_correction": 7, "petition_prone": 14, "key_youth": 30}


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def _name(rng: random.Random, male: bool) -> str:
    surname = rng.choices([s for s, _ in _SURNAMES], [w for _, w in _SURNAMES])[0]
    pool = _GIVEN_MALE if male else _GIVEN_FEMALE
    return surname + "".join(rng.choice(pool) for _ in range(2 if rng.random() < 0.7 else 1))


def _resident_id(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    while True:
        order = rng.randrange(0, 500) * 2 + (1 if male else 0)  # odd for men, even for women
        first17 = f"{COUNTY_PREFIX}{birth:%Y%m%d}{order % 1000:03d}"
        value = first17 + resident_id_check_char(first17)
        if value not in used:
            used.add(value)
            return value


def _phone(rng: random.Random) -> str:
    return f"+86{rng.choice(['138', '139', '150', '151', '187', '189'])}{rng.randrange(10**8):08d}"


def _credit_code(rng: random.Random) -> str:
    first17 = "91" + COUNTY_PREFIX + "".join(rng.choice(CREDIT_ALPHABET) for _ in range(9))
    return first17 + credit_code_check_char(first17)


def _point_in(boundary: Any, rng: random.Random) -> tuple[float, float]:
    geom = shape(boundary) if boundary else None
    if geom is None:
        return (0.0, 0.0)
    minx, miny, maxx, maxy = geom.bounds
    for _ in range(50):
        lon, lat = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if geom.contains(Point(lon, lat)):
            return (round(lon, 6), round(lat, 6))
    point = geom.representative_point()
    return (round(point.x, 6), round(point.y, 6))


def _birth(rng: random.Random, low: int, high: int, today: dt.date) -> dt.date:
    year = today.year - rng.randint(low, high)
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def load_demo_registry(town: Region, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Fill the registry of the town's grids with invented data; only what is missing is created.

    A town already holding the planned persons is recognised with one count query (the whole
    load is one transaction, so persons present means everything present).
    """
    if Person.objects.filter(grid__village__parent=town).count() >= MIN_PERSONS:
        return dict.fromkeys(
            ("houses", "households", "persons", "places", "key_persons", "visits", "patrols"), 0
        )
    with transaction.atomic():
        return _load(town, now=now or timezone.now())


def _load(town: Region, *, now: dt.datetime) -> dict[str, int]:
    today = timezone.localtime(now).date()
    rng = random.Random(SEED)  # noqa: S311 - demo data, reproducible on purpose
    grids = list(
        Grid.objects.filter(village__parent=town, boundary__isnull=False)
        .select_related("village")
        .order_by("code")
    )
    users_by_grid: dict[int, dict[str, list[User]]] = {grid.pk: {} for grid in grids}
    for user in (
        User.objects.filter(
            grids__in=grids, role__in=[Role.GRID_WORKER, Role.WATCH_MEMBER, Role.SAFETY_WARDEN]
        )
        .order_by("username")
        .prefetch_related("grids")
    ):
        for grid in user.grids.all():
            if grid.pk in users_by_grid:
                users_by_grid[grid.pk].setdefault(user.role, []).append(user)

    existing_ids = set(Person.objects.filter(grid__in=grids).values_list("resident_id", flat=True))
    existing_numbers = set(Household.objects.filter(grid__in=grids).values_list("number", flat=True))
    existing_houses = {(h.grid_id, h.address): h for h in House.objects.filter(grid__in=grids)}
    used_ids: set[str] = set()

    houses: list[House] = []
    households: list[tuple[Household, int]] = []  # (household, index of its house in `houses`)
    persons: list[tuple[Person, int]] = []  # (person, index of its household in `households`)
    places: list[Place] = []
    organizations: list[tuple[Organization, list[User]]] = []
    for grid in grids:
        village = grid.village.name
        first_house = len(houses)
        for n in range(HOUSES_PER_GRID):
            lon, lat = _point_in(grid.boundary, rng)
            rented_out = rng.random() < 0.08  # drawn whether or not the house exists: same sequence
            address = f"{village}{n // 12 + 1}组{n % 12 + 1}号"
            house = existing_houses.get((grid.pk, address)) or House(
                grid=grid,
                address=address,
                building=f"{village}{n // 12 + 1}组{n % 12 + 1}号院",
                lon=lon,
                lat=lat,
                rented_out=rented_out,
            )
            houses.append(house)
        for n in range(HOUSEHOLDS_PER_GRID):
            house_index = first_house + (n % HOUSES_PER_GRID)
            household = Household(
                number=f"{grid.village.code[6:]}{n + 1:04d}",
                grid=grid,
                address=houses[house_index].address,
            )
            households.append((household, house_index))
            size = rng.choices([1, 2, 3, 4, 5, 6], [6, 22, 26, 26, 14, 6])[0]
            for member in range(size):
                male = rng.random() < (0.7 if member == 0 else 0.5)
                low, high = (30, 80) if member == 0 else (1, 90)
                birth = _birth(rng, low, high, today)
                person = Person(
                    name=_name(rng, male),
                    resident_id=_resident_id(rng, birth, male, used_ids),
                    ethnicity="回族" if rng.random() < 0.2 else "汉族",
                    phone=_phone(rng) if rng.random() < 0.6 else "",
                    residence_type=_pick(rng, _RESIDENCE),
                    address=household.address,
                    grid=grid,
                )
                persons.append((person, len(households) - 1))
        lon, lat = _point_in(grid.boundary, rng)
        places += [
            Place(
                name=f"{village}村委会",
                kind=Place.Kind.OTHER,
                address=f"{village}村委会",
                lon=lon,
                lat=lat,
                grid=grid,
            ),
            Place(
                name=f"{village}卫生室",
                kind=Place.Kind.CLINIC,
                address=f"{village}1组",
                lon=lon,
                lat=lat,
                grid=grid,
            ),
        ]
        if rng.random() < 0.6:
            lon, lat = _point_in(grid.boundary, rng)
            places.append(
                Place(
                    name=f"{village}小学",
                    kind=Place.Kind.SCHOOL,
                    address=f"{village}2组",
                    lon=lon,
                    lat=lat,
                    grid=grid,
                )
            )
        if rng.random() < 0.5:
            lon, lat = _point_in(grid.boundary, rng)
            kind_name = "清真寺" if rng.random() < 0.5 else "庙"
            places.append(
                Place(name=f"{village}{kind_name}", kind=Place.Kind.RELIGIOUS, lon=lon, lat=lat, grid=grid)
            )
        if rng.random() < 0.3:
            places.append(
                Place(name=f"{village}集贸市场", kind=Place.Kind.MARKET, lon=lon, lat=lat, grid=grid)
            )
        for suffix in ("农业专业合作社", "建材有限公司")[: rng.randint(1, 2)]:
            lon, lat = _point_in(grid.boundary, rng)
            places.append(
                Place(
                    name=f"平凉市{village}{suffix}",
                    kind=Place.Kind.ENTERPRISE,
                    credit_code=_credit_code(rng),
                    lon=lon,
                    lat=lat,
                    grid=grid,
                )
            )
        staff = users_by_grid[grid.pk]
        organizations += [
            (
                Organization(name=f"中共{village}支部委员会", kind=Organization.Kind.PARTY_BRANCH, grid=grid),
                [],
            ),
            (
                Organization(name=f"{village}群防群治队", kind=Organization.Kind.WATCH_TEAM, grid=grid),
                staff.get(Role.WATCH_MEMBER, []),
            ),
            (Organization(name=f"{village}红白理事会", kind=Organization.Kind.SOCIAL, grid=grid), []),
        ]

    # Houses, then households (with their house), then persons (with household and house).
    House.objects.bulk_create([h for h in houses if h.pk is None], batch_size=500)
    new_households = [h for h, _i in households if h.number not in existing_numbers]
    for household, house_index in households:
        household.house = houses[house_index]
    Household.objects.bulk_create(new_households, batch_size=500)
    by_number = {h.number: h for h in Household.objects.filter(grid__in=grids)}
    new_persons = []
    for person, household_index in persons:
        household, house_index = households[household_index]
        person.household = by_number[household.number]
        person.house = houses[house_index]
        if person.resident_id not in existing_ids:
            person.derive_from_resident_id()
            new_persons.append(person)
    Person.objects.bulk_create(new_persons, batch_size=1000)
    by_id = {
        p.resident_id: p for p in Person.objects.filter(grid__in=grids).only("id", "resident_id", "grid_id")
    }

    # Heads of household: the first member of each (the lowest id: bulk_create keeps the order).
    first_member = Person.objects.filter(household=OuterRef("pk")).order_by("id").values("id")[:1]
    Household.objects.filter(grid__in=grids, head__isnull=True).update(head=Subquery(first_member))

    # Safety wardens: the households of each grid shared out among its wardens.
    links = []
    for grid in grids:
        wardens = users_by_grid[grid.pk].get(Role.SAFETY_WARDEN, [])
        grid_households = sorted(
            (h for h in by_number.values() if h.grid_id == grid.pk), key=lambda h: h.number
        )
        for index, household in enumerate(grid_households):
            if wardens:
                links.append(
                    Household.wardens.through(
                        household_id=household.pk, user_id=wardens[index % len(wardens)].pk
                    )
                )
    Household.wardens.through.objects.bulk_create(links, ignore_conflicts=True, batch_size=1000)

    existing_places = set(Place.objects.filter(grid__in=grids).values_list("name", "grid_id"))
    Place.objects.bulk_create(
        [p for p in places if (p.name, p.grid_id) not in existing_places], batch_size=500
    )
    existing_orgs = set(Organization.objects.filter(grid__in=grids).values_list("name", "grid_id"))
    new_orgs = [(o, m) for o, m in organizations if (o.name, o.grid_id) not in existing_orgs]
    Organization.objects.bulk_create([o for o, _m in new_orgs], batch_size=500)
    Organization.members.through.objects.bulk_create(
        [
            Organization.members.through(organization_id=o.pk, user_id=u.pk)
            for o, members in new_orgs
            for u in members
        ],
        ignore_conflicts=True,
    )

    # Key persons with a visit history: last visits spread so some are due and some missed.
    key_persons: list[KeyPerson] = []
    visits: list[Visit] = []
    existing_keys = set(KeyPerson.objects.filter(person__grid__in=grids).values_list("person_id", "category"))
    for person, _household_index in persons:
        if rng.random() >= KEY_PERSON_SHARE:
            continue
        stored = by_id[person.resident_id]
        category = _pick(rng, _CATEGORIES)
        workers = users_by_grid[person.grid_id].get(Role.GRID_WORKER, [])
        worker = workers[0] if workers else None
        every = _RHYTHM.get(category, 30)
        last = now - dt.timedelta(days=rng.randint(0, every + 6), hours=rng.randint(0, 8))
        key_person = KeyPerson(
            person=stored,
            category=category,
            risk_level=rng.choices(["low", "medium", "high"], [6, 3, 1])[0],
            visit_every_days=every,
            last_visit_at=last,
            helper=worker,
            # Sensitive categories always have one (privacy rule 3: else nobody sees them missed).
            controller=(
                worker
                if category not in _RHYTHM or rng.random() < 0.5 or category in privacy.SENSITIVE_CATEGORIES
                else None
            ),
        )
        sla.schedule(key_person, since=last, now=now)
        if (stored.pk, category) in existing_keys:
            continue
        existing_keys.add((stored.pk, category))
        key_persons.append(key_person)
    KeyPerson.objects.bulk_create(key_persons, batch_size=500)
    for key_person in key_persons:
        if key_person.helper is not None and key_person.last_visit_at is not None:
            visits.append(
                Visit(
                    key_person=key_person,
                    grid_id=key_person.person.grid_id,
                    by=key_person.helper,
                    at=key_person.last_visit_at,
                    note="上门走访，情况稳定",
                )
            )
    Visit.objects.bulk_create(visits, batch_size=500)

    # A few ended patrols per grid worker, with check-ins, so the grid pages have history.
    patrols: list[tuple[Patrol, list[tuple[float, float]]]] = []
    if not Patrol.objects.filter(grid__in=grids).exists():
        for grid in grids:
            for worker in users_by_grid[grid.pk].get(Role.GRID_WORKER, []):
                for day in range(1, 4):
                    start = now - dt.timedelta(days=day, hours=rng.randint(1, 5))
                    patrol = Patrol(
                        worker=worker,
                        grid=grid,
                        started_at=start,
                        ended_at=start + dt.timedelta(hours=2),
                        status=Patrol.Status.ENDED,
                    )
                    patrols.append((patrol, [_point_in(grid.boundary, rng) for _step in range(4)]))
        Patrol.objects.bulk_create([patrol for patrol, _points in patrols])
        PatrolCheckin.objects.bulk_create(
            [
                PatrolCheckin(
                    patrol=patrol, lon=lon, lat=lat, at=patrol.started_at + dt.timedelta(minutes=30 * step)
                )
                for patrol, points in patrols
                for step, (lon, lat) in enumerate(points)
            ],
            batch_size=1000,
        )
    _grant_export(town)
    return {
        "houses": House.objects.filter(grid__in=grids).count(),
        "households": len(new_households),
        "persons": len(new_persons),
        "places": Place.objects.filter(grid__in=grids).count(),
        "key_persons": len(key_persons),
        "visits": len(visits),
        "patrols": len(patrols),
    }


#: The group that carries the right to export lists naming persons (privacy.may_export).
EXPORT_GROUP = "个人信息导出"


def _grant_export(town: Region) -> None:
    """The town's leaders may export person lists in the demo (masked unless they also hold
    `view_sensitive`); everyone else exports places and houses only."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name=EXPORT_GROUP)
    group.permissions.add(
        Permission.objects.get(codename="export_personal_data", content_type__app_label="registry")
    )
    for leader in User.objects.filter(role=Role.TOWN_LEADER, regions=town):
        leader.groups.add(group)
