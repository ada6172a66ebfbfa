"""The demo town's registry: a few thousand invented persons with valid IDs, wardens linked."""

from __future__ import annotations

import datetime as dt

import pytest

from fengqiao.accounts.models import Role, User
from fengqiao.core.validators import resident_id_error
from fengqiao.demo.town import load_demo_town
from fengqiao.regions.models import Region
from fengqiao.registry.demo import load_demo_registry
from fengqiao.registry.models import Household, KeyPerson, Organization, Person, Place, Visit, VisitState
from fengqiao.registry.validators import credit_code_error

pytestmark = pytest.mark.django_db


def test_the_demo_registry_is_realistic_and_loads_once(django_assert_max_num_queries):
    load_demo_town(today=dt.date(2026, 10, 15))
    persons = Person.objects.count()
    assert 2500 <= persons <= 4000
    assert all(resident_id_error(rid) is None for rid in Person.objects.values_list("resident_id", flat=True))
    assert all(rid.startswith("620802") for rid in Person.objects.values_list("resident_id", flat=True)[:50])
    assert Household.objects.count() == 20 * 44
    assert not Household.objects.filter(head__isnull=True).exists()
    wardens = User.objects.filter(role=Role.SAFETY_WARDEN)
    assert wardens.count() == 137
    assert not wardens.filter(covered_households__isnull=True).exists()  # every warden covers households
    assert Organization.objects.filter(kind="watch_team").count() == 20
    assert Organization.members.through.objects.count() == 88
    assert all(
        credit_code_error(c) is None
        for c in Place.objects.exclude(credit_code="").values_list("credit_code", flat=True)
    )
    categories = set(KeyPerson.objects.values_list("category", flat=True))
    assert len(categories) >= 6 and "community_correction" in categories
    assert {VisitState.OK, VisitState.WARNING, VisitState.OVERDUE} <= set(
        KeyPerson.objects.values_list("visit_state", flat=True)
    )
    assert Visit.objects.exists()
    # Audit #6: every sensitive key person has a controller who keeps their grid's to-do list.
    from fengqiao.registry import privacy as registry_privacy

    sensitive = KeyPerson.objects.filter(category__in=registry_privacy.SENSITIVE_CATEGORIES).select_related(
        "person", "controller", "case_owner"
    )
    assert sensitive.count() >= 20
    for key_person in sensitive:
        keepers = [u for u in (key_person.controller, key_person.case_owner) if u is not None]
        assert any(registry_privacy.keeps_to_do_for(u, key_person.person.grid_id) for u in keepers), (
            key_person
        )
        assert (
            KeyPerson.objects.due_for(keepers[0], now=key_person.visit_warn_at)
            .filter(pk=key_person.pk)
            .exists()
        )
    # Every warden sees households, every watch member places: the volunteer roles have work.
    from fengqiao.registry import privacy

    warden = wardens.first()
    assert Household.objects.visible_to(warden).exists() and not Place.objects.visible_to(warden).exists()
    # The town's leaders may export person lists (through a group); grid workers may not.
    leaders = User.objects.filter(role=Role.TOWN_LEADER)
    assert leaders.exists() and all(privacy.may_export(leader, "persons") for leader in leaders)
    assert not privacy.may_export(User.objects.filter(role=Role.GRID_WORKER).first(), "persons")

    town = Region.objects.get(code="620802101000")
    with django_assert_max_num_queries(1):  # one count
        load_demo_registry(town)
    assert Person.objects.count() == persons


def test_a_partial_registry_is_completed_without_duplicates(town):
    """Keyed on resident IDs, numbers and names: loading over part of it adds only the rest."""
    first = load_demo_registry(town.town)
    assert 0 < first["persons"] < 2500  # two grids only: below the "already loaded" threshold
    plain = Person.objects.filter(key_records__isnull=True, places_responsible__isnull=True)
    Person.objects.filter(pk__in=list(plain.order_by("-id").values_list("pk", flat=True)[:5])).delete()
    total = Person.objects.count()
    again = load_demo_registry(town.town)
    assert again["persons"] == 5 and again["households"] == 0
    assert Person.objects.count() == total + 5
