"""The visit clock of key persons (走访提醒): when the next visit is due, and the sweep.

A key person's next visit is due `visit_every_days` after the last visit (or after being put
under care). From `visit_warn_at` (a few days before it) the visit is on the grid worker's
to-do list in yellow (`warning`, "due"); once `next_visit_due_at` has passed without a visit it
turns red (`overdue`, "missed"). Both moments are stored on the row; `sweep(now)` flips states
with conditional updates, so two sweepers never flip a row twice and a stopped sweeper loses
nothing. The states are also correct between sweeps: `state_at` computes them from the row.

The sweep also looks for sensitive key persons whom nobody's to-do list carries (`keeperless`:
no active controller or case owner who keeps their grid's to-do list, e.g. on databases from
before the rule, or once the keeper was deactivated or left the grid) and tells the center once
per such spell (`KeyPerson.keeper_missing_noticed_at`, claimed with a conditional update).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.registry import privacy
from fengqiao.registry.models import KeyPerson, VisitState

#: Days before the due date a visit shows on the to-do list: a third of the rhythm, 1 to 3 days.
MAX_WARN_DAYS = 3


def warn_window(every_days: int) -> dt.timedelta:
    return dt.timedelta(days=max(1, min(MAX_WARN_DAYS, every_days // 3)))


def state_at(due: dt.datetime | None, warn: dt.datetime | None, now: dt.datetime) -> str:
    if due is not None and now >= due:
        return VisitState.OVERDUE
    if warn is not None and now >= warn:
        return VisitState.WARNING
    return VisitState.OK


def schedule(key_person: KeyPerson, *, since: dt.datetime, now: dt.datetime | None = None) -> None:
    """Set the next due time, the reminder time and the state from `since` (last visit or start)."""
    now = now or timezone.now()
    due = since + dt.timedelta(days=key_person.visit_every_days)
    key_person.next_visit_due_at = due
    key_person.visit_warn_at = due - warn_window(key_person.visit_every_days)
    key_person.visit_state = state_at(due, key_person.visit_warn_at, now)


def keeperless(queryset: QuerySet[KeyPerson]) -> list[int]:
    """The active, sensitive key persons of `queryset` without a keeper: neither controller nor
    case owner is an active user who keeps the to-do list of their grid
    (`privacy.keeps_to_do_for`), so their visits turn red on nobody's list (review 2 #4)."""
    from fengqiao.accounts.models import User

    rows = list(
        queryset.filter(active=True, category__in=privacy.SENSITIVE_CATEGORIES)
        .order_by()
        .values_list("pk", "person__grid_id", "controller_id", "case_owner_id")
    )
    user_ids = {uid for _pk, _grid, *keepers in rows for uid in keepers if uid is not None}
    users = {user.pk: user for user in User.objects.filter(pk__in=user_ids).select_related("department")}
    keeps: dict[tuple[int, int], bool] = {}

    def keeps_grid(user_id: int | None, grid_id: int) -> bool:
        if user_id is None or user_id not in users:
            return False
        if (user_id, grid_id) not in keeps:
            keeps[(user_id, grid_id)] = privacy.keeps_to_do_for(users[user_id], grid_id)
        return keeps[(user_id, grid_id)]

    return [pk for pk, grid_id, *keepers in rows if not any(keeps_grid(uid, grid_id) for uid in keepers)]


def center_staff_for(grid_id: int) -> list[Any]:
    """Who is told of a key person without a keeper: the active town leaders and clerks of the
    grid's town who see every sensitive category (they can open the record and name a keeper)."""
    from fengqiao.accounts.models import Role, User
    from fengqiao.center.models import path_prefixes
    from fengqiao.regions.models import Grid

    grid = Grid.objects.select_related("village__parent").get(pk=grid_id)
    town = grid.village.parent or grid.village
    staff = User.objects.filter(
        is_active=True, role__in=[Role.TOWN_LEADER, Role.CLERK], regions__path__in=path_prefixes(town.path)
    ).distinct()
    return [user for user in staff.order_by("pk") if privacy.sees_all_sensitive_categories(user)]


def _announce_keeperless(pk: int, now: dt.datetime) -> bool:
    from fengqiao.cases import sla as case_sla
    from fengqiao.cases import tasks
    from fengqiao.cases.models import Notification

    key_person = KeyPerson.objects.select_related("person__grid").get(pk=pk)
    staff = center_staff_for(key_person.person.grid_id)
    if not staff:
        return False  # nobody to tell yet: tried again next sweep (the list's filter shows it)
    with transaction.atomic():
        if not KeyPerson.objects.filter(pk=pk, keeper_missing_noticed_at__isnull=True).update(
            keeper_missing_noticed_at=now
        ):
            return False  # another sweep told them
        # No name or category: the notice is also sent out (SMS), and the record says the rest.
        text = _(
            "Key person no. %(id)s in %(grid)s has no controller or case owner who keeps the "
            "grid's to-do list, so their visits reach nobody: name one."
        ) % {"id": pk, "grid": key_person.person.grid}
        ids = case_sla.create_notifications(staff, Notification.Verb.OTHER, None, text)
        if ids:
            transaction.on_commit(lambda: tasks.enqueue_delivery(ids))
    return True


def sweep(now: dt.datetime | None = None) -> dict[str, Any]:
    """Turn due visits yellow and missed visits red, and tell the center once of each sensitive
    key person without a keeper; returns how many rows each step changed."""
    now = now or timezone.now()
    active = KeyPerson.objects.filter(active=True)
    overdue = active.filter(
        visit_state__in=[VisitState.OK, VisitState.WARNING], next_visit_due_at__lte=now
    ).update(visit_state=VisitState.OVERDUE)
    warned = active.filter(visit_state=VisitState.OK, visit_warn_at__lte=now).update(
        visit_state=VisitState.WARNING
    )
    missing = keeperless(KeyPerson.objects.all())
    told = [pk for pk in missing if _announce_keeperless(pk, now)] if missing else []
    # A keeper was named (or the person left care or the category): a later loss is told again.
    cleared = (
        KeyPerson.objects.filter(keeper_missing_noticed_at__isnull=False)
        .exclude(pk__in=missing)
        .update(keeper_missing_noticed_at=None)
    )
    return {
        "visits_warned": warned,
        "visits_overdue": overdue,
        "keepers_missing": len(missing),
        "keepers_missing_told": len(told),
        "keepers_missing_cleared": cleared,
    }
