"""Changes to the center's organisation (中心组织): departments, windows, rooms, duty roster, liaisons.

Only administrators change the organisation. Every function runs in one transaction and writes
one audit row (`core.audit.record`) with the fields it changed; a call that changes nothing writes
nothing. Rule violations raise `CenterError`; a non-administrator gets `PermissionDenied`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.accounts.models import GRID_ROLES, User
from fengqiao.center.exceptions import CenterError
from fengqiao.center.models import Department, DutyShift, Room, Window, path_prefixes
from fengqiao.center.queries import LEADER_ROLES, month_days
from fengqiao.core.audit import diff, record, snapshot
from fengqiao.regions.models import Region

DEPARTMENT_FIELDS = ("name", "kind", "stationing", "in_hall", "region", "contact_name", "contact_phone")
WINDOW_FIELDS = ("number", "name", "department")
ROOM_FIELDS = ("name", "purpose", "description")


# --- Rules shared by the services, the forms and the admin -------------------------------------


def require_administrator(by: Any) -> None:
    """Only an active administrator may change the center's organisation."""
    if not (getattr(by, "is_active", False) and getattr(by, "is_administrator", False)):
        raise PermissionDenied(_("Only administrators may change the center's organisation."))


def check_town(town: Region) -> None:
    if town.level != Region.Level.TOWN:
        raise CenterError(_("%(region)s is not a town.") % {"region": town})


def check_window_department(department: Department, town: Region) -> None:
    """A window is staffed by an active department working in (or above) the window's town."""
    if not department.is_active:
        raise CenterError(_("%(department)s is not active.") % {"department": department})
    area = department.region.path
    if not (area.startswith(town.path) or town.path.startswith(area)):
        raise CenterError(
            _("%(department)s does not work in %(town)s.") % {"department": department, "town": town}
        )


def check_duty_leader(leader: User, town: Region) -> None:
    """The duty leader is an active user of a leader role whose regions cover the town."""
    if not leader.is_active or leader.role not in LEADER_ROLES:
        raise CenterError(
            _("%(user)s is not an active duty leader or town leader.") % {"user": leader.display_name}
        )
    if not leader.regions.filter(path__in=path_prefixes(town.path)).exists():
        raise CenterError(
            _("%(user)s is not a leader of %(town)s.") % {"user": leader.display_name, "town": town}
        )


def _check_changes(changes: Mapping[str, Any], allowed: tuple[str, ...]) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"unknown fields: {', '.join(sorted(unknown))}")


def _full_clean(instance: Department | Window | Room) -> None:
    # Field formats (phone, choices, lengths) are the model's; uniqueness gets a clearer message
    # from the services themselves, before this runs.
    instance.full_clean(validate_unique=False, validate_constraints=False)


# --- Departments (站所 / 部门) -----------------------------------------------------------------


def _check_department(department: Department) -> None:
    _full_clean(department)
    clash = Department.objects.filter(region=department.region, name=department.name)
    if clash.exclude(pk=department.pk).exists():
        raise CenterError(
            _("%(region)s already has a department named %(name)s.")
            % {"region": department.region, "name": department.name}
        )


@transaction.atomic
def create_department(
    *,
    by: Any,
    name: str,
    kind: str,
    region: Region,
    stationing: str = Department.Stationing.ON_CALL,
    in_hall: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
) -> Department:
    """Add a department (站所) to the center's organisation; writes `department.create`."""
    require_administrator(by)
    department = Department(
        name=name.strip(),
        kind=kind,
        region=region,
        stationing=stationing,
        in_hall=in_hall,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
    )
    _check_department(department)
    department.save()
    record(
        "department.create",
        by=by,
        obj=department,
        changes=diff(department, {}, list(DEPARTMENT_FIELDS)),
    )
    return department


@transaction.atomic
def update_department(department: Department, *, by: Any, **changes: Any) -> Department:
    """Change a department's name, kind, stationing, hall presence, area or contact.

    `changes` names only the fields to change. Writes `department.update` with the diff.
    """
    require_administrator(by)
    _check_changes(changes, DEPARTMENT_FIELDS)
    department = Department.objects.select_for_update().select_related("region").get(pk=department.pk)
    before = snapshot(department, list(DEPARTMENT_FIELDS))
    for field, value in changes.items():
        setattr(department, field, value.strip() if isinstance(value, str) else value)
    changed = diff(department, before, list(DEPARTMENT_FIELDS))
    if not changed:
        return department
    _check_department(department)
    department.save(update_fields=[*changed, "updated_at"])
    record("department.update", by=by, obj=department, changes=changed)
    return department


@transaction.atomic
def deactivate_department(department: Department, *, by: Any) -> Department:
    """Take a department out of service; it keeps its history. Writes `department.deactivate`.

    A department still staffing a hall window cannot go: the window must be handed over first.
    """
    require_administrator(by)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if not department.is_active:
        raise CenterError(_("This department is already inactive."), code="state", http_status=409)
    windows = list(Window.objects.filter(department=department).values_list("name", flat=True))
    if windows:
        raise CenterError(
            _("%(department)s still staffs the windows %(windows)s; give them to another department first.")
            % {"department": department, "windows": ", ".join(windows)},
            code="state",
            http_status=409,
        )
    department.is_active = False
    department.save(update_fields=["is_active", "updated_at"])
    record("department.deactivate", by=by, obj=department, changes={"is_active": [True, False]})
    return department


@transaction.atomic
def reactivate_department(department: Department, *, by: Any) -> Department:
    """Put an inactive department back into service. Writes `department.reactivate`."""
    require_administrator(by)
    department = Department.objects.select_for_update().get(pk=department.pk)
    if department.is_active:
        raise CenterError(_("This department is already active."), code="state", http_status=409)
    department.is_active = True
    department.save(update_fields=["is_active", "updated_at"])
    record("department.reactivate", by=by, obj=department, changes={"is_active": [False, True]})
    return department


# --- Windows (窗口) and function rooms (功能室) --------------------------------------------------


def _check_window(window: Window) -> None:
    check_town(window.town)
    _full_clean(window)
    # Judge the department as it is now in the database, not as the caller last saw it.
    window.department = Department.objects.select_related("region").get(pk=window.department_id)
    check_window_department(window.department, window.town)
    if Window.objects.filter(town=window.town, number=window.number).exclude(pk=window.pk).exists():
        raise CenterError(
            _("%(town)s already has a window number %(number)s.")
            % {"town": window.town, "number": window.number}
        )


@transaction.atomic
def create_window(*, by: Any, town: Region, number: int, name: str, department: Department) -> Window:
    """Open a reception window in the town's hall, staffed by a department. Writes `window.create`."""
    require_administrator(by)
    window = Window(town=town, number=number, name=name.strip(), department=department)
    _check_window(window)
    window.save()
    record("window.create", by=by, obj=window, changes=diff(window, {}, ["town", *WINDOW_FIELDS]))
    return window


@transaction.atomic
def update_window(window: Window, *, by: Any, **changes: Any) -> Window:
    """Renumber, rename or re-staff a window. Writes `window.update` with the diff."""
    require_administrator(by)
    _check_changes(changes, WINDOW_FIELDS)
    window = Window.objects.select_for_update().select_related("town", "department").get(pk=window.pk)
    before = snapshot(window, list(WINDOW_FIELDS))
    for field, value in changes.items():
        setattr(window, field, value.strip() if isinstance(value, str) else value)
    changed = diff(window, before, list(WINDOW_FIELDS))
    if not changed:
        return window
    _check_window(window)
    window.save(update_fields=[*changed, "updated_at"])
    record("window.update", by=by, obj=window, changes=changed)
    return window


def _check_room(room: Room) -> None:
    check_town(room.town)
    _full_clean(room)
    if Room.objects.filter(town=room.town, name=room.name).exclude(pk=room.pk).exists():
        raise CenterError(
            _("%(town)s already has a room named %(name)s.") % {"town": room.town, "name": room.name}
        )


@transaction.atomic
def create_room(*, by: Any, town: Region, name: str, purpose: str, description: str = "") -> Room:
    """Add a function room (功能室) to the town's center. Writes `room.create`."""
    require_administrator(by)
    room = Room(town=town, name=name.strip(), purpose=purpose, description=description.strip())
    _check_room(room)
    room.save()
    record("room.create", by=by, obj=room, changes=diff(room, {}, ["town", *ROOM_FIELDS]))
    return room


@transaction.atomic
def update_room(room: Room, *, by: Any, **changes: Any) -> Room:
    """Rename a room or change its purpose. Writes `room.update` with the diff."""
    require_administrator(by)
    _check_changes(changes, ROOM_FIELDS)
    room = Room.objects.select_for_update().select_related("town").get(pk=room.pk)
    before = snapshot(room, list(ROOM_FIELDS))
    for field, value in changes.items():
        setattr(room, field, value.strip() if isinstance(value, str) else value)
    changed = diff(room, before, list(ROOM_FIELDS))
    if not changed:
        return room
    _check_room(room)
    room.save(update_fields=[*changed, "updated_at"])
    record("room.update", by=by, obj=room, changes=changed)
    return room


# --- The duty roster (科级领导坐班) ----------------------------------------------------------------


@transaction.atomic
def set_duty_roster(
    town: Region, month: dt.date, assignments: Mapping[dt.date, User | None], *, by: Any
) -> dict[str, dict[str, Any]]:
    """Set the duty leaders of a town for days of one month, in one go (the month page's save).

    `assignments` maps a day to its leader, or to None to clear the day; days not named are left
    as they are. Every new or changed leader is checked (`check_duty_leader`); one bad day
    refuses the whole month. Creates, updates and deletes `DutyShift` rows and writes one
    `duty_roster.set` audit row listing what was created, changed and cleared. Returns that list.
    """
    require_administrator(by)
    check_town(town)
    days = month_days(month)
    outside = sorted(day for day in assignments if not days[0] <= day <= days[-1])
    if outside:
        raise CenterError(
            _("%(day)s is not in %(month)s.") % {"day": outside[0].isoformat(), "month": f"{days[0]:%Y-%m}"}
        )
    existing = {
        shift.date: shift
        for shift in DutyShift.objects.select_for_update()
        .filter(town=town, date__gte=days[0], date__lte=days[-1])
        .select_related("leader")
    }
    # Judge the leaders as they are now in the database, not as the caller last saw them.
    fresh = User.objects.in_bulk([leader.pk for leader in assignments.values() if leader is not None])
    assignments = {day: fresh[leader.pk] if leader else None for day, leader in assignments.items()}
    created: dict[str, str] = {}
    changed: dict[str, list[str]] = {}
    cleared: dict[str, str] = {}
    checked: set[int] = set()
    for day in sorted(assignments):
        leader, shift = assignments[day], existing.get(day)
        if (
            leader is not None
            and (shift is None or shift.leader_id != leader.pk)
            and leader.pk not in checked
        ):
            try:
                check_duty_leader(leader, town)
            except CenterError as error:
                raise CenterError(
                    _("%(day)s: %(error)s") % {"day": day.isoformat(), "error": error}
                ) from None
            checked.add(leader.pk)
        if shift is None and leader is not None:
            DutyShift.objects.create(town=town, date=day, leader=leader)
            created[day.isoformat()] = leader.display_name
        elif shift is not None and leader is None:
            shift.delete()
            cleared[day.isoformat()] = shift.leader.display_name
        elif shift is not None and leader is not None and shift.leader_id != leader.pk:
            old_name = shift.leader.display_name
            shift.leader = leader
            shift.save(update_fields=["leader", "updated_at"])
            changed[day.isoformat()] = [old_name, leader.display_name]
    summary: dict[str, dict[str, Any]] = {
        key: value
        for key, value in (("created", created), ("changed", changed), ("cleared", cleared))
        if value
    }
    if summary:
        record(
            "duty_roster.set",
            by=by,
            obj=town,
            object_type="center.dutyshift",
            object_repr=f"{town} {days[0]:%Y-%m}",
            changes={"month": f"{days[0]:%Y-%m}", **summary},
        )
    return summary


# --- Village liaisons (包村领导 / 包村干部) --------------------------------------------------------


def check_liaison_leader(user: User, village: Region) -> None:
    if not user.is_active or user.role not in LEADER_ROLES:
        raise CenterError(
            _("%(user)s is not an active duty leader or town leader.") % {"user": user.display_name}
        )
    if not user.regions.filter(path__in=path_prefixes(village.path)).exists():
        raise CenterError(
            _("%(user)s does not work in %(village)s.") % {"user": user.display_name, "village": village}
        )


def check_liaison_cadre(user: User, village: Region) -> None:
    if not user.is_active or user.role in GRID_ROLES:
        raise CenterError(_("%(user)s is not an active town cadre.") % {"user": user.display_name})
    if not user.regions.filter(path__in=path_prefixes(village.path)).exists():
        raise CenterError(
            _("%(user)s does not work in %(village)s.") % {"user": user.display_name, "village": village}
        )


@transaction.atomic
def set_village_liaisons(
    village: Region, *, leaders: Iterable[User], cadres: Iterable[User], by: Any
) -> dict[str, Any]:
    """Name the leaders and cadres linked to a village (包村领导 / 包村干部), replacing the old lists.

    Newly named people are checked: leaders must hold a leader role, cadres must be town staff,
    and both must work in the village's town. Writes one `village.liaisons` audit row.
    """
    require_administrator(by)
    village = Region.objects.select_for_update().get(pk=village.pk)
    if village.level != Region.Level.VILLAGE:
        raise CenterError(_("%(region)s is not a village.") % {"region": village})
    changes: dict[str, Any] = {}
    for field, people, check in (
        ("liaison_leaders", list(leaders), check_liaison_leader),
        ("liaison_cadres", list(cadres), check_liaison_cadre),
    ):
        relation = getattr(village, field)
        current = {user.pk: user for user in relation.all()}
        wanted = {user.pk: user for user in people}
        for pk in wanted.keys() - current.keys():
            check(wanted[pk], village)
        added, removed = wanted.keys() - current.keys(), current.keys() - wanted.keys()
        if added or removed:
            relation.set(list(wanted.values()))
            changes[field] = {
                "added": sorted(wanted[pk].display_name for pk in added),
                "removed": sorted(current[pk].display_name for pk in removed),
            }
    if changes:
        record("village.liaisons", by=by, obj=village, changes=changes)
    return changes
