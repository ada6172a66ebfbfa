"""Serializers of the mediation API. Choice fields are plain strings validated by the services
(the allowed values are listed in each `help_text`), so the schema has no enum name collisions
with other apps' `role`, `kind` or `outcome`."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fengqiao.core.masking import reveal
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    DisputeType,
    FollowUp,
    MediationSession,
    Party,
    Screening,
    Source,
)


class PlainChoiceField(serializers.CharField):
    """A model choice shown as its plain value (no per-app enum component in the schema)."""

    def __init__(self, *, choices: Any = None, **kwargs: Any) -> None:
        kwargs.pop("html_cutoff", None)
        kwargs.pop("html_cutoff_text", None)
        super().__init__(**kwargs)


class ModelSerializer(serializers.ModelSerializer[Any]):
    serializer_choice_field = PlainChoiceField


def _values(choices: Any) -> str:
    return ", ".join(str(value) for value in choices.values if value)


class PartySerializer(ModelSerializer):
    """A party; `resident_id` and `phone` masked unless the caller holds `view_sensitive`."""

    resident_id = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()

    class Meta:
        model = Party
        fields = [
            "id",
            "role",
            "name",
            "gender",
            "ethnicity",
            "resident_id",
            "phone",
            "occupation",
            "address",
            "represents",
        ]
        read_only_fields = fields

    def _viewer(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)

    @extend_schema_field(serializers.CharField())
    def get_resident_id(self, party: Party) -> str:
        return reveal(
            party.resident_id, kind="resident_id", viewer=self._viewer(), obj=party, field="resident_id"
        )

    @extend_schema_field(serializers.CharField())
    def get_phone(self, party: Party) -> str:
        return reveal(party.phone, kind="phone", viewer=self._viewer(), obj=party, field="phone")


class PartyInputSerializer(serializers.Serializer[Any]):
    role = serializers.CharField(help_text=_values(Party.Role))
    name = serializers.CharField(max_length=60)
    gender = serializers.CharField(required=False, allow_blank=True, help_text=_values(Party.Gender))
    ethnicity = serializers.CharField(required=False, allow_blank=True, max_length=20)
    resident_id = serializers.CharField(required=False, allow_blank=True, max_length=30)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    occupation = serializers.CharField(required=False, allow_blank=True, max_length=60)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    represents = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of the party an agent acts for"
    )


class SessionSerializer(ModelSerializer):
    class Meta:
        model = MediationSession
        fields = ["id", "held_at", "place", "room", "participants", "minutes", "outcome", "recorded_by"]
        read_only_fields = fields


class SessionInputSerializer(serializers.Serializer[Any]):
    held_at = serializers.DateTimeField(required=False)
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)
    room = serializers.IntegerField(required=False, allow_null=True)
    participants = serializers.CharField()
    minutes = serializers.CharField()
    outcome = serializers.CharField(
        required=False, default="continue", help_text=_values(MediationSession.Outcome)
    )


class TermSerializer(ModelSerializer):
    class Meta:
        model = AgreementTerm
        fields = [
            "id",
            "position",
            "content",
            "manner",
            "place",
            "due_on",
            "amount",
            "performance",
            "performance_note",
        ]
        read_only_fields = fields


class AgreementSerializer(ModelSerializer):
    terms = TermSerializer(many=True, read_only=True)
    dispute = serializers.IntegerField(source="dispute_id", read_only=True)
    confirmation_due_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Agreement
        fields = [
            "id",
            "dispute",
            "form",
            "facts",
            "points_in_dispute",
            "signed_on",
            "effective_on",
            "confirmation_due_on",
            "confirmation_applied_on",
            "confirmation_court",
            "court_decision",
            "decided_on",
            "terms",
        ]
        read_only_fields = fields


class TermInputSerializer(serializers.Serializer[Any]):
    content = serializers.CharField()
    manner = serializers.CharField(required=False, allow_blank=True, max_length=200)
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)
    due_on = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)


class AgreementInputSerializer(serializers.Serializer[Any]):
    form = serializers.CharField(required=False, default="written", help_text=_values(Agreement.Form))
    facts = serializers.CharField()
    points_in_dispute = serializers.CharField()
    signed_on = serializers.DateField(required=False, allow_null=True)
    terms = TermInputSerializer(many=True)


class FailureInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    route = serializers.CharField(help_text="litigation, arbitration, administrative")


class SignInputSerializer(serializers.Serializer[Any]):
    signed_on = serializers.DateField(required=False, allow_null=True)


class ConfirmationInputSerializer(serializers.Serializer[Any]):
    applied_on = serializers.DateField()
    court = serializers.CharField(max_length=80)


class CourtDecisionInputSerializer(serializers.Serializer[Any]):
    decision = serializers.CharField(help_text=_values(Agreement.CourtDecision))
    decided_on = serializers.DateField(required=False, allow_null=True)


class PerformanceInputSerializer(serializers.Serializer[Any]):
    term = serializers.IntegerField(help_text="id of the agreement term")
    performance = serializers.CharField(help_text=_values(AgreementTerm.Performance))
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class FollowUpSerializer(ModelSerializer):
    class Meta:
        model = FollowUp
        fields = ["id", "due_on", "done_at", "method", "content"]
        read_only_fields = fields


class DisputeListSerializer(ModelSerializer):
    case = serializers.IntegerField(source="case_id", read_only=True)
    case_number = serializers.CharField(source="case.number", read_only=True)
    title = serializers.CharField(source="case.title", read_only=True)
    status = serializers.CharField(source="case.status", read_only=True, help_text="the case's status")

    class Meta:
        model = Dispute
        fields = [
            "id",
            "dossier_number",
            "case",
            "case_number",
            "title",
            "status",
            "dispute_type",
            "source",
            "referral",
            "amount",
            "people_count",
            "risk_grade",
            "risk_criminal",
            "risk_group_petition",
            "organization",
            "lead_mediator",
            "room",
            "registered_at",
            "settle_due_on",
            "outcome",
            "archived_at",
        ]
        read_only_fields = fields


class DisputeDetailSerializer(DisputeListSerializer):
    parties = PartySerializer(many=True, read_only=True)
    sessions = SessionSerializer(many=True, read_only=True)
    agreements = AgreementSerializer(many=True, read_only=True)
    follow_ups = FollowUpSerializer(many=True, read_only=True)

    class Meta(DisputeListSerializer.Meta):
        fields = [
            *DisputeListSerializer.Meta.fields,
            "facts",
            "failure_reason",
            "failure_route",
            "settle_extended_days",
            "parties",
            "sessions",
            "agreements",
            "follow_ups",
        ]
        read_only_fields = fields


class DisputeCreateSerializer(serializers.Serializer[Any]):
    organization = serializers.IntegerField(help_text="id of the mediation organisation")
    title = serializers.CharField(max_length=120)
    dispute_type = serializers.CharField(help_text=_values(DisputeType))
    facts = serializers.CharField(required=False, allow_blank=True)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named like Field.source
        required=False, default="application", help_text=_values(Source)
    )
    referral = serializers.CharField(required=False, allow_blank=True, default="")
    amount = serializers.DecimalField(required=False, allow_null=True, max_digits=14, decimal_places=2)
    people_count = serializers.IntegerField(required=False, default=2, min_value=1)
    risk_grade = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="yellow, orange, red"
    )
    risk_criminal = serializers.BooleanField(required=False, default=False)
    risk_group_petition = serializers.BooleanField(required=False, default=False)
    room = serializers.IntegerField(required=False, allow_null=True)
    case = serializers.IntegerField(
        required=False, allow_null=True, help_text="a dispute case waiting for registration"
    )
    parties = PartyInputSerializer(many=True, required=False)


class ScreeningSerializer(ModelSerializer):
    items = serializers.SerializerMethodField()

    class Meta:
        model = Screening
        fields = [
            "id",
            "grid",
            "period_start",
            "period_end",
            "warn_at",
            "due_at",
            "sla_state",
            "submitted_at",
            "submitted_by",
            "zero_report",
            "note",
            "items",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_items(self, screening: Screening) -> list[int]:
        return [item.case_id for item in screening.items.all()]


class ScreeningItemInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=120)
    dispute_type = serializers.CharField(help_text=_values(DisputeType))
    description = serializers.CharField(required=False, allow_blank=True)
    people_count = serializers.IntegerField(required=False, default=2, min_value=1)
    risk_grade = serializers.CharField(required=False, allow_blank=True, default="")


class ScreeningSubmitSerializer(serializers.Serializer[Any]):
    zero_report = serializers.BooleanField(required=False, default=False)
    note = serializers.CharField(required=False, allow_blank=True)
    items = ScreeningItemInputSerializer(many=True, required=False)
