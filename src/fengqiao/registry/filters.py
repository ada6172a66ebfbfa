"""THE FilterSets of the registry, shared by the list pages, the API and the xlsx exports.

They filter an already scoped queryset (`visible_to(user)`) and never widen it. `q` searches
names (and, for a full 18-character resident ID, matches it exactly, never a part of it, through
`services.match_resident_id`: limited per user and audited like the search); a
house's building label is matched whole too.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.regions.models import Grid
from fengqiao.registry.models import (
    House,
    Household,
    KeyPerson,
    Organization,
    Patrol,
    Person,
    Place,
    Visit,
    VisitState,
)


def _grids(request: Any) -> QuerySet[Grid]:
    if request is None:
        return Grid.objects.none()
    return Grid.objects.visible_to(request.user).order_by("code")


class _GridFilterSet(django_filters.FilterSet):
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=_grids)


class PersonFilter(_GridFilterSet):
    q = django_filters.CharFilter(label=_("Name or full ID number"), method="search")
    residence_type = django_filters.ChoiceFilter(label=_("Residence type"), choices=Person.Residence.choices)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=Person._meta.get_field("sex").choices)
    household = django_filters.NumberFilter(label=_("Household"), field_name="household_id")

    class Meta:
        model = Person
        fields = ["q", "grid", "residence_type", "sex"]

    def search(self, queryset: QuerySet[Person], name: str, value: str) -> QuerySet[Person]:
        # A full ID is matched like the search's (limited per user and audited: 429 beyond it,
        # `services.ResidentIdSearchLimited`), or the list would be an unlimited ID oracle.
        from fengqiao.registry import services

        value = value.strip()
        query = Q(name__icontains=value)
        matches = services.match_resident_id(queryset, value, by=getattr(self.request, "user", None))
        if matches is not None:
            query |= Q(pk__in=matches.values("pk"))
        return queryset.filter(query)


class HouseholdFilter(_GridFilterSet):
    q = django_filters.CharFilter(label=_("Number"), field_name="number", lookup_expr="icontains")

    class Meta:
        model = Household
        fields = ["q", "grid"]


class HouseFilter(_GridFilterSet):
    rented_out = django_filters.BooleanFilter(label=_("Rented out"))
    # The building label is part of the exact address: matched whole, never by a part (like a
    # resident ID), so the filter cannot spell out a masked label character by character.
    q = django_filters.CharFilter(label=_("Building"), method="search")

    class Meta:
        model = House
        fields = ["q", "grid", "rented_out"]

    def search(self, queryset: QuerySet[House], name: str, value: str) -> QuerySet[House]:
        return queryset.filter(building=value.strip())


class PlaceFilter(_GridFilterSet):
    q = django_filters.CharFilter(label=_("Name or credit code"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Place.Kind.choices)

    class Meta:
        model = Place
        fields = ["q", "grid", "kind"]

    def search(self, queryset: QuerySet[Place], name: str, value: str) -> QuerySet[Place]:
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(credit_code=value.upper()))


class OrganizationFilter(_GridFilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organization.Kind.choices)

    class Meta:
        model = Organization
        fields = ["q", "grid", "kind"]


class KeyPersonFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="person__name", lookup_expr="icontains")
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), queryset=_grids, field_name="person__grid")
    category = django_filters.ChoiceFilter(label=_("Category"), choices=KeyPerson.Category.choices)
    risk_level = django_filters.ChoiceFilter(label=_("Risk level"), choices=KeyPerson.Risk.choices)
    visit_state = django_filters.ChoiceFilter(label=_("Visit"), choices=VisitState.choices)
    # The field page asks for `active=true`: a person no longer under care is not visited.
    active = django_filters.BooleanFilter(label=_("Under care"))
    # For the center: sensitive key persons whose visits reach nobody's to-do list (`sla.keeperless`,
    # computed now, not as of the last sweep). It only narrows what the viewer already sees.
    without_keeper = django_filters.BooleanFilter(label=_("Without a keeper"), method="filter_without_keeper")

    class Meta:
        model = KeyPerson
        fields = ["q", "grid", "category", "risk_level", "visit_state", "active", "without_keeper"]

    def filter_without_keeper(
        self, queryset: QuerySet[KeyPerson], name: str, value: bool | None
    ) -> QuerySet[KeyPerson]:
        from fengqiao.registry import sla

        if value is None:
            return queryset
        missing = sla.keeperless(queryset)
        return queryset.filter(pk__in=missing) if value else queryset.exclude(pk__in=missing)


class VisitFilter(_GridFilterSet):
    key_person = django_filters.NumberFilter(label=_("Key person"), field_name="key_person_id")
    household = django_filters.NumberFilter(label=_("Household"), field_name="household_id")

    class Meta:
        model = Visit
        fields = ["grid", "key_person", "household"]


class PatrolFilter(_GridFilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Patrol.Status.choices)
    worker = django_filters.NumberFilter(label=_("Worker"), field_name="worker_id")

    class Meta:
        model = Patrol
        fields = ["grid", "status", "worker"]
