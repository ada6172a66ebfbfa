"""Read helpers of the field pages: the grid worker's day (今日待办), every list scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F

from fengqiao.accounts.models import GRID_ROLES
from fengqiao.cases import workflow
from fengqiao.cases.models import Case, Status
from fengqiao.mediation.models import Screening
from fengqiao.registry import queries as registry_queries
from fengqiao.registry.models import KeyPerson, Patrol

#: How many rows each list of the day shows at most: a phone screen, not an archive.
LIST_LIMIT = 20


def uses_field_pages(user: Any) -> bool:
    """The field pages are for the grid roles: grid workers, watch members and safety wardens."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in GRID_ROLES
    )


@dataclass
class Today:
    """What a grid worker has to do today, each list already scoped and limited."""

    visits_due: list[KeyPerson] = field(default_factory=list)
    to_verify: list[Case] = field(default_factory=list)
    screenings_due: list[Screening] = field(default_factory=list)
    my_cases: list[Case] = field(default_factory=list)
    active_patrol: Patrol | None = None


def today(user: Any) -> Today:
    """Visits due or missed, results the center asks the user to verify on site (核查), screening
    reports not yet submitted for the user's grids, the cases the user reported lately, and the
    user's patrol under way (巡查), if any."""
    my_grids = user.grids.values("pk")
    # The center's verification step (核查): a resolved case waits for `verify`, which the grid
    # roles of its grid may take. A dispute under mediation is verified only by archiving its
    # dossier (409 on the generic verify, audit #1), so it is left out here in the query (it has
    # a Dispute row) and, whatever guard an app adds, by asking the workflow itself.
    to_verify = (
        Case.objects.visible_to(user)
        .filter(status=Status.RESOLVED, grid__in=my_grids, dispute__isnull=True)
        .select_related("grid", "dispute")
        .order_by(F("resolved_at").asc(nulls_last=True), "id")
    )
    screenings = (
        Screening.objects.visible_to(user)
        .filter(submitted_at__isnull=True, grid__in=my_grids)
        .select_related("grid")
        .order_by("due_at", "id")
    )
    my_cases = Case.objects.visible_to(user).filter(reported_by=user).select_related("grid").order_by("-id")
    return Today(
        visits_due=list(registry_queries.visits_due(user)[:LIST_LIMIT]),
        to_verify=[
            case
            for case in to_verify[:LIST_LIMIT]
            if "verify" in workflow.allowed_actions(case, user, assignments=[])
        ],
        screenings_due=list(screenings[:LIST_LIMIT]),
        my_cases=list(my_cases[:LIST_LIMIT]),
        active_patrol=(
            Patrol.objects.visible_to(user)
            .filter(worker=user, status=Patrol.Status.ACTIVE)
            .select_related("grid")
            .annotate(checkin_count=Count("checkins"))
            .order_by("-started_at")
            .first()
        ),
    )
