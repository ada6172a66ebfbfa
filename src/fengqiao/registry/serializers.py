"""Serializers of the registry API. Personal identifiers leave masked (`MaskedField`); related
records on input are looked up in the caller's scope only (`ScopedRelatedField`)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fengqiao.accounts.models import User
from fengqiao.cases.models import Category
from fengqiao.cases.models import Kind as CaseKind
from fengqiao.regions.models import Grid
from fengqiao.registry import privacy
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
    VisitPhoto,
)


@extend_schema_field(OpenApiTypes.STR)
class MaskedField(serializers.Field):
    """A resident ID, date of birth (`1960-**-**`), phone, exact address or building label,
    always masked (reveal it through `/reveal/`)."""

    def __init__(self, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return privacy.MASKERS[self.kind](value) if value else ""


@extend_schema_field(OpenApiTypes.DOUBLE)
class PointField(serializers.Field):
    """A house's or visit's longitude or latitude: exact for holders of `view_sensitive`,
    rounded to `privacy.COARSE_DECIMALS` places (about 1 km) for everyone else."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["read_only"] = True
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> float | None:
        request = self.context.get("request")
        return privacy.point_for(request.user if request else None, value)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key looked up among the records the caller may see (unknown otherwise)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        queryset: Any = super().get_queryset()
        return queryset.visible_to(request.user if request else None)


class ScopedUserField(serializers.PrimaryKeyRelatedField):
    """A user the caller may name (active, in their scope: `privacy.assignable_users`), as the
    edit form offers; anyone else is unknown (400). Being controller or case owner of a key person
    opens sensitive categories, so a user of another town may not be named (audit #12)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return privacy.assignable_users(request.user if request else None)


class RegistryErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()
    # Declared fields leave the class body (SerializerMetaclass): `Serializer.fields` is intact.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class PersonSerializer(serializers.ModelSerializer[Person]):
    resident_id = MaskedField("resident_id")
    birth_date = MaskedField("birth_date", help_text="The year only (`1960-**-**`); reveal for the date.")
    phone = MaskedField("phone")
    address = MaskedField("address")
    grid_name = serializers.CharField(source="grid.name", read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "resident_id",
            "sex",
            "birth_date",
            "ethnicity",
            "phone",
            "residence_type",
            "household",
            "house",
            "address",
            "grid",
            "grid_name",
            "updated_at",
        ]
        read_only_fields = fields


class PersonWriteSerializer(serializers.ModelSerializer[Person]):
    grid = ScopedRelatedField(queryset=Grid.objects.all())
    household = ScopedRelatedField(queryset=Household.objects.all(), required=False, allow_null=True)
    house = ScopedRelatedField(queryset=House.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Person
        fields = [
            "name",
            "resident_id",
            "ethnicity",
            "phone",
            "residence_type",
            "household",
            "house",
            "address",
            "grid",
        ]
        extra_kwargs: dict[str, Any] = {"resident_id": {"validators": []}}  # uniqueness: the service answers


class HouseholdSerializer(serializers.ModelSerializer[Household]):
    address = MaskedField("address")
    head_name = serializers.CharField(source="head.name", read_only=True, default="")

    class Meta:
        model = Household
        fields = ["id", "number", "head", "head_name", "address", "house", "grid", "wardens", "updated_at"]
        read_only_fields = fields


class HouseholdWriteSerializer(serializers.ModelSerializer[Household]):
    grid = ScopedRelatedField(queryset=Grid.objects.all())
    head = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)
    house = ScopedRelatedField(queryset=House.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Household
        fields = ["number", "head", "address", "house", "grid"]
        extra_kwargs: dict[str, Any] = {"number": {"validators": []}}


class HouseSerializer(serializers.ModelSerializer[House]):
    building = MaskedField("building")
    address = MaskedField("address")
    lon = PointField()
    lat = PointField()

    class Meta:
        model = House
        fields = ["id", "building", "address", "lon", "lat", "rented_out", "grid", "updated_at"]
        read_only_fields = fields


class HouseWriteSerializer(serializers.ModelSerializer[House]):
    grid = ScopedRelatedField(queryset=Grid.objects.all())

    class Meta:
        model = House
        fields = ["building", "address", "lon", "lat", "rented_out", "grid"]


class PlaceSerializer(serializers.ModelSerializer[Place]):
    address = MaskedField("address")
    contact_phone = MaskedField("phone")

    class Meta:
        model = Place
        fields = [
            "id",
            "name",
            "kind",
            "credit_code",
            "address",
            "lon",
            "lat",
            "responsible",
            "contact_phone",
            "grid",
            "updated_at",
        ]
        read_only_fields = fields


class PlaceWriteSerializer(serializers.ModelSerializer[Place]):
    grid = ScopedRelatedField(queryset=Grid.objects.all())
    responsible = ScopedRelatedField(queryset=Person.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Place
        fields = [
            "name",
            "kind",
            "credit_code",
            "address",
            "lon",
            "lat",
            "responsible",
            "contact_phone",
            "grid",
        ]
        validators: list[Any] = []


class OrganizationSerializer(serializers.ModelSerializer[Organization]):
    phone = MaskedField("phone")

    class Meta:
        model = Organization
        fields = ["id", "name", "kind", "credit_code", "leader_name", "phone", "place", "grid", "updated_at"]
        read_only_fields = fields


class OrganizationWriteSerializer(serializers.ModelSerializer[Organization]):
    grid = ScopedRelatedField(queryset=Grid.objects.all())
    place = ScopedRelatedField(queryset=Place.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Organization
        fields = ["name", "kind", "credit_code", "leader_name", "phone", "place", "grid"]


class KeyPersonSerializer(serializers.ModelSerializer[KeyPerson]):
    person_name = serializers.CharField(source="person.name", read_only=True)
    # A plain string (same values as `visit_state`): one enum component for one choice set.
    visit_state_now = serializers.CharField(
        read_only=True,
        help_text="ok, warning or overdue at this moment, from the stored times; "
        "`visit_state` is what the last sweep wrote.",
    )
    grid = serializers.IntegerField(source="person.grid_id", read_only=True)

    class Meta:
        model = KeyPerson
        fields = [
            "id",
            "person",
            "person_name",
            "grid",
            "category",
            "risk_level",
            "controller",
            "helper",
            "case_owner",
            "visit_every_days",
            "last_visit_at",
            "next_visit_due_at",
            "visit_warn_at",
            "visit_state",
            "visit_state_now",
            "active",
            "note",
        ]
        read_only_fields = fields


class KeyPersonWriteSerializer(serializers.ModelSerializer[KeyPerson]):
    person = ScopedRelatedField(queryset=Person.objects.all())
    controller = ScopedUserField(queryset=User.objects.all(), required=False, allow_null=True)
    helper = ScopedUserField(queryset=User.objects.all(), required=False, allow_null=True)
    case_owner = ScopedUserField(queryset=User.objects.all(), required=False, allow_null=True)

    class Meta:
        model = KeyPerson
        fields = [
            "person",
            "category",
            "risk_level",
            "controller",
            "helper",
            "case_owner",
            "visit_every_days",
            "active",
            "note",
        ]
        validators: list[Any] = []


class VisitPhotoSerializer(serializers.ModelSerializer[VisitPhoto]):
    url = serializers.SerializerMethodField(help_text="The photo, for whoever sees the visit (logged in).")

    class Meta:
        model = VisitPhoto
        fields = ["id", "visit", "content_type", "size", "created_at", "url"]
        read_only_fields = fields

    def get_url(self, photo: VisitPhoto) -> str:
        from django.urls import reverse

        return reverse("registry:visit_photo", args=[photo.pk])


class VisitSerializer(serializers.ModelSerializer[Visit]):
    by_name = serializers.CharField(source="by.display_name", read_only=True)
    lon = PointField()
    lat = PointField()
    photos = VisitPhotoSerializer(many=True, read_only=True)

    class Meta:
        model = Visit
        fields = [
            "id",
            "key_person",
            "household",
            "grid",
            "by",
            "by_name",
            "at",
            "note",
            "lon",
            "lat",
            "photos",
        ]
        read_only_fields = fields


class VisitCreateSerializer(serializers.Serializer[Any]):
    key_person = ScopedRelatedField(queryset=KeyPerson.objects.all(), required=False, allow_null=True)
    household = ScopedRelatedField(queryset=Household.objects.all(), required=False, allow_null=True)
    at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="When the visit took place (default: now)."
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)


class PatrolCheckinSerializer(serializers.ModelSerializer[PatrolCheckin]):
    class Meta:
        model = PatrolCheckin
        fields = ["id", "lon", "lat", "at", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"at": {"required": False}}


class PatrolSerializer(serializers.ModelSerializer[Patrol]):
    worker_name = serializers.CharField(source="worker.display_name", read_only=True)
    checkin_count = serializers.IntegerField(read_only=True, default=0)
    finding_cases = serializers.SerializerMethodField()

    class Meta:
        model = Patrol
        fields = [
            "id",
            "worker",
            "worker_name",
            "grid",
            "started_at",
            "ended_at",
            "status",
            "note",
            "checkin_count",
            "finding_cases",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_finding_cases(self, patrol: Patrol) -> list[int]:
        return [finding.case_id for finding in patrol.findings.all()]


class PatrolStartSerializer(serializers.Serializer[Any]):
    grid = serializers.PrimaryKeyRelatedField(queryset=Grid.objects.all())
    note = serializers.CharField(required=False, allow_blank=True, default="")
    started_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the patrol started on the phone (offline); default: now. Never after now.",
    )


class PatrolEndSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    ended_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the patrol ended on the phone; default: now. Never before its last check-in.",
    )


class FindingSerializer(serializers.Serializer[Any]):
    kind = serializers.ChoiceField(choices=CaseKind.choices)
    title = serializers.CharField(max_length=120)
    # As in the case API: the case services check that it belongs to the kind and is active.
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )
    description = serializers.CharField(required=False, allow_blank=True, default="")
    lon = serializers.FloatField(required=False, allow_null=True)
    lat = serializers.FloatField(required=False, allow_null=True)
    at = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="When it was found (phone time)."
    )


class FindingCreatedSerializer(serializers.Serializer[Any]):
    case = serializers.IntegerField()
    number = serializers.CharField()
    tracking_code = serializers.CharField()


class RevealSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    purpose = serializers.CharField(max_length=200)


class RevealedSerializer(serializers.Serializer[Any]):
    field = serializers.CharField()
    value = serializers.CharField()


class SearchSerializer(serializers.Serializer[Any]):
    persons = PersonSerializer(many=True)
    places = PlaceSerializer(many=True)
