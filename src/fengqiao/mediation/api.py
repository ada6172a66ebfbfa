"""REST API v1 of mediation, in the style of the case API.

    GET  /api/v1/disputes/                       disputes in scope (`filters.DisputeFilter`)
    POST /api/v1/disputes/                       register a dispute (受理登记), with its parties
    GET  /api/v1/disputes/{id}/                  one dispute: parties (masked), sessions, agreements
    POST /api/v1/disputes/{id}/parties/          add a party
    POST /api/v1/disputes/{id}/sessions/         record a session
    POST /api/v1/disputes/{id}/agreement/        record the agreement (and resolve the case)
    POST /api/v1/disputes/{id}/failure/          record a failure
    POST /api/v1/disputes/{id}/archive/          archive the dossier (and close the case)
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
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fengqiao.cases.serializers import ErrorSerializer
from fengqiao.center.models import Room
from fengqiao.mediation import queries, services
from fengqiao.mediation.filters import DisputeFilter
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    MediationOrganization,
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
    FailureInputSerializer,
    PartyInputSerializer,
    PartySerializer,
    PerformanceInputSerializer,
    ScreeningSerializer,
    ScreeningSubmitSerializer,
    SessionInputSerializer,
    SessionSerializer,
    SignInputSerializer,
)

ID_PATTERN = r"[0-9]+"


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
class DisputeViewSet(mixins.ListModelMixin, viewsets.GenericViewSet[Dispute]):
    """Disputes (矛盾纠纷): registration, the list, one dispute, and the mediation steps."""

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
        summary="Record a mediation session (调解笔录)",
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
        session = services.record_session(dispute, by=request.user, **data)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)

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
class AgreementViewSet(viewsets.GenericViewSet[Agreement]):
    """Mediation agreements (调解协议书): signatures, performance and judicial confirmation."""

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
    list=extend_schema(summary="Screening slots and reports in scope", tags=["mediation"]),
    retrieve=extend_schema(
        summary="One screening report",
        tags=["mediation"],
        responses={200: ScreeningSerializer, **_errors(404)},
    ),
)
class ScreeningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet[Screening]):
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


def register(router: BaseRouter) -> None:
    router.register("disputes", DisputeViewSet, basename="dispute")
    router.register("mediation-agreements", AgreementViewSet, basename="mediation-agreement")
    router.register("screening-reports", ScreeningViewSet, basename="screening-report")
