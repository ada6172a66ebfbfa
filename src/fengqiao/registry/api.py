"""REST API v1 of the grid registry (the phone-first field pages use it).

    GET/POST        /api/v1/registry/{persons,households,houses,places,organizations,key-persons}/
    GET/PATCH       /api/v1/registry/<kind>/{id}/
    POST            /api/v1/registry/<kind>/{id}/reveal/      {field, purpose} -> {field, value} (audited)
    GET/POST        /api/v1/registry/visits/                  POST honours `Idempotency-Key`
    POST            /api/v1/registry/visits/{id}/photos/      multipart `file`, `Idempotency-Key` required
    GET             /api/v1/registry/todo/                    key persons whose visit is due or missed
    GET             /api/v1/registry/search/?q=               persons and places in scope
    GET/POST        /api/v1/registry/patrols/                 POST starts a patrol
    POST            /api/v1/registry/patrols/{id}/{checkins,end,findings}/  all four honour `Idempotency-Key`
    GET             /api/v1/registry/patrols/?key=            the caller's patrol started with that key

Everything is scoped (`visible_to`: 404 for missing and out of scope alike) and masked; lists
filter with the pages' FilterSets. Errors: ``{"detail", "code", "fields"?}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fengqiao.core.api import exception_handler as core_exception_handler
from fengqiao.registry import filters, privacy, queries, services
from fengqiao.registry import serializers as s
from fengqiao.registry.exceptions import RegistryError
from fengqiao.registry.models import (
    House,
    Household,
    KeyPerson,
    Organization,
    Patrol,
    Person,
    Place,
    Visit,
)

IDEMPOTENCY_KEY_MAX = 100


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        fields = {
            key: [str(m) for m in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
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
    if response is not None and isinstance(exc, services.ResidentIdSearchLimited):
        response["Retry-After"] = str(int(exc.wait or 0) + 1)
    return response


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Bad input: `fields` holds the messages per field.",
        403: "The user's role may not do this.",
        404: "No such record in the user's scope.",
        409: "Not possible in the current state.",
        422: "The Idempotency-Key was used before with a different body.",
        429: "Too many searches by full resident ID (see Retry-After).",
    }
    return {
        code: OpenApiResponse(s.RegistryErrorSerializer, description=descriptions[code]) for code in codes
    }


def _parse(
    serializer_class: type[serializers.Serializer[Any]], request: Request, *, partial: bool = False
) -> dict[str, Any]:
    serializer = serializer_class(data=request.data, context={"request": request}, partial=partial)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise exceptions.ValidationError(
            {"Idempotency-Key": [_("At most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}]}
        )
    return key or None


IDEMPOTENCY_PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="A retry with the same key and the same body as sent answers the first record "
    "again (same status, header `Idempotent-Replayed: true`); the same key with another body is a 422.",
)


def _replayed(obj: Any) -> dict[str, str]:
    """The header that tells a retry it got the first answer again (the services set `replayed`)."""
    return {"Idempotent-Replayed": "true"} if getattr(obj, "replayed", False) else {}


class RegistryAPIMixin:
    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler


class RecordViewSet(RegistryAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Any]):
    """List, read, create, change and reveal one kind of registry record."""

    model: type[Any]
    read_serializer: type[serializers.Serializer[Any]]
    write_serializer: type[serializers.Serializer[Any]]
    related: tuple[str, ...] = ()
    get_for_user: Callable[[Any, Any], Any]
    save: Callable[..., Any]
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Any]:
        return self.model.objects.visible_to(self.request.user).select_related(*self.related).order_by("id")

    def get_serializer_class(self) -> Any:
        return self.read_serializer

    def retrieve(self, request: Request, pk: str) -> Response:
        obj = type(self).get_for_user(request.user, pk)
        return Response(self.read_serializer(obj, context={"request": request}).data)

    def create(self, request: Request) -> Response:
        data = _parse(self.write_serializer, request)
        obj = type(self).save(None, by=request.user, **data)
        return Response(
            self.read_serializer(obj, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request: Request, pk: str) -> Response:
        obj = type(self).get_for_user(request.user, pk)
        data = _parse(self.write_serializer, request, partial=True)
        obj = type(self).save(obj, by=request.user, **data)
        return Response(self.read_serializer(obj, context={"request": request}).data)

    def reveal(self, request: Request, pk: str) -> Response:
        obj = type(self).get_for_user(request.user, pk)
        data = _parse(s.RevealSerializer, request)
        target = obj.person if isinstance(obj, KeyPerson) else obj
        value = services.reveal_field(target, data["field"], by=request.user, purpose=data["purpose"])
        return Response({"field": data["field"], "value": value})


def _record_viewset(
    name: str,
    tag: str,
    model: type[Any],
    read: type[serializers.Serializer[Any]],
    write: type[serializers.Serializer[Any]],
    filterset: type[Any],
    get: Callable[[Any, Any], Any],
    save: Callable[..., Any],
    related: tuple[str, ...] = (),
) -> type[RecordViewSet]:
    """A RecordViewSet for one model, with its OpenAPI annotations."""
    reveal_action = action(detail=True, methods=["post"])(
        extend_schema(
            summary=f"Reveal one masked field of one {tag} (audited)",
            tags=["registry"],
            request=s.RevealSerializer,
            responses={200: s.RevealedSerializer, **_errors(400, 403, 404)},
        )(RecordViewSet.reveal)
    )
    attrs: dict[str, Any] = {
        "model": model,
        "read_serializer": read,
        "write_serializer": write,
        "filterset_class": filterset,
        "related": related,
        "get_for_user": staticmethod(get),
        "save": staticmethod(save),
        "queryset": model.objects.none(),
        "reveal": reveal_action,
        "__doc__": f"{tag.capitalize()} of the grid registry, masked by default.",
    }
    viewset = type(name, (RecordViewSet,), attrs)
    return extend_schema_view(
        list=extend_schema(summary=f"{tag.capitalize()} in scope (filters, paginated)", tags=["registry"]),
        retrieve=extend_schema(
            summary=f"One {tag}", tags=["registry"], responses={200: read, **_errors(404)}
        ),
        create=extend_schema(
            summary=f"Register a {tag}",
            tags=["registry"],
            request=write,
            responses={201: read, **_errors(400, 403)},
        ),
        partial_update=extend_schema(
            summary=f"Change a {tag}",
            tags=["registry"],
            request=write,
            responses={200: read, **_errors(400, 403, 404)},
        ),
    )(viewset)


PersonViewSet = _record_viewset(
    "PersonViewSet",
    "persons",
    Person,
    s.PersonSerializer,
    s.PersonWriteSerializer,
    filters.PersonFilter,
    queries.get_person_for_user,
    services.save_person,
    ("grid",),
)
HouseholdViewSet = _record_viewset(
    "HouseholdViewSet",
    "households",
    Household,
    s.HouseholdSerializer,
    s.HouseholdWriteSerializer,
    filters.HouseholdFilter,
    queries.get_household_for_user,
    services.save_household,
    ("head",),
)
HouseViewSet = _record_viewset(
    "HouseViewSet",
    "houses",
    House,
    s.HouseSerializer,
    s.HouseWriteSerializer,
    filters.HouseFilter,
    queries.get_house_for_user,
    services.save_house,
)
PlaceViewSet = _record_viewset(
    "PlaceViewSet",
    "places",
    Place,
    s.PlaceSerializer,
    s.PlaceWriteSerializer,
    filters.PlaceFilter,
    queries.get_place_for_user,
    services.save_place,
)
OrganizationViewSet = _record_viewset(
    "OrganizationViewSet",
    "organisations",
    Organization,
    s.OrganizationSerializer,
    s.OrganizationWriteSerializer,
    filters.OrganizationFilter,
    queries.get_organization_for_user,
    services.save_organization,
)
KeyPersonViewSet = _record_viewset(
    "KeyPersonViewSet",
    "key persons",
    KeyPerson,
    s.KeyPersonSerializer,
    s.KeyPersonWriteSerializer,
    filters.KeyPersonFilter,
    queries.get_key_person_for_user,
    services.save_key_person,
    ("person",),
)


@extend_schema_view(
    list=extend_schema(summary="Visits in scope, newest first", tags=["registry"]),
    retrieve=extend_schema(
        summary="One visit", tags=["registry"], responses={200: s.VisitSerializer, **_errors(404)}
    ),
)
class VisitViewSet(RegistryAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Visit]):
    """Visits (走访) to key persons and households."""

    queryset = Visit.objects.none()
    serializer_class = s.VisitSerializer
    filterset_class = filters.VisitFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Visit]:
        return (
            Visit.objects.visible_to(self.request.user)
            .select_related("by")
            .prefetch_related("photos")
            .order_by("-at", "-id")
        )

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(
            s.VisitSerializer(queries.get_visit_for_user(request.user, pk), context={"request": request}).data
        )

    @extend_schema(
        summary="Add a photo to a visit I recorded (idempotent with Idempotency-Key)",
        tags=["registry"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A retry with the same key answers the first photo again (201, header "
                "`Idempotent-Replayed: true`); the key used before for another visit is a 422.",
            )
        ],
        request={
            "multipart/form-data": inline_serializer(
                "VisitPhotoUpload", fields={"file": serializers.FileField()}
            )
        },
        responses={201: s.VisitPhotoSerializer, **_errors(400, 403, 404, 422)},
    )
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def photos(self, request: Request, pk: str) -> Response:
        visit = queries.get_visit_for_user(request.user, pk)
        key = _idempotency_key(request)
        if not key:
            raise exceptions.ValidationError({"Idempotency-Key": [_("Send an idempotency key.")]})
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose a photo.")]})
        photo = services.add_visit_photo(visit, by=request.user, file=upload, idempotency_key=key)
        return Response(
            s.VisitPhotoSerializer(photo).data, status=status.HTTP_201_CREATED, headers=_replayed(photo)
        )

    @extend_schema(
        summary="Record a visit (idempotent with Idempotency-Key)",
        tags=["registry"],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.VisitCreateSerializer,
        responses={201: s.VisitSerializer, **_errors(400, 403, 422)},
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        data = _parse(s.VisitCreateSerializer, request)
        visit, created = services.record_visit(by=request.user, idempotency_key=key, **data)
        # A replay answers exactly as the first request did (201), like the case API, and says so.
        headers = {} if created else {"Idempotent-Replayed": "true"}
        return Response(
            s.VisitSerializer(visit, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
            headers=headers,
        )


@extend_schema_view(
    list=extend_schema(
        summary="Patrols in scope, newest first",
        tags=["registry"],
        parameters=[
            OpenApiParameter(
                "key",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                description="Only the caller's own patrol started with this Idempotency-Key (a phone "
                "whose answer to the start was lost finds its patrol so).",
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One patrol", tags=["registry"], responses={200: s.PatrolSerializer, **_errors(404)}
    ),
)
class PatrolViewSet(RegistryAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet[Patrol]):
    """Patrols (巡查): start, check in, report findings as cases, end."""

    queryset = Patrol.objects.none()
    serializer_class = s.PatrolSerializer
    filterset_class = filters.PatrolFilter
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self) -> QuerySet[Patrol]:
        queryset = (
            Patrol.objects.visible_to(self.request.user)
            .select_related("worker")
            .prefetch_related("findings")
            .annotate(checkin_count=Count("checkins"))
            .order_by("-started_at", "-id")
        )
        key = self.request.query_params.get("key", "").strip() if self.action == "list" else ""
        if key:
            # A key is its sender's own: it finds the caller's own patrol only.
            queryset = queryset.filter(pk__in=queries.patrol_ids_started_with(self.request.user, key))
        return queryset

    def _one(self, pk: str) -> Patrol:
        patrol: Patrol = queries.get_patrol_for_user(self.request.user, pk)
        return self.get_queryset().get(pk=patrol.pk)

    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(s.PatrolSerializer(self._one(pk)).data)

    @extend_schema(
        summary="Start a patrol (idempotent with Idempotency-Key, the patrol's key made on the phone)",
        tags=["registry"],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.PatrolStartSerializer,
        responses={201: s.PatrolSerializer, **_errors(400, 403, 409, 422)},
    )
    def create(self, request: Request) -> Response:
        key = _idempotency_key(request)
        data = _parse(s.PatrolStartSerializer, request)
        patrol = services.start_patrol(by=request.user, idempotency_key=key, **data)
        return Response(
            s.PatrolSerializer(self._one(str(patrol.pk))).data,
            status=status.HTTP_201_CREATED,
            headers=_replayed(patrol),
        )

    @extend_schema(
        summary="Check in on a patrol with a GPS position (idempotent with Idempotency-Key)",
        tags=["registry"],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.PatrolCheckinSerializer,
        responses={201: s.PatrolCheckinSerializer, **_errors(400, 403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"])
    def checkins(self, request: Request, pk: str) -> Response:
        patrol = queries.get_patrol_for_user(request.user, pk)
        key = _idempotency_key(request)
        data = _parse(s.PatrolCheckinSerializer, request)
        checkin = services.checkin_patrol(patrol, by=request.user, idempotency_key=key, **data)
        return Response(
            s.PatrolCheckinSerializer(checkin).data,
            status=status.HTTP_201_CREATED,
            headers=_replayed(checkin),
        )

    @extend_schema(
        summary="End a patrol (idempotent with Idempotency-Key)",
        tags=["registry"],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.PatrolEndSerializer,
        responses={200: s.PatrolSerializer, **_errors(400, 403, 404, 409)},
    )
    @action(detail=True, methods=["post"])
    def end(self, request: Request, pk: str) -> Response:
        patrol = queries.get_patrol_for_user(request.user, pk)
        key = _idempotency_key(request)
        data = _parse(s.PatrolEndSerializer, request)
        ended = services.end_patrol(patrol, by=request.user, idempotency_key=key, **data)
        return Response(s.PatrolSerializer(self._one(pk)).data, headers=_replayed(ended))

    @extend_schema(
        summary="File a patrol finding as a case (idempotent with Idempotency-Key)",
        tags=["registry"],
        parameters=[IDEMPOTENCY_PARAMETER],
        request=s.FindingSerializer,
        responses={201: s.FindingCreatedSerializer, **_errors(400, 403, 404, 409, 422)},
    )
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, pk: str) -> Response:
        patrol = queries.get_patrol_for_user(request.user, pk)
        key = _idempotency_key(request)
        data = _parse(s.FindingSerializer, request)
        finding = services.report_patrol_finding(patrol, by=request.user, idempotency_key=key, **data)
        case = finding.case
        return Response(
            {"case": case.pk, "number": case.number, "tracking_code": case.tracking_code},
            status=status.HTTP_201_CREATED,
            headers=_replayed(finding),
        )


class TodoViewSet(RegistryAPIMixin, viewsets.GenericViewSet[KeyPerson]):
    """The caller's visit to-do list."""

    queryset = KeyPerson.objects.none()
    serializer_class = s.KeyPersonSerializer

    @extend_schema(summary="Key persons whose visit is due (warning) or missed (overdue)", tags=["registry"])
    def list(self, request: Request) -> Response:
        rows = queries.visits_due(request.user).select_related("person")[:500]
        return Response(s.KeyPersonSerializer(rows, many=True).data)


class SearchViewSet(RegistryAPIMixin, viewsets.GenericViewSet[Person]):
    """Search persons (name or full resident ID) and places (name or credit code) in scope."""

    queryset = Person.objects.none()
    serializer_class = s.SearchSerializer
    # Full-ID searches are limited per user through services.match_resident_id, the same budget
    # as the persons list filter's (429 with Retry-After beyond the rate; privacy.py rule 4).

    @extend_schema(
        summary="Search persons and places in scope",
        tags=["registry"],
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY)],
        responses={200: s.SearchSerializer, **_errors(429)},
    )
    def list(self, request: Request) -> Response:
        if not privacy.reads_registry(request.user):
            raise DjangoPermissionDenied
        results = services.search(by=request.user, text=request.query_params.get("q", ""))
        return Response(s.SearchSerializer(results, context={"request": request}).data)


def register(router: BaseRouter) -> None:
    router.register("registry/persons", PersonViewSet, basename="registry-person")
    router.register("registry/households", HouseholdViewSet, basename="registry-household")
    router.register("registry/houses", HouseViewSet, basename="registry-house")
    router.register("registry/places", PlaceViewSet, basename="registry-place")
    router.register("registry/organizations", OrganizationViewSet, basename="registry-organization")
    router.register("registry/key-persons", KeyPersonViewSet, basename="registry-keyperson")
    router.register("registry/visits", VisitViewSet, basename="registry-visit")
    router.register("registry/patrols", PatrolViewSet, basename="registry-patrol")
    router.register("registry/todo", TodoViewSet, basename="registry-todo")
    router.register("registry/search", SearchViewSet, basename="registry-search")


__all__ = ["RegistryError", "register"]
