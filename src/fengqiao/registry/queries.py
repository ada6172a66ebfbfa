"""Read helpers of the registry, always scoped: 404 alike for missing and out of scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from fengqiao.core.scoping import get_for_user
from fengqiao.regions.models import Grid
from fengqiao.registry.models import (
    House,
    Household,
    ImportJob,
    KeyPerson,
    Organization,
    Patrol,
    Person,
    Place,
    Visit,
)


def get_person_for_user(user: Any, pk: Any) -> Person:
    return get_for_user(Person.objects.select_related("grid", "household", "house"), user, pk)


def get_household_for_user(user: Any, pk: Any) -> Household:
    return get_for_user(Household.objects.select_related("grid", "head", "house"), user, pk)


def get_house_for_user(user: Any, pk: Any) -> House:
    return get_for_user(House.objects.select_related("grid"), user, pk)


def get_place_for_user(user: Any, pk: Any) -> Place:
    return get_for_user(Place.objects.select_related("grid", "responsible"), user, pk)


def get_organization_for_user(user: Any, pk: Any) -> Organization:
    return get_for_user(Organization.objects.select_related("grid", "place"), user, pk)


def get_key_person_for_user(user: Any, pk: Any) -> KeyPerson:
    queryset = KeyPerson.objects.select_related("person__grid", "controller", "helper", "case_owner")
    return get_for_user(queryset, user, pk)


def get_visit_for_user(user: Any, pk: Any) -> Visit:
    return get_for_user(Visit.objects.select_related("key_person__person", "household", "by"), user, pk)


def get_patrol_for_user(user: Any, pk: Any) -> Patrol:
    return get_for_user(Patrol.objects.select_related("worker", "grid"), user, pk)


def get_import_for_user(user: Any, pk: Any) -> ImportJob:
    """Imports are seen by the user who started them only."""
    from django.http import Http404

    job = ImportJob.objects.defer("content").filter(pk=pk, by=user).first() if str(pk).isdigit() else None
    if job is None:
        raise Http404
    return job


def patrol_ids_started_with(user: Any, key: str) -> list[int]:
    """The ids of the patrols `user` started with the `Idempotency-Key` `key` (one at most)."""
    from fengqiao.core.idempotency import KEY_MAX
    from fengqiao.core.models import IdempotencyReceipt
    from fengqiao.registry.services import SCOPE_PATROL_START

    receipts = IdempotencyReceipt.objects.filter(user=user, scope=SCOPE_PATROL_START, key=key[:KEY_MAX])
    return [int(pk) for pk in receipts.values_list("object_id", flat=True) if pk.isdigit()]


def editable_grids(user: Any) -> QuerySet[Grid]:
    return Grid.objects.visible_to(user).select_related("village").order_by("code")


def search(
    user: Any, text: str, *, limit: int = 20, id_matches: QuerySet[Person] | None = None
) -> dict[str, list[Any]]:
    """Persons and places in the user's scope matching `text`.

    Persons match on name, or are among `id_matches`: the persons with the full resident ID
    `text` (`services.match_resident_id`, limited and audited; never part of an ID: searching
    digit by digit would unmask it). Places on name or credit code.
    """
    text = (text or "").strip()
    if not text:
        return {"persons": [], "places": []}
    person_q = Q(name__icontains=text)
    if id_matches is not None:
        person_q |= Q(pk__in=id_matches.values("pk"))
    persons = list(Person.objects.visible_to(user).filter(person_q).select_related("grid")[:limit])
    places = list(
        Place.objects.visible_to(user)
        .filter(Q(name__icontains=text) | Q(credit_code=text.upper()))
        .select_related("grid")[:limit]
    )
    return {"persons": persons, "places": places}


def visits_due(user: Any) -> QuerySet[KeyPerson]:
    """The to-do list: key persons in scope whose visit is due soon (yellow) or missed (red)."""
    return KeyPerson.objects.due_for(user).select_related("person__grid")


def patrol_counts(grid: Grid, user: Any) -> list[dict[str, Any]]:
    """Per worker of the grid: patrols, ended patrols and check-ins (the grid page's table)."""
    return list(
        Patrol.objects.visible_to(user)
        .filter(grid=grid)
        .values("worker__id", "worker__username", "worker__full_name")
        .annotate(
            patrols=Count("id", distinct=True),
            ended=Count("id", filter=Q(status=Patrol.Status.ENDED), distinct=True),
            checkins=Count("checkins"),
        )
        .order_by("worker__username")
    )
