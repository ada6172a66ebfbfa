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
    DocumentKind,
    DossierDocument,
    FollowUp,
    InvestigationNote,
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
    """A party; `resident_id`, `phone` and `address` masked unless the caller holds `view_sensitive`."""

    resident_id = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    address = serializers.SerializerMethodField()

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

    @extend_schema_field(serializers.CharField())
    def get_address(self, party: Party) -> str:
        return reveal(party.address, kind="address", viewer=self._viewer(), obj=party, field="address")


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


class PartyRegistrationSerializer(PartyInputSerializer):
    """A party named at registration; an agent names whom they act for by position in the list."""

    represents_position = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        help_text="for an agent: the position (1-based) in `parties` of the party they act for",
    )

    def validate_represents(self, value: Any) -> Any:
        if value is not None:
            raise serializers.ValidationError(
                "At registration an agent names the party by `represents_position`."
            )
        return value


class PartyUpdateSerializer(serializers.Serializer[Any]):
    """A correction: fields left out keep their value, and so does a blank `resident_id` or `phone`."""

    role = serializers.CharField(required=False, help_text=_values(Party.Role))
    name = serializers.CharField(required=False, max_length=60)
    gender = serializers.CharField(required=False, allow_blank=True, help_text=_values(Party.Gender))
    ethnicity = serializers.CharField(required=False, allow_blank=True, max_length=20)
    resident_id = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text="blank keeps the recorded value"
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, max_length=30, help_text="blank keeps the recorded value"
    )
    occupation = serializers.CharField(required=False, allow_blank=True, max_length=60)
    address = serializers.CharField(required=False, allow_blank=True, max_length=200)
    represents = serializers.IntegerField(
        required=False, allow_null=True, help_text="id of the party an agent acts for"
    )


class SessionSerializer(ModelSerializer):
    dispute = serializers.IntegerField(source="dispute_id", read_only=True)

    class Meta:
        model = MediationSession
        fields = [
            "id",
            "dispute",
            "status",
            "held_at",
            "ends_at",
            "place",
            "room",
            "planned_participants",
            "participants",
            "minutes",
            "outcome",
            "status_reason",
            "postponed_to",
            "recorded_by",
        ]
        read_only_fields = fields


class SessionInputSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=["held", "planned"],
        required=False,
        default="held",
        help_text="held (default): a session already held, with its minutes; planned: scheduled "
        "ahead (held_at required, in the future; no minutes)",
    )
    held_at = serializers.DateTimeField(required=False)
    ends_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="default: one hour after held_at"
    )
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)
    room = serializers.IntegerField(required=False, allow_null=True)
    participants = serializers.CharField(
        required=False, allow_blank=True, help_text="who took part (held) or is to attend (planned)"
    )
    minutes = serializers.CharField(required=False, allow_blank=True, help_text="required when held")
    outcome = serializers.CharField(
        required=False, default="continue", help_text=_values(MediationSession.Outcome)
    )


class SessionHoldSerializer(serializers.Serializer[Any]):
    participants = serializers.CharField(
        required=False, allow_blank=True, help_text="default: the planned participants"
    )
    minutes = serializers.CharField()
    outcome = serializers.CharField(
        required=False, default="continue", help_text=_values(MediationSession.Outcome)
    )
    held_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="when it really began (default: as planned)"
    )


class SessionCancelSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()


class SessionPostponeSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField()
    held_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    room = serializers.IntegerField(required=False, allow_null=True, help_text="default: the same room")
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)


class InvestigationSerializer(ModelSerializer):
    class Meta:
        model = InvestigationNote
        fields = ["id", "at", "place", "persons", "content", "by"]
        read_only_fields = fields


class InvestigationInputSerializer(serializers.Serializer[Any]):
    at = serializers.DateTimeField(required=False, allow_null=True)
    place = serializers.CharField(required=False, allow_blank=True, max_length=120)
    persons = serializers.CharField(required=False, allow_blank=True, max_length=200)
    content = serializers.CharField()


class FollowUpInputSerializer(serializers.Serializer[Any]):
    method = serializers.CharField(required=False, default="visit", help_text=_values(FollowUp.Method))
    content = serializers.CharField()
    follow_up = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="id of the scheduled visit done (default: the earliest due)",
    )


class ExtendInputSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(help_text="1 to 60")
    consent = serializers.CharField(help_text="how the parties consented (recorded)")


class DocumentSerializer(ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = DossierDocument
        fields = [
            "id",
            "kind",
            "title",
            "pages",
            "origin",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "sensitive",
            "session",
            "added_by",
            "added_at",
            "download",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download(self, document: DossierDocument) -> str | None:
        if not document.file:
            return None
        return f"/api/v1/dossier-documents/{document.pk}/download/"


class DocumentUploadSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text=_values(DocumentKind))
    file = serializers.FileField(help_text="PDF, JPEG or PNG (sniffed from the bytes)")
    title = serializers.CharField(required=False, allow_blank=True, max_length=120)
    pages = serializers.IntegerField(required=False, default=1, min_value=1, max_value=9999)


class DocumentGenerateSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(help_text="registration, minutes, agreement, cover")
    session = serializers.IntegerField(
        required=False, allow_null=True, help_text="minutes: the held session (default: the latest)"
    )


class ChecklistItemSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    required = serializers.BooleanField()  # type: ignore[assignment]  # ... and Field.required
    present = serializers.BooleanField()
    filed = serializers.IntegerField()
    generated = serializers.BooleanField()


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
    investigations = InvestigationSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)
    checklist = serializers.SerializerMethodField()
    mediators: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    invited_units: Any = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(DisputeListSerializer.Meta):
        fields = [
            *DisputeListSerializer.Meta.fields,
            "facts",
            "failure_reason",
            "failure_route",
            "settle_extended_days",
            "settle_extension_consent",
            "mediators",
            "invited_units",
            "parties",
            "sessions",
            "agreements",
            "follow_ups",
            "investigations",
            "documents",
            "checklist",
        ]
        read_only_fields = fields

    @extend_schema_field(ChecklistItemSerializer(many=True))
    def get_checklist(self, dispute: Dispute) -> list[dict[str, Any]]:
        from fengqiao.mediation.queries import dossier_checklist

        return [{**vars(item), "label": str(item.label)} for item in dossier_checklist(dispute)]


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
    lead_mediator = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="user id of an active mediator of the organisation or of its town "
        "(default: the registering mediator)",
    )
    mediators = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="user ids of the other mediators (same rule as lead_mediator)",
    )
    invited_units = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text="ids of departments of the organisation's town invited to mediate jointly",
    )
    parties = PartyRegistrationSerializer(many=True, required=False)


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
