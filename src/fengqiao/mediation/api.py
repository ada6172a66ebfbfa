"""REST API v1 of mediation, in the style of the case API.

    GET  /api/v1/disputes/                       disputes in scope (`filters.DisputeFilter`)
    POST /api/v1/disputes/                       register a dispute (受理登记), with its parties
    GET  /api/v1/disputes/{id}/                  one dispute: parties (masked), sessions, agreements
    POST /api/v1/disputes/{id}/parties/          add a party
    PATCH/DELETE /api/v1/disputes/{id}/parties/{party_id}/   correct / remove a party
    POST /api/v1/disputes/{id}/sessions/         record a held session, or plan one (status=planned)
    POST /api/v1/disputes/{id}/investigations/   record an investigation
    POST /api/v1/disputes/{id}/follow-ups/       record a follow-up visit (回访)
    POST /api/v1/disputes/{id}/extend/           extend the settle deadline (parties' consent)
    POST /api/v1/disputes/{id}/documents/        upload a dossier document (multipart)
    POST /api/v1/disputes/{id}/documents/generate/   print a generated PDF into the dossier
    POST /api/v1/disputes/{id}/agreement/        record the agreement (and resolve the case)
    POST /api/v1/disputes/{id}/failure/          record a failure
    POST /api/v1/disputes/{id}/archive/          archive the dossier (and close the case)
    GET  /api/v1/mediation-sessions/{id}/        one session
    POST /api/v1/mediation-sessions/{id}/<action>/     hold, cancel, postpone (a planned session)
    GET  /api/v1/dossier-documents/{id}/[download/]    one dossier document, its file (audited)
    GET  /api/v1/mediation-agreements/{id}/      one agreement with its terms
    POST /api/v1/mediation-agreements/{id}/<action>/   sign, confirmation, court-decision, performance
    GET  /api/v1/screening-reports/              screening slots and reports in scope
    POST /api/v1/screening-reports/{id}/submit/  submit a report (zero report or items)

Views fetch in scope (404 for missing and out of scope alike), parse with a serializer, call ONE
service. Refusals: 400 with `fields`, 403 for a role that may not, 404, 409 for a wrong state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fengqiao.cases.api import exception_handler as case_exception_handler
from fengqiao.cases.serializers import ErrorSerializer
from fengqiao.center.models import Department, Room
from fengqiao.mediation import queries, services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.filters import DisputeFilter
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    DossierDocument,
    FollowUp,
    MediationOrganization,
    MediationSession,
    Party,
    Screening,
)
from fengqiao.mediation.serializers import (
    AgreementInputSerializer,
    AgreementSerializer,
    ConfirmationInputSerializer,
    CourtDecisionInputSerializer,
    DisputeCreateSerializer,
    DisputeDetailSerializer,
    DisputeListSerializer,
    DocumentGenerateSerializer,
    DocumentSerializer,
    DocumentUploadSerializer,
    ExtendInputSerializer,
    FailureInputSerializer,
    FollowUpInputSerializer,
    FollowUpSerializer,
    InvestigationInputSerializer,
    InvestigationSerializer,
    PartyInputSerializer,
    PartySerializer,
    PartyUpdateSerializer,
    PerformanceInputSerializer,
    ScreeningSerializer,
    ScreeningSubmitSerializer,
    SessionCancelSerializer,
    SessionHoldSerializer,
    SessionInputSerializer,
    SessionPostponeSerializer,
    SessionSerializer,
    SignInputSerializer,
)

ID_PATTERN = r"[0-9]+"


class MediationAPIMixin:
    """Errors in the case API's one body: `detail`, `code`, `fields` on a 400 (a serializer's
    messages too, flattened as `parties[0].name`), `current_status` on a 409."""

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return case_exception_handler


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Bad input: `fields` holds the messages per field.",
        403: "The user's role may not do this.",
        404: "No such object in the user's scope.",
        409: "Not possible in the dispute's current state.",
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


def _parse(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class ReadsDisputes(BasePermission):
    """The pages' rule (`services.may_read_disputes`): grid roles get 403 here as there."""

    message = _l("Your role may not read disputes.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return services.may_read_disputes(request.user)


DISPUTE_READERS = [IsAuthenticated, ReadsDisputes]


def _require_worker(user: Any) -> None:
    if getattr(user, "role", None) not in services.WORK_ROLES and not getattr(user, "is_superuser", False):
        raise DjangoPermissionDenied(_("Your role may not work on disputes."))


def _room(user: Any, pk: int | None) -> Room | None:
    if not pk:
        return None
    room: Room = get_object_or_404(Room.objects.visible_to(user), pk=pk)
    return room


def _dispute_answer(request: Request, pk: int, code: int = status.HTTP_200_OK) -> Response:
    dispute = Dispute.objects.select_related("case").get(pk=pk)
    return Response(DisputeDetailSerializer(dispute, context={"request": request}).data, status=code)


@extend_schema_view(
    list=extend_schema(summary="Disputes in scope (filters, paginated)", tags=["mediation"]),
    retrieve=extend_schema(
        summary="One dispute", tags=["mediation"], responses={200: DisputeDetailSerializer, **_errors(404)}
    ),
)
class DisputeViewSet(MediationAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Dispute]):
    """Disputes (矛盾纠纷): registration, the list, one dispute, and the mediation steps."""

    permission_classes = DISPUTE_READERS
    queryset = Dispute.objects.none()
    serializer_class = DisputeListSerializer
    filterset_class = DisputeFilter
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Dispute]:
        return Dispute.objects.visible_to(self.request.user).select_related("case").order_by("-id")

    def retrieve(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        return _dispute_answer(request, dispute.pk)

    @extend_schema(
        summary="Register a dispute (受理登记)",
        tags=["mediation"],
        request=DisputeCreateSerializer,
        responses={201: DisputeDetailSerializer, **_errors(400, 403, 404)},
    )
    def create(self, request: Request) -> Response:
        _require_worker(request.user)
        data = _parse(DisputeCreateSerializer, request)
        organization = get_object_or_404(
            MediationOrganization.objects.visible_to(request.user), pk=data.pop("organization")
        )
        case_pk = data.pop("case", None)
        case = get_object_or_404(queries.waiting_registration(request.user), pk=case_pk) if case_pk else None
        room = _room(request.user, data.pop("room", None))
        parties = [{k: v for k, v in party.items() if k != "represents"} for party in data.pop("parties", [])]
        if "lead_mediator" in data:
            lead = data.pop("lead_mediator")
            data["lead_mediator"] = _users(request.user, "lead_mediator", [lead])[0] if lead else None
        data["mediators"] = _users(request.user, "mediators", data.pop("mediators", []))
        data["invited_units"] = _departments("invited_units", data.pop("invited_units", []))
        dispute = services.register_dispute(
            by=request.user, organization=organization, room=room, case=case, parties=parties, **data
        )
        return _dispute_answer(request, dispute.pk, status.HTTP_201_CREATED)

    def _act(self, request: Request, pk: str, perform: Callable[[Dispute], Any]) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        perform(dispute)
        return _dispute_answer(request, dispute.pk)

    @extend_schema(
        summary="Add a party",
        tags=["mediation"],
        request=PartyInputSerializer,
        responses={201: PartySerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def parties(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(PartyInputSerializer, request)
        represents_pk = data.pop("represents", None)
        represents = get_object_or_404(Party, pk=represents_pk, dispute=dispute) if represents_pk else None
        party = services.add_party(dispute, by=request.user, represents=represents, **data)
        return Response(
            PartySerializer(party, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        methods=["PATCH"],
        summary="Correct a party (fields left out, and a blank ID number or phone, keep their value)",
        tags=["mediation"],
        request=PartyUpdateSerializer,
        responses={200: PartySerializer, **_errors(400, 403, 404, 409)},
    )
    @extend_schema(
        methods=["DELETE"],
        summary="Remove a party added by mistake (before the outcome is recorded)",
        tags=["mediation"],
        parameters=[
            OpenApiParameter("reason", str, OpenApiParameter.QUERY, required=False, description="why")
        ],
        request=None,
        responses={204: None, **_errors(403, 404, 409)},
    )
    @action(detail=True, methods=["patch", "delete"], url_path=r"parties/(?P<party_pk>[0-9]+)")
    def party(self, request: Request, pk: str, party_pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        party = get_object_or_404(Party, pk=party_pk, dispute=dispute)
        _require_worker(request.user)
        if request.method == "DELETE":
            services.remove_party(party, by=request.user, reason=request.query_params.get("reason", ""))
            return Response(status=status.HTTP_204_NO_CONTENT)
        data = _parse(PartyUpdateSerializer, request)
        for name in ("resident_id", "phone"):
            if not data.get(name, "x"):
                del data[name]  # blank keeps the recorded identifier
        if "represents" in data:
            represents_pk = data.pop("represents")
            data["represents"] = (
                get_object_or_404(Party, pk=represents_pk, dispute=dispute) if represents_pk else None
            )
        party = services.update_party(party, by=request.user, **data)
        return Response(PartySerializer(party, context={"request": request}).data)

    @extend_schema(
        summary="Record a held session with its minutes (调解笔录), or plan one ahead (status=planned)",
        tags=["mediation"],
        request=SessionInputSerializer,
        responses={201: SessionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def sessions(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(SessionInputSerializer, request)
        data["room"] = _room(request.user, data.pop("room", None))
        if data.pop("status") == "planned":
            data.pop("minutes", None)
            data.pop("outcome", None)
            session = services.plan_session(
                dispute,
                by=request.user,
                held_at=data.pop("held_at", None),
                participants=data.pop("participants", ""),
                **data,
            )
        else:
            data.setdefault("participants", "")
            data.setdefault("minutes", "")
            session = services.record_session(dispute, by=request.user, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record an investigation (调查记录)",
        tags=["mediation"],
        request=InvestigationInputSerializer,
        responses={201: InvestigationSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def investigations(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(InvestigationInputSerializer, request)
        note = services.record_investigation(dispute, by=request.user, **data)
        return Response(InvestigationSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record a follow-up visit (回访)",
        tags=["mediation"],
        request=FollowUpInputSerializer,
        responses={201: FollowUpSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="follow-ups")
    def follow_ups(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(FollowUpInputSerializer, request)
        follow_up_pk = data.pop("follow_up", None)
        if follow_up_pk:
            data["follow_up"] = get_object_or_404(FollowUp, pk=follow_up_pk, dispute=dispute)
        follow_up = services.record_follow_up(dispute, by=request.user, **data)
        return Response(FollowUpSerializer(follow_up).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Extend the settle deadline with the parties' consent (recorded)",
        tags=["mediation"],
        request=ExtendInputSerializer,
        responses={200: DisputeDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request: Request, pk: str) -> Response:
        data = _parse(ExtendInputSerializer, request)
        return self._act(request, pk, lambda d: services.extend_settle_deadline(d, by=request.user, **data))

    @extend_schema(
        summary="File a document in the dossier: upload a PDF, JPEG or PNG (multipart)",
        tags=["mediation"],
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DocumentSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def documents(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(DocumentUploadSerializer, request)
        upload = data.pop("file")
        document = services.add_document(
            dispute, by=request.user, file=upload, name=getattr(upload, "name", ""), **data
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Print a generated document (registration, minutes, agreement, cover) into the dossier",
        tags=["mediation"],
        request=DocumentGenerateSerializer,
        responses={201: DocumentSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="documents/generate")
    def generate_document(self, request: Request, pk: str) -> Response:
        dispute = queries.get_dispute_for_user(request.user, pk)
        _require_worker(request.user)
        data = _parse(DocumentGenerateSerializer, request)
        session_pk = data.pop("session", None)
        session = get_object_or_404(MediationSession, pk=session_pk, dispute=dispute) if session_pk else None
        document = services.attach_generated_document(
            dispute, by=request.user, kind=data["kind"], session=session
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Record the agreement (调解协议), resolving the case",
        tags=["mediation"],
        request=AgreementInputSerializer,
        responses={200: DisputeDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def agreement(self, request: Request, pk: str) -> Response:
        data = _parse(AgreementInputSerializer, request)
        data["terms"] = [dict(term) for term in data["terms"]]
        return self._act(request, pk, lambda d: services.record_agreement(d, by=request.user, **data))

    @extend_schema(
        summary="Record that mediation failed, and the route offered",
        tags=["mediation"],
        request=FailureInputSerializer,
        responses={200: DisputeDetailSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def failure(self, request: Request, pk: str) -> Response:
        data = _parse(FailureInputSerializer, request)
        return self._act(request, pk, lambda d: services.record_failure(d, by=request.user, **data))

    @extend_schema(
        summary="Archive the dossier (归档), closing the case",
        tags=["mediation"],
        request=None,
        responses={200: DisputeDetailSerializer, **_errors(403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request: Request, pk: str) -> Response:
        return self._act(request, pk, lambda d: services.archive_dossier(d, by=request.user))


@extend_schema_view(
    retrieve=extend_schema(
        summary="One agreement with its terms",
        tags=["mediation"],
        responses={200: AgreementSerializer, **_errors(404)},
    ),
)
class AgreementViewSet(MediationAPIMixin, viewsets.GenericViewSet[Agreement]):
    """Mediation agreements (调解协议书): signatures, performance and judicial confirmation."""

    permission_classes = DISPUTE_READERS
    queryset = Agreement.objects.none()
    serializer_class = AgreementSerializer
    lookup_value_regex = ID_PATTERN

    def _get(self, request: Request, pk: str) -> Agreement:
        agreement: Agreement = get_object_or_404(
            Agreement.objects.filter(dispute__in=Dispute.objects.visible_to(request.user).values("pk")), pk=pk
        )
        return agreement

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(AgreementSerializer(self._get(request, pk)).data)

    def _act(self, request: Request, pk: str, perform: Callable[[Agreement], Any]) -> Response:
        agreement = self._get(request, pk)
        _require_worker(request.user)
        perform(agreement)
        return Response(AgreementSerializer(Agreement.objects.get(pk=agreement.pk)).data)

    @extend_schema(
        summary="Record the parties' signatures (the agreement takes effect)",
        tags=["mediation"],
        request=SignInputSerializer,
        responses={200: AgreementSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        data = _parse(SignInputSerializer, request)
        return self._act(request, pk, lambda a: services.sign_agreement(a, by=request.user, **data))

    @extend_schema(
        summary="Record the application for judicial confirmation (within 30 days)",
        tags=["mediation"],
        request=ConfirmationInputSerializer,
        responses={200: AgreementSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def confirmation(self, request: Request, pk: str) -> Response:
        data = _parse(ConfirmationInputSerializer, request)
        return self._act(
            request, pk, lambda a: services.apply_judicial_confirmation(a, by=request.user, **data)
        )

    @extend_schema(
        summary="Record the court's decision on the confirmation",
        tags=["mediation"],
        request=CourtDecisionInputSerializer,
        responses={200: AgreementSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"], url_path="court-decision")
    def court_decision(self, request: Request, pk: str) -> Response:
        data = _parse(CourtDecisionInputSerializer, request)
        return self._act(request, pk, lambda a: services.record_court_decision(a, by=request.user, **data))

    @extend_schema(
        summary="Record how a term was performed",
        tags=["mediation"],
        request=PerformanceInputSerializer,
        responses={200: AgreementSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"])
    def performance(self, request: Request, pk: str) -> Response:
        data = _parse(PerformanceInputSerializer, request)

        def perform(agreement: Agreement) -> Any:
            term = get_object_or_404(AgreementTerm, pk=data["term"], agreement=agreement)
            return services.update_term_performance(
                term, by=request.user, performance=data["performance"], note=data.get("note", "")
            )

        return self._act(request, pk, perform)


@extend_schema_view(
    retrieve=extend_schema(
        summary="One mediation session",
        tags=["mediation"],
        responses={200: SessionSerializer, **_errors(404)},
    ),
)
class SessionViewSet(MediationAPIMixin, viewsets.GenericViewSet[MediationSession]):
    """Mediation sessions: a planned one is recorded as held, cancelled or postponed."""

    permission_classes = DISPUTE_READERS
    queryset = MediationSession.objects.none()
    serializer_class = SessionSerializer
    lookup_value_regex = ID_PATTERN

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(SessionSerializer(queries.get_session_for_user(request.user, pk)).data)

    def _act(
        self, request: Request, pk: str, perform: Callable[[MediationSession], MediationSession]
    ) -> Response:
        session = queries.get_session_for_user(request.user, pk)
        _require_worker(request.user)
        return Response(SessionSerializer(perform(session)).data)

    @extend_schema(
        summary="Record a planned session as held: participants, minutes, outcome",
        tags=["mediation"],
        request=SessionHoldSerializer,
        responses={200: SessionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def hold(self, request: Request, pk: str) -> Response:
        data = _parse(SessionHoldSerializer, request)
        return self._act(request, pk, lambda s: services.hold_session(s, by=request.user, **data))

    @extend_schema(
        summary="Cancel a planned session, with the reason",
        tags=["mediation"],
        request=SessionCancelSerializer,
        responses={200: SessionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str) -> Response:
        data = _parse(SessionCancelSerializer, request)
        return self._act(request, pk, lambda s: services.cancel_session(s, by=request.user, **data))

    @extend_schema(
        summary="Postpone a planned session to a new time (answers the new planned session)",
        tags=["mediation"],
        request=SessionPostponeSerializer,
        responses={200: SessionSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def postpone(self, request: Request, pk: str) -> Response:
        data = _parse(SessionPostponeSerializer, request)
        data["room"] = _room(request.user, data.pop("room", None))
        return self._act(request, pk, lambda s: services.postpone_session(s, by=request.user, **data))


class DossierDocumentViewSet(MediationAPIMixin, viewsets.GenericViewSet[DossierDocument]):
    """Files of a dossier: downloaded in scope, audited; uploads need `view_sensitive`."""

    permission_classes = DISPUTE_READERS
    queryset = DossierDocument.objects.none()
    serializer_class = DocumentSerializer
    lookup_value_regex = ID_PATTERN

    @extend_schema(
        summary="One dossier document",
        tags=["mediation"],
        responses={200: DocumentSerializer, **_errors(404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(DocumentSerializer(queries.get_document_for_user(request.user, pk)).data)

    @extend_schema(
        summary="Download the document's file (audited)",
        tags=["mediation"],
        responses={
            (200, "application/octet-stream"): OpenApiResponse(
                OpenApiTypes.BINARY, description="the PDF, JPEG or PNG"
            ),
            **_errors(403, 404),
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        document = queries.get_document_for_user(request.user, pk)
        handle = services.open_document(document, by=request.user)
        return FileResponse(
            handle,
            content_type=document.content_type,
            as_attachment=True,
            filename=document.original_name or f"document-{document.pk}",
        )


@extend_schema_view(
    list=extend_schema(summary="Screening slots and reports in scope", tags=["mediation"]),
    retrieve=extend_schema(
        summary="One screening report",
        tags=["mediation"],
        responses={200: ScreeningSerializer, **_errors(404)},
    ),
)
class ScreeningViewSet(
    MediationAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Screening]
):
    """Screening reports (排查): one per grid and period; a zero report or the disputes found."""

    queryset = Screening.objects.none()
    serializer_class = ScreeningSerializer
    lookup_value_regex = ID_PATTERN

    def get_queryset(self) -> QuerySet[Screening]:
        return (
            Screening.objects.visible_to(self.request.user)
            .prefetch_related("items")
            .order_by("-period_start", "grid_id")
        )

    @extend_schema(
        summary="Submit the report (zero report, or the disputes found: each becomes a case)",
        tags=["mediation"],
        request=ScreeningSubmitSerializer,
        responses={200: ScreeningSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        screening = queries.get_screening_for_user(request.user, pk)
        data = _parse(ScreeningSubmitSerializer, request)
        items = [dict(item) for item in data.pop("items", [])]
        services.submit_screening(screening, by=request.user, items=items, **data)
        return Response(ScreeningSerializer(Screening.objects.get(pk=screening.pk)).data)


def _users(user: Any, field: str, pks: list[int]) -> list[Any]:
    from fengqiao.accounts.models import User

    found = {u.pk: u for u in User.objects.filter(pk__in=pks)}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        raise MediationError(
            _("No such user: %(ids)s.") % {"ids": ", ".join(map(str, missing))},
            code="invalid",
            http_status=400,
            fields={field: _("No such user: %(ids)s.") % {"ids": ", ".join(map(str, missing))}},
        )
    return [found[pk] for pk in pks]


def _departments(field: str, pks: list[int]) -> list[Department]:
    found = {d.pk: d for d in Department.objects.filter(pk__in=pks).select_related("region")}
    missing = [pk for pk in pks if pk not in found]
    if missing:
        message = _("No such department: %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        raise MediationError(message, code="invalid", http_status=400, fields={field: message})
    return [found[pk] for pk in pks]


def register(router: BaseRouter) -> None:
    router.register("disputes", DisputeViewSet, basename="dispute")
    router.register("mediation-sessions", SessionViewSet, basename="mediation-session")
    router.register("dossier-documents", DossierDocumentViewSet, basename="dossier-document")
    router.register("mediation-agreements", AgreementViewSet, basename="mediation-agreement")
    router.register("screening-reports", ScreeningViewSet, basename="screening-report")
