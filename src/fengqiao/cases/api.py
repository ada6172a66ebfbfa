"""REST API v1 of case handling (issue 3, item 6: the paths, fields and status codes are a contract).

    POST /api/v1/cases/                      take a case in (201; `Idempotency-Key` header honoured)
    GET  /api/v1/cases/                      the cases in scope, filtered by `cases.filters.CaseFilter`
    GET  /api/v1/cases/{id}/                 one case, with its assignments and allowed actions
    POST /api/v1/cases/{id}/<action>/        accept, reject, resolve, dispatch, verify, close, reopen,
                                             escalate, suspend, resume, feedback (+ extend, alias
                                             extend_deadline, mark_duplicate, merge, supervise)
    GET  /api/v1/cases/{id}/timeline/        the route map, oldest first
    GET  /api/v1/assignments/                the caller's department inbox (`AssignmentFilter`)
    POST /api/v1/assignments/{id}/<action>/  acknowledge, return, complete
    GET  /api/v1/supervisions/, /notifications/, /categories/   (+ answer, mark read)

Every view is thin: fetch in scope (`queries.get_*_for_user`: 404 for missing and out of scope
alike), dry-run the workflow check so the refusals come in the order role (403), status (409),
input (400), parse the body with a serializer, call ONE service, render. Errors share one body:
``{"detail", "code", "current_status"?, "fields"?}`` (see `exception_handler`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import F, Prefetch, QuerySet, prefetch_related_objects
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.utils.urls import replace_query_param

from fengqiao.cases import queries, services, workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.filters import AssignmentFilter, CaseFilter
from fengqiao.cases.models import (
    Assignment,
    Case,
    Category,
    Notification,
    Status,
    Supervision,
    SupervisionQuerySet,
)
from fengqiao.cases.serializers import (
    AnswerSerializer,
    CaseCreatedSerializer,
    CaseCreateSerializer,
    CaseDetailSerializer,
    CaseListSerializer,
    CategorySerializer,
    DispatchSerializer,
    ErrorSerializer,
    ExtendSerializer,
    FeedbackSerializer,
    InboxAssignmentSerializer,
    MarkDuplicateSerializer,
    MarkedReadSerializer,
    MergeSerializer,
    NoteSerializer,
    NotificationSerializer,
    ReasonSerializer,
    RejectSerializer,
    ResultSerializer,
    SuperviseSerializer,
    SupervisionSerializer,
    TimelineStepSerializer,
    UnreadCountSerializer,
    VerifySerializer,
)
from fengqiao.core.api import exception_handler as core_exception_handler

#: Longest accepted `Idempotency-Key` (a UUID is 36 characters).
IDEMPOTENCY_KEY_MAX = 100


# --- errors ------------------------------------------------------------------------------------------


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as `{"assignments[0].role": ["..."]}`."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            # A nested serializer's own errors belong to the field that holds it.
            name = (
                prefix if key == "non_field_errors" and prefix else f"{prefix}.{key}" if prefix else str(key)
            )
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        flat = {}
        for index, item in enumerate(detail):
            flat.update(_flatten(item, f"{prefix}[{index}]"))
        return flat
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "non_field_errors": [str(message) for message in messages]} if messages else {}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """One body for every refusal of the case API: `detail` and `code`, plus `current_status` on a
    409 (the status the case is in now) and `fields` (messages per field) on a 400."""
    if isinstance(exc, CaseError):
        body: dict[str, Any] = {"detail": str(exc), "code": exc.code}
        if exc.current_status and exc.http_status == status.HTTP_409_CONFLICT:
            body["current_status"] = exc.current_status
        if exc.fields:
            body["fields"] = {name: [message or str(exc)] for name, message in exc.fields.items()}
        return Response(body, status=exc.http_status)
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        return Response(
            {"detail": _("Some of the input is not valid."), "code": "invalid", "fields": fields},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    response = core_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and isinstance(exc, exceptions.APIException):
        response.data.setdefault("code", exc.default_code)
    return response


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Bad input: `fields` holds the messages per field.",
        403: "The user's role may never take this action.",
        404: "No such object in the user's scope.",
        409: "Not possible in the current status: `current_status` names it.",
        422: "The Idempotency-Key was used before with a different body.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


class CaseAPIMixin:
    """Every case endpoint answers errors through `exception_handler`."""

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler


class CasePagination(LimitOffsetPagination):
    """Limit/offset with a bounded count, so a page costs the same at 10 k and at 1 M cases.

    The answer keeps DRF's shape (`count`, `next`, `previous`, `results`) plus `count_capped`.
    `next` comes from fetching one row more than the page, not from the count. `count` is exact
    up to `count_cap` matching rows (a `COUNT(*)` over at most that many rows, and no count query
    at all on a last page); beyond, it is `count_cap` (or the rows up to the end of this page, if
    more) and `count_capped` is true: "more than 10,000". At most 500 rows a page.
    """

    max_limit = 500
    count_cap = 10_000

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> list[Any] | None:
        self.request = request
        self.limit = self.get_limit(request)
        if self.limit is None:
            return None
        self.offset = self.get_offset(request)
        rows = list(queryset[self.offset : self.offset + self.limit + 1])
        self.has_next = len(rows) > self.limit
        rows = rows[: self.limit]
        self.count_capped = False
        if not self.has_next and (rows or self.offset == 0):
            self.count = self.offset + len(rows)  # the last page: no count query needed
        else:
            counted = queryset.order_by().values("pk")[: self.count_cap + 1].count()
            self.count_capped = counted > self.count_cap
            self.count = max(min(counted, self.count_cap), self.offset + len(rows))
        return rows

    def get_next_link(self) -> str | None:
        if not self.has_next or self.request is None or self.limit is None:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.offset_query_param, (self.offset or 0) + self.limit)

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {
                "count": self.count,
                "count_capped": self.count_capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        answer = super().get_paginated_response_schema(schema)
        answer["properties"]["count_capped"] = {
            "type": "boolean",
            "description": "True when more rows match than the cap (10,000): `count` is then a lower bound.",
        }
        answer["required"] = [*answer.get("required", []), "count_capped"]
        return answer


def _parse(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _precheck(case: Case, action_name: str, by: Any, assignment: Assignment | None = None) -> None:
    """The workflow's answer before the body is read: 403 for a role that may never, 409 for a
    wrong status (the service asks again on the locked row; this only orders the refusals)."""
    transition = workflow.TRANSITIONS[action_name]
    placeholders: dict[str, Any] = dict.fromkeys(transition.required, True)
    placeholders["assignment"] = assignment
    workflow.check(case, action_name, by=by, **placeholders)


def _with_assignments(case: Case) -> Case:
    prefetch_related_objects(
        [case],
        Prefetch("assignments", queryset=Assignment.objects.select_related("department")),
        "category__parent",
    )
    return case


def _case_for_answer(pk: int) -> Case:
    """The case after an action, with what its detail answer shows (no scope check: the user has
    just acted on it)."""
    return _with_assignments(Case.objects.select_related("grid", "village", "category__parent").get(pk=pk))


def _detail(request: Request, case: Case) -> Response:
    return Response(CaseDetailSerializer(case, context={"request": request}).data)


def _action_schema(summary: str, request: Any, *, response: Any = CaseDetailSerializer) -> Any:
    return extend_schema(
        summary=summary,
        tags=["cases"],
        request=request,
        responses={200: response, **_errors(400, 403, 404, 409)},
    )


ID_PATTERN = r"[0-9]+"


@extend_schema_view(
    list=extend_schema(summary="Cases in scope (filters, paginated)", tags=["cases"]),
    retrieve=extend_schema(
        summary="One case", tags=["cases"], responses={200: CaseDetailSerializer, **_errors(404)}
    ),
)
class CaseViewSet(CaseAPIMixin, viewsets.GenericViewSet[Case]):
    """Cases (事件 / 工单): intake, the list, one case, and its transitions."""

    queryset = Case.objects.none()
    serializer_class = CaseListSerializer
    filterset_class = CaseFilter
    pagination_class = CasePagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Case]:
        # Newest first by id (intake order): the primary key's index serves the first page
        # without sorting every case in scope (no index leads with created_at).
        return (
            Case.objects.visible_to(self.request.user)
            .select_related("grid", "village", "category__parent")
            .order_by("-id")
        )

    def get_serializer_class(self) -> Any:
        return CaseDetailSerializer if self.action == "retrieve" else CaseListSerializer

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        serializer = CaseListSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return _detail(request, _with_assignments(queries.get_case_for_user(request.user, pk)))

    @extend_schema(
        summary="Take a case in (受理登记)",
        tags=["cases"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A retry with the same key and body answers the first case again; "
                "the same key with another body is a 422.",
            )
        ],
        request=CaseCreateSerializer,
        responses={201: CaseCreatedSerializer, **_errors(400, 403, 422)},
    )
    def create(self, request: Request) -> Response:
        if workflow.role_of(request.user) not in workflow.INTAKE_ROLES:
            raise DjangoPermissionDenied(_("Your role may not take cases in."))
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("At most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}]}
            )
        data = _parse(CaseCreateSerializer, request)
        started = timezone.now()
        case = services.create_case(by=request.user, idempotency_key=key or None, **data)
        receipt = CaseCreatedSerializer(case).data
        headers = {"Location": f"{request.build_absolute_uri(request.path)}{case.pk}/"}
        if key and case.created_at < started:
            # A replay answers the first receipt again, even if the case has moved on since:
            # every case is taken in as reported (its current state: GET the Location).
            receipt["status"] = Status.REPORTED.value
            headers["Idempotent-Replayed"] = "true"
        return Response(receipt, status=status.HTTP_201_CREATED, headers=headers)

    def _act(
        self,
        request: Request,
        pk: str,
        action_name: str,
        serializer_class: type[serializers.Serializer[Any]],
        perform: Callable[[Case, Any, dict[str, Any]], Any],
    ) -> Response:
        case = queries.get_case_for_user(request.user, pk)
        _precheck(case, action_name, request.user)
        data = _parse(serializer_class, request)
        perform(case, request.user, data)
        return _detail(request, _case_for_answer(case.pk))

    @_action_schema("Accept the case (受理)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "accept", NoteSerializer, lambda c, by, d: services.accept_case(c, by=by, **d)
        )

    @_action_schema("Decline the case (不予受理)", RejectSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "reject", RejectSerializer, lambda c, by, d: services.reject_case(c, by=by, **d)
        )

    @_action_schema("Resolve the case (办结; at the window before dispatch: 当场办结)", ResultSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, pk: str) -> Response:
        case = queries.get_case_for_user(request.user, pk)
        # Before any dispatch the center resolves on the spot (accepting it if still reported).
        on_spot = (
            case.status in (Status.REPORTED, Status.ACCEPTED)
            and case.dispatched_at is None
            and workflow.role_of(request.user) in workflow.CENTER
        )
        if on_spot:
            return self._act(
                request,
                pk,
                "resolve_on_spot",
                ResultSerializer,
                lambda c, by, d: services.resolve_case_on_spot(c, by=by, **d),
            )
        return self._act(
            request, pk, "resolve", ResultSerializer, lambda c, by, d: services.resolve_case(c, by=by, **d)
        )

    @_action_schema("Dispatch to departments (吹哨 / 转办): one lead, others assisting", DispatchSerializer)
    # Not named `dispatch`: that is APIView's request entry point.
    @action(detail=True, methods=["post"], url_path="dispatch", url_name="dispatch")
    def dispatch_to_departments(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "dispatch",
            DispatchSerializer,
            lambda c, by, d: services.dispatch_case(c, by=by, **d),
        )

    @_action_schema("Verify the result (核查): passed, or back for rework", VerifySerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "verify", VerifySerializer, lambda c, by, d: services.verify_case(c, by=by, **d)
        )

    @_action_schema("Close the case (结案)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "close", NoteSerializer, lambda c, by, d: services.close_case(c, by=by, **d)
        )

    @_action_schema("Reopen a closed case (重新办理)", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "reopen", ReasonSerializer, lambda c, by, d: services.reopen_case(c, by=by, **d)
        )

    @_action_schema("Escalate to the county (上报)", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "escalate", ReasonSerializer, lambda c, by, d: services.escalate_case(c, by=by, **d)
        )

    @_action_schema("Suspend the case (中止; leaders): its clocks stop", ReasonSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "suspend", ReasonSerializer, lambda c, by, d: services.suspend_case(c, by=by, **d)
        )

    @_action_schema("Resume a suspended case (恢复; leaders)", NoteSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "resume", NoteSerializer, lambda c, by, d: services.resume_case(c, by=by, **d)
        )

    @_action_schema("Record the public's rating (回访评价); unsatisfied reopens once", FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def feedback(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "record_feedback",
            FeedbackSerializer,
            lambda c, by, d: services.record_feedback(c, by=by, **d),
        )

    @_action_schema("Extend the deadline (延期; leaders)", ExtendSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "extend_deadline",
            ExtendSerializer,
            lambda c, by, d: services.extend_deadline(c, by=by, **d),
        )

    @_action_schema(
        "Extend the deadline (延期; leaders): the same as /extend/, named as allowed_actions lists it",
        ExtendSerializer,
    )
    @action(detail=True, methods=["post"], url_path="extend_deadline", url_name="extend-deadline")
    def extend_deadline(self, request: Request, pk: str) -> Response:
        return self.extend(request, pk)

    @_action_schema("Mark the case a duplicate (重复件) of another case in scope", MarkDuplicateSerializer)
    @action(detail=True, methods=["post"], url_path="mark_duplicate", url_name="mark-duplicate")
    def mark_duplicate(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "mark_duplicate",
            MarkDuplicateSerializer,
            lambda c, by, d: services.mark_duplicate(c, by=by, **d),
        )

    @_action_schema("Merge the case into another open case in scope (并案)", MergeSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        return self._act(
            request, pk, "merge", MergeSerializer, lambda c, by, d: services.merge_case(c, by=by, **d)
        )

    @extend_schema(
        summary="Raise a supervision order (督办; leaders)",
        tags=["cases"],
        request=SuperviseSerializer,
        responses={201: SupervisionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def supervise(self, request: Request, pk: str) -> Response:
        case = queries.get_case_for_user(request.user, pk)
        if workflow.role_of(request.user) not in workflow.LEADERS:
            raise DjangoPermissionDenied(_("Only leaders raise supervision orders."))
        data = _parse(SuperviseSerializer, request)
        supervision = services.raise_supervision(case, by=request.user, **data)
        return Response(SupervisionSerializer(supervision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="The route map (流转轨迹), oldest first",
        tags=["cases"],
        responses={200: TimelineStepSerializer(many=True), **_errors(404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def timeline(self, request: Request, pk: str) -> Response:
        case = queries.get_case_for_user(request.user, pk)
        return Response(TimelineStepSerializer(queries.route_map(case), many=True).data)


# --- assignments --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="The caller's department inbox (open assignments unless `status` is given)", tags=["cases"]
    ),
    retrieve=extend_schema(
        summary="One assignment", tags=["cases"], responses={200: InboxAssignmentSerializer, **_errors(404)}
    ),
)
class AssignmentViewSet(CaseAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Assignment]):
    """Assignments (转办事项): a department officer's inbox and their answers to the center."""

    queryset = Assignment.objects.none()
    serializer_class = InboxAssignmentSerializer
    filterset_class = AssignmentFilter
    pagination_class = CasePagination
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Assignment]:
        user = self.request.user
        if self.action == "list" and "status" not in self.request.query_params:
            if workflow.role_of(user) in workflow.OFFICERS:
                return queries.department_inbox(user)
            return Assignment.objects.visible_to(user).open().select_related("case", "department")
        queryset = Assignment.objects.visible_to(user).select_related("case", "department")
        if workflow.role_of(user) in workflow.OFFICERS:
            queryset = queryset.filter(department_id=getattr(user, "department_id", None))
        return queryset.order_by("due_at", "id")

    def list(self, request: Request) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(InboxAssignmentSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(InboxAssignmentSerializer(queries.get_assignment_for_user(request.user, pk)).data)

    def _act(
        self,
        request: Request,
        pk: str,
        action_name: str,
        serializer_class: type[serializers.Serializer[Any]],
        perform: Callable[[Assignment, Any, dict[str, Any]], Any],
    ) -> Response:
        assignment = queries.get_assignment_for_user(request.user, pk)
        _precheck(assignment.case, action_name, request.user, assignment)
        data = _parse(serializer_class, request)
        perform(assignment, request.user, data)
        fresh = Assignment.objects.select_related("case", "department").get(pk=assignment.pk)
        return Response(InboxAssignmentSerializer(fresh).data)

    @_action_schema(
        "Acknowledge the assignment (报到 / 签收)", NoteSerializer, response=InboxAssignmentSerializer
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "acknowledge",
            NoteSerializer,
            lambda a, by, d: services.acknowledge_assignment(a, by=by, **d),
        )

    @_action_schema(
        "Return the assignment to the center (退回)", ReasonSerializer, response=InboxAssignmentSerializer
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "return",
            ReasonSerializer,
            lambda a, by, d: services.return_assignment(a, by=by, **d),
        )

    @_action_schema(
        "Complete the assignment with its result (办结)", ResultSerializer, response=InboxAssignmentSerializer
    )
    @action(detail=True, methods=["post"])
    def complete(self, request: Request, pk: str) -> Response:
        return self._act(
            request,
            pk,
            "complete",
            ResultSerializer,
            lambda a, by, d: services.complete_assignment(a, by=by, **d),
        )


# --- supervision orders, notifications, categories ------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Supervision orders (督办) on cases in scope", tags=["cases"]),
    retrieve=extend_schema(
        summary="One supervision order",
        tags=["cases"],
        responses={200: SupervisionSerializer, **_errors(404)},
    ),
)
class SupervisionViewSet(CaseAPIMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Supervision]):
    """Supervision orders, newest first; `?open=true` for the unanswered ones."""

    queryset = Supervision.objects.none()
    serializer_class = SupervisionSerializer
    pagination_class = CasePagination
    lookup_value_regex = ID_PATTERN
    filter_backends: list[Any] = []

    def get_queryset(self) -> SupervisionQuerySet:
        return Supervision.objects.visible_to(self.request.user).select_related("case")

    @extend_schema(
        parameters=[OpenApiParameter("open", OpenApiTypes.BOOL, description="Only unanswered orders.")]
    )
    def list(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if request.query_params.get("open", "").lower() in ("1", "true", "yes"):
            queryset = queryset.unanswered()
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(SupervisionSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SupervisionSerializer(queries.get_supervision_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Answer the supervision order (督办回复)",
        tags=["cases"],
        request=AnswerSerializer,
        responses={200: SupervisionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: Request, pk: str) -> Response:
        supervision = queries.get_supervision_for_user(request.user, pk)
        data = _parse(AnswerSerializer, request)
        services.answer_supervision(supervision, by=request.user, **data)
        fresh = Supervision.objects.select_related("case").get(pk=supervision.pk)
        return Response(SupervisionSerializer(fresh).data)


@extend_schema_view(
    list=extend_schema(summary="The user's notifications (站内通知), newest first", tags=["cases"]),
)
class NotificationViewSet(CaseAPIMixin, viewsets.GenericViewSet[Notification]):
    """The in-app inbox: list (`?unread=true`), the unread count, mark one or all read."""

    queryset = Notification.objects.none()
    serializer_class = NotificationSerializer
    pagination_class = CasePagination
    lookup_value_regex = ID_PATTERN
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Notification]:
        return queries.inbox(self.request.user)

    @extend_schema(
        parameters=[OpenApiParameter("unread", OpenApiTypes.BOOL, description="Only unread notifications.")]
    )
    def list(self, request: Request) -> Response:
        queryset = self.get_queryset()
        if request.query_params.get("unread", "").lower() in ("1", "true", "yes"):
            queryset = queryset.filter(read_at__isnull=True)
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(NotificationSerializer(page, many=True).data)

    @extend_schema(
        summary="How many notifications are unread (the badge)",
        tags=["cases"],
        responses=UnreadCountSerializer,
    )
    @action(detail=False, methods=["get"], url_path="unread-count", filter_backends=[], pagination_class=None)
    def unread_count(self, request: Request) -> Response:
        return Response({"unread": queries.unread_count(request.user)})

    @extend_schema(
        summary="Mark one notification read",
        tags=["cases"],
        request=None,
        responses={200: NotificationSerializer, **_errors(404)},
    )
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str) -> Response:
        notification = self.get_queryset().filter(pk=pk).first()
        if notification is None:
            raise Http404
        services.mark_notification_read(notification, by=request.user)
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark every notification read", tags=["cases"], request=None, responses=MarkedReadSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all", filter_backends=[], pagination_class=None)
    def read_all(self, request: Request) -> Response:
        return Response({"marked": services.mark_all_notifications_read(by=request.user)})


@extend_schema_view(
    list=extend_schema(
        summary="Case categories (事件分类), two levels per kind",
        tags=["cases"],
        parameters=[
            OpenApiParameter("kind", OpenApiTypes.STR, description="Only this kind of case."),
            OpenApiParameter("all", OpenApiTypes.BOOL, description="Include inactive categories."),
        ],
    ),
    retrieve=extend_schema(summary="One category", tags=["cases"]),
)
class CategoryViewSet(CaseAPIMixin, viewsets.ReadOnlyModelViewSet[Category]):
    """Categories are policy, readable by every signed-in user; edited in the admin."""

    queryset = Category.objects.none()
    serializer_class = CategorySerializer
    pagination_class = None
    lookup_value_regex = ID_PATTERN
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Category]:
        # Top levels first (NULL parents sort last on PostgreSQL unless told), then their children.
        queryset = Category.objects.order_by("kind", F("parent_id").asc(nulls_first=True), "position", "name")
        params = self.request.query_params
        if params.get("all", "").lower() not in ("1", "true", "yes"):
            queryset = queryset.active()
        if params.get("kind"):
            queryset = queryset.filter(kind=params["kind"])
        return queryset


def register(router: BaseRouter) -> None:
    router.register("cases", CaseViewSet, basename="case")
    router.register("assignments", AssignmentViewSet, basename="assignment")
    router.register("supervisions", SupervisionViewSet, basename="supervision")
    router.register("notifications", NotificationViewSet, basename="notification")
    router.register("categories", CategoryViewSet, basename="category")


urlpatterns: list[Any] = []
