"""Serializers of the case API (v1): input parsing for each action, and the case as answered.

Input serializers only parse and check types and lengths; the rules (who, from which status,
which fields are required) are the services' and `cases.workflow`'s. Output serializers never
show the reporter's phone or name unmasked to a user without `view_sensitive`.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from fengqiao.cases.models import (
    Assignment,
    Case,
    CaseEvent,
    Category,
    Channel,
    EmergencyNumber,
    Feedback,
    Kind,
    Notification,
    Supervision,
    Urgency,
)
from fengqiao.cases.queries import RouteStep
from fengqiao.core.masking import reveal

# --- errors (documentation of the bodies `cases.api.exception_handler` writes) -------------------


class ErrorSerializer(serializers.Serializer[Any]):
    """Every refusal of the case API: a translated message, a stable code, and where useful the
    case's current status (409) or each bad field's messages (400)."""

    detail = serializers.CharField(help_text="Translated message for people.")
    code = serializers.CharField(
        help_text="Stable code for programs: invalid, required, wrong_status, idempotency_conflict, "
        "already_rated, permission_denied, not_found, ..."
    )
    current_status = serializers.CharField(
        required=False, help_text="409 only: the status the case is in now (e.g. `reported`)."
    )
    # Declared fields leave the class body (SerializerMetaclass): `Serializer.fields` is intact.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="400 only: messages per input field.",
    )


# --- input ------------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.INT)
class ScopedGridField(serializers.PrimaryKeyRelatedField):
    """A grid in the user's scope; one outside it does not exist for them (same 400 as a bad id)."""

    def get_queryset(self) -> Any:
        from fengqiao.regions.models import Grid

        request = self.context.get("request")
        return Grid.objects.visible_to(getattr(request, "user", None)).select_related("village__parent")


@extend_schema_field(OpenApiTypes.INT)
class ScopedTownField(serializers.PrimaryKeyRelatedField):
    """A town in the user's scope."""

    def get_queryset(self) -> Any:
        from fengqiao.regions.models import Region

        request = self.context.get("request")
        return Region.objects.visible_to(getattr(request, "user", None)).filter(level=Region.Level.TOWN)


class CoordinateField(serializers.FloatField):
    """A longitude or latitude in degrees: a number, never a boolean (JSON `true` is not 1.0)."""

    default_error_messages = {"boolean": _("A coordinate must be a number, not true or false.")}

    def to_internal_value(self, data: Any) -> float:
        if isinstance(data, bool):
            self.fail("boolean")
        return super().to_internal_value(data)


class CaseCreateSerializer(serializers.Serializer[Any]):
    """Take a case in. The place: a point (`lon`, `lat`) locates the grid and village; `grid`
    overrides it (with `location_override_reason` when it differs); `town` only when neither is
    known."""

    kind = serializers.ChoiceField(choices=Kind.choices)
    channel = serializers.ChoiceField(choices=Channel.choices)
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False, default=Urgency.NORMAL)
    lon = CoordinateField(required=False, allow_null=True, default=None, help_text="Longitude (degrees).")
    lat = CoordinateField(required=False, allow_null=True, default=None, help_text="Latitude (degrees).")
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    reporter_name = serializers.CharField(required=False, allow_blank=True, default="", max_length=60)
    reporter_phone = serializers.CharField(required=False, allow_blank=True, default="", max_length=30)
    anonymous = serializers.BooleanField(required=False, default=False)
    grid = ScopedGridField(
        required=False, allow_null=True, default=None, help_text="Overrides the located grid."
    )
    location_override_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    town = ScopedTownField(required=False, allow_null=True, default=None, help_text="Without point or grid.")


class NoteSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ReasonSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(max_length=500)


class RejectSerializer(ReasonSerializer):
    emergency_number = serializers.ChoiceField(
        choices=EmergencyNumber.choices,
        required=False,
        allow_blank=True,
        default="",
        help_text="For an emergency: the number the reporter should call instead.",
    )


class ResultSerializer(serializers.Serializer[Any]):
    result = serializers.CharField(max_length=5000)


class DispatchItemSerializer(serializers.Serializer[Any]):
    department = serializers.IntegerField(min_value=1, help_text="Department id.")
    role = serializers.ChoiceField(choices=Assignment.Role.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    due = serializers.DateTimeField(
        required=False, allow_null=True, default=None, help_text="Deadline; default: the case's."
    )


class DispatchSerializer(serializers.Serializer[Any]):
    assignments = DispatchItemSerializer(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class VerifySerializer(serializers.Serializer[Any]):
    passed = serializers.BooleanField(help_text="False sends the case back for rework.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class FeedbackSerializer(serializers.Serializer[Any]):
    rating = serializers.ChoiceField(choices=Feedback.Rating.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class ExtendSerializer(serializers.Serializer[Any]):
    days = serializers.IntegerField(min_value=1, max_value=365, help_text="Working days to add.")
    reason = serializers.CharField(max_length=500)


@extend_schema_field(OpenApiTypes.INT)
class ScopedCaseField(serializers.PrimaryKeyRelatedField):
    """Another case in the user's scope (one outside it does not exist for them: same 400)."""

    def get_queryset(self) -> Any:
        request = self.context.get("request")
        return Case.objects.visible_to(getattr(request, "user", None))


class MarkDuplicateSerializer(serializers.Serializer[Any]):
    duplicate_of = ScopedCaseField(help_text="The id of the case that already covers this matter.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class MergeSerializer(serializers.Serializer[Any]):
    into = ScopedCaseField(help_text="The id of the open case this one is merged into.")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class SuperviseSerializer(serializers.Serializer[Any]):
    note = serializers.CharField(max_length=2000, help_text="What is to be done.")


class AnswerSerializer(serializers.Serializer[Any]):
    answer = serializers.CharField(max_length=5000)


# --- output -----------------------------------------------------------------------------------------


class _ViewerMixin:
    """The requesting user (for masking), from the serializer's context."""

    context: dict[str, Any]

    @property
    def viewer(self) -> Any:
        request = self.context.get("request")
        return getattr(request, "user", None)


#: Workflow actions whose API endpoint has another name (`POST /cases/{id}/<name>/`); every other
#: workflow action is its own endpoint (assignment actions under `/assignments/{id}/`).
API_ACTION_NAMES = {"record_feedback": "feedback", "resolve_on_spot": "resolve"}


def api_action_name(action: str) -> str:
    """The endpoint name of a workflow action, as `allowed_actions` in the case answer lists it."""
    return API_ACTION_NAMES.get(action, action)


class CaseListSerializer(_ViewerMixin, serializers.ModelSerializer[Case]):
    """A case in a list: no description, the reporter masked for users without `view_sensitive`."""

    grid_name = serializers.CharField(source="grid.name", read_only=True, allow_null=True, default=None)
    village_name = serializers.CharField(source="village.name", read_only=True, allow_null=True, default=None)
    category_name = serializers.SerializerMethodField()
    reporter_name = serializers.SerializerMethodField()
    reporter_phone = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "tracking_code",
            "kind",
            "channel",
            "urgency",
            "category",
            "category_name",
            "title",
            "status",
            "sla_state",
            "grid",
            "grid_name",
            "village",
            "village_name",
            "town",
            "address",
            "reporter_name",
            "reporter_phone",
            "anonymous",
            "due_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_category_name(self, case: Case) -> str | None:
        return str(case.category) if case.category_id and case.category else None

    @extend_schema_field(serializers.CharField())
    def get_reporter_name(self, case: Case) -> str:
        return case.reporter_name_for(self.viewer)

    @extend_schema_field(
        serializers.CharField(
            help_text=(
                "Masked without the view_sensitive permission; "
                "an unmasked read writes a sensitive.read audit row."
            )
        )
    )
    def get_reporter_phone(self, case: Case) -> str:
        # The same helper as the case page: an unmasked phone writes one `sensitive.read` audit
        # row naming the case (in a list, one row per case whose phone is shown in full).
        return reveal(case.reporter_phone, kind="phone", viewer=self.viewer, obj=case, field="reporter_phone")


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "case",
            "department",
            "department_name",
            "role",
            "status",
            "note",
            "result",
            "reason",
            "ack_due_at",
            "due_at",
            "acknowledged_at",
            "done_at",
            "returned_at",
            "created_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseListSerializer):
    """One case with its deadlines, outcome, assignments and the actions the user may take now."""

    assignments = AssignmentSerializer(many=True, read_only=True)
    allowed_actions = serializers.SerializerMethodField()

    class Meta(CaseListSerializer.Meta):
        fields = [
            *CaseListSerializer.Meta.fields,
            "description",
            "lon",
            "lat",
            "location_override_reason",
            "ack_due_at",
            "resolve_due_at",
            "warn_at",
            "overdue_at",
            "paused_at",
            "accepted_at",
            "dispatched_at",
            "resolved_at",
            "verified_at",
            "closed_at",
            "rejected_at",
            "escalated_at",
            "result",
            "reject_reason",
            "emergency_number",
            "escalation_reason",
            "reopen_count",
            "rework_count",
            "extension_count",
            "duplicate_of",
            "assignments",
            "allowed_actions",
        ]
        read_only_fields = fields

    @extend_schema_field(
        serializers.ListField(
            child=serializers.CharField(),
            help_text="API actions this user may take now (accept, dispatch, acknowledge, ...).",
        )
    )
    def get_allowed_actions(self, case: Case) -> list[str]:
        from fengqiao.cases import workflow

        actions = workflow.allowed_actions(case, self.viewer, assignments=list(case.assignments.all()))
        return list(dict.fromkeys(api_action_name(action) for action in actions))


class CaseCreatedSerializer(serializers.ModelSerializer[Case]):
    """The answer to an intake: what the window tells the reporter."""

    class Meta:
        model = Case
        fields = [
            "id",
            "number",
            "tracking_code",
            "kind",
            "channel",
            "urgency",
            "title",
            "status",
            "grid",
            "village",
            "town",
            "ack_due_at",
            "created_at",
        ]
        read_only_fields = fields


class InboxAssignmentSerializer(AssignmentSerializer):
    """An assignment in a department's inbox, with what the officer needs of its case."""

    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)
    case_status = serializers.CharField(source="case.status", read_only=True)
    case_kind = serializers.CharField(source="case.kind", read_only=True)
    case_urgency = serializers.CharField(source="case.urgency", read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = [
            *AssignmentSerializer.Meta.fields,
            "case_number",
            "case_title",
            "case_status",
            "case_kind",
            "case_urgency",
        ]
        read_only_fields = fields


class TimelineStepSerializer(serializers.Serializer[Any]):
    """One step of the route map (流转轨迹), oldest first."""

    id = serializers.IntegerField(source="event.id")
    action = serializers.CharField(source="event.action")
    actor = serializers.CharField(
        source="event.actor_name", help_text="The user name of who took the step, `public` for the public."
    )
    actor_display = serializers.SerializerMethodField()
    from_status = serializers.CharField(source="event.from_status")
    to_status = serializers.CharField(source="event.to_status")
    note = serializers.CharField(source="event.note")
    at = serializers.DateTimeField(source="event.at")
    took_seconds = serializers.SerializerMethodField()
    assignment = serializers.IntegerField(source="event.assignment_id", allow_null=True)
    department = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField(help_text="The actor's display name."))
    def get_actor_display(self, step: RouteStep) -> str:
        event: CaseEvent = step.event
        return event.actor.display_name if event.actor is not None else event.actor_name

    @extend_schema_field(
        serializers.IntegerField(allow_null=True, help_text="Seconds since the previous step.")
    )
    def get_took_seconds(self, step: RouteStep) -> int | None:
        return int(step.took.total_seconds()) if step.took is not None else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_department(self, step: RouteStep) -> str | None:
        assignment = step.event.assignment
        return assignment.department.name if assignment is not None else None


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ["id", "kind", "parent", "name", "position", "active"]
        read_only_fields = fields


class SupervisionSerializer(serializers.ModelSerializer[Supervision]):
    case_number = serializers.CharField(source="case.number", read_only=True)
    case_title = serializers.CharField(source="case.title", read_only=True)

    class Meta:
        model = Supervision
        fields = [
            "id",
            "case",
            "case_number",
            "case_title",
            "level",
            "due_at",
            "automatic",
            "raised_at",
            "raised_by",
            "addressee",
            "note",
            "answered_at",
            "answered_by",
            "answer",
        ]
        read_only_fields = fields


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    case_number = serializers.CharField(source="case.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Notification
        fields = ["id", "verb", "case", "case_number", "text", "created_at", "read_at"]
        read_only_fields = fields


class UnreadCountSerializer(serializers.Serializer[Any]):
    unread = serializers.IntegerField(help_text="Unread notifications of the user.")


class MarkedReadSerializer(serializers.Serializer[Any]):
    marked = serializers.IntegerField()
