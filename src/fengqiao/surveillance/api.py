"""REST API v1 of video surveillance (issue 5, items 7 and 8).

    GET  /api/v1/monitoring-rooms/             rooms in scope with camera counts (`MonitoringRoomFilter`)
    POST /api/v1/monitoring-rooms/             register a room (201; administrators and clerks)
    GET  /api/v1/monitoring-rooms/{id}/        one room (the responsible person's phone masked)
    PUT/PATCH /api/v1/monitoring-rooms/{id}/   edit a room (200)
    GET  /api/v1/cameras/                      cameras in scope (`CameraFilter`: village, grid, room,
                                               purpose, status, active, q; `case`: the camera a
                                               case was found through)
    POST /api/v1/cameras/                      register a camera (201; administrators and clerks)
    GET  /api/v1/cameras/{id}/                 one camera
    PUT/PATCH /api/v1/cameras/{id}/            edit a camera, retire it (`active: false`), or set
                                               its status (history row as with `status/`)
    POST /api/v1/cameras/{id}/status/          mark online/offline: 200 {changed, camera, change}
    GET  /api/v1/cameras/geojson/              cameras in scope as GeoJSON Points (same filters)
    GET  /api/v1/cameras/{id}/findings/        the cases found through the camera (those in scope)
    POST /api/v1/cameras/{id}/findings/        take a case in from the camera (201; `Idempotency-Key`)

Views are thin: fetch in scope (404 for missing and out of scope alike), parse with a serializer,
call one service (the ones the pages call). Every refusal answers `{"detail", "code", "fields"?}`
through the case API's handler (bad input: 400 with `fields`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fengqiao.cases.api import exception_handler
from fengqiao.cases.models import Case, Category, Kind, Urgency
from fengqiao.cases.serializers import CoordinateField
from fengqiao.core import masking
from fengqiao.regions.models import Grid, Region
from fengqiao.surveillance import privacy, queries, services
from fengqiao.surveillance.filters import CameraAPIFilter, MonitoringRoomFilter
from fengqiao.surveillance.models import Camera, CameraStatusChange, MonitoringRoom, Purpose

#: Longest accepted `Idempotency-Key` (a UUID is 36 characters).
IDEMPOTENCY_KEY_MAX = 100


class RefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class CodedRefSerializer(RefSerializer):
    code = serializers.CharField()


class SurveillanceErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()
    # Declared fields leave the class body (SerializerMetaclass): `Serializer.fields` is intact.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class MonitoringRoomSerializer(serializers.ModelSerializer[MonitoringRoom]):
    village = serializers.SerializerMethodField()
    camera_total = serializers.SerializerMethodField()
    camera_online = serializers.SerializerMethodField()
    camera_offline = serializers.SerializerMethodField()

    class Meta:
        model = MonitoringRoom
        fields = [
            "id",
            "name",
            "village",
            "address",
            "responsible_name",
            "camera_total",
            "camera_online",
            "camera_offline",
        ]

    @extend_schema_field(CodedRefSerializer)
    def get_village(self, room: MonitoringRoom) -> dict[str, Any]:
        return {"id": room.village_id, "code": room.village.code, "name": room.village.name}

    @extend_schema_field(OpenApiTypes.INT)
    def get_camera_total(self, room: MonitoringRoom) -> int:
        return int(getattr(room, "camera_total", 0))

    @extend_schema_field(OpenApiTypes.INT)
    def get_camera_online(self, room: MonitoringRoom) -> int:
        return int(getattr(room, "camera_online", 0))

    @extend_schema_field(OpenApiTypes.INT)
    def get_camera_offline(self, room: MonitoringRoom) -> int:
        return int(getattr(room, "camera_offline", 0))


class MonitoringRoomDetailSerializer(MonitoringRoomSerializer):
    responsible_phone = serializers.SerializerMethodField(
        help_text="Masked unless the caller may see personal data (then the read is audited)"
    )

    class Meta(MonitoringRoomSerializer.Meta):
        fields = [*MonitoringRoomSerializer.Meta.fields, "responsible_phone"]

    @extend_schema_field(OpenApiTypes.STR)
    def get_responsible_phone(self, room: MonitoringRoom) -> str:
        viewer = self.context["request"].user
        return masking.reveal(
            room.responsible_phone, kind="phone", viewer=viewer, obj=room, field="responsible_phone"
        )


class CameraSerializer(serializers.ModelSerializer[Camera]):
    room = serializers.SerializerMethodField()
    village = serializers.SerializerMethodField()
    grid = serializers.SerializerMethodField()
    purposes = serializers.SerializerMethodField()
    stream_url = serializers.SerializerMethodField()

    class Meta:
        model = Camera
        fields = [
            "id",
            "channel_code",
            "name",
            "room",
            "village",
            "place",
            "lon",
            "lat",
            "grid",
            "grid_overridden",
            "purposes",
            "status",
            "status_changed_at",
            "stream_url",
            "active",
        ]

    @extend_schema_field(RefSerializer)
    def get_room(self, camera: Camera) -> dict[str, Any]:
        return {"id": camera.room_id, "name": camera.room.name}

    @extend_schema_field(CodedRefSerializer)
    def get_village(self, camera: Camera) -> dict[str, Any]:
        village = camera.room.village
        return {"id": village.pk, "code": village.code, "name": village.name}

    @extend_schema_field(CodedRefSerializer(allow_null=True))
    def get_grid(self, camera: Camera) -> dict[str, Any] | None:
        grid = camera.grid
        return {"id": grid.pk, "code": grid.code, "name": grid.name} if grid else None

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices)))
    def get_purposes(self, camera: Camera) -> list[str]:
        return camera.purpose_values

    @extend_schema_field(
        serializers.CharField(
            allow_null=True,
            help_text="The live stream's address with its account masked (`rtsp://***@host/...`); "
            "null unless the caller keeps the camera register (administrators, window clerks). "
            '`""` when none is recorded',
        )
    )
    def get_stream_url(self, camera: Camera) -> str | None:
        request = self.context.get("request")
        return privacy.stream_url_for(camera, getattr(request, "user", None))


class StatusChangeSerializer(serializers.ModelSerializer[CameraStatusChange]):
    class Meta:
        model = CameraStatusChange
        fields = ["id", "from_status", "to_status", "at", "note"]


class SetStatusSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=Camera.Status.choices)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class SetStatusResultSerializer(serializers.Serializer[Any]):
    changed = serializers.BooleanField(help_text="False when the camera already had this status")
    camera = CameraSerializer()
    change = StatusChangeSerializer(allow_null=True)


class FindingCreateSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.HAZARD)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    category = serializers.PrimaryKeyRelatedField(
        queryset=Category.objects.all(), required=False, allow_null=True, default=None
    )


class FindingCaseSerializer(serializers.ModelSerializer[Case]):
    class Meta:
        model = Case
        fields = ["id", "number", "title", "kind", "channel", "status", "grid", "created_at"]


class FindingSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    camera = serializers.IntegerField(source="camera_id")
    case = FindingCaseSerializer()
    created_at = serializers.DateTimeField()


# --- writing the register --------------------------------------------------------------------------


class RoomWriteSerializer(serializers.Serializer[Any]):
    """A monitoring room as sent: on PATCH the fields left out keep their values."""

    village = serializers.PrimaryKeyRelatedField(
        queryset=Region.objects.filter(level=Region.Level.VILLAGE),
        help_text="The village's id (a village in the caller's area)",
    )
    name = serializers.CharField(max_length=60)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    responsible_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    responsible_phone = serializers.CharField(
        max_length=20, required=False, allow_blank=True, default="", help_text="Stored in E.164"
    )


class CameraWriteSerializer(serializers.Serializer[Any]):
    """A camera as sent: on PATCH the fields left out keep their values (`grid` too: a grid set by
    hand stays, a located one is found again from the point)."""

    channel_code = serializers.CharField(max_length=40, help_text="Unique over all cameras")
    name = serializers.CharField(max_length=100)
    room = serializers.PrimaryKeyRelatedField(
        queryset=MonitoringRoom.objects.all(), help_text="A monitoring room in the caller's area"
    )
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    lon = CoordinateField(help_text="Longitude (degrees, WGS84)")
    lat = CoordinateField(help_text="Latitude (degrees, WGS84)")
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Grid.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Only to file the camera under another grid than its point's; null: found from the point",
    )
    purposes = serializers.ListField(child=serializers.ChoiceField(choices=Purpose.choices))
    # No default: on PUT too, an address left out keeps the recorded one (its account included).
    stream_url = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        help_text="Optional rtsp://, rtmp:// or http(s):// address of the live stream. On edit: left "
        'out, or sent back masked as read, keeps the recorded address; `""` removes it',
    )
    active = serializers.BooleanField(
        required=False, default=True, help_text="In use; false retires the camera (it stays on record)"
    )
    status = serializers.ChoiceField(
        choices=Camera.Status.choices,
        required=False,
        help_text="On create the initial status (default online); on edit a change is written to the "
        "status history, as `POST /cameras/{id}/status/` does",
    )
    status_note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Why the status changed"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        # A grid outside the caller's area is not a valid choice (as on the page's form).
        grid_field: Any = self.fields["grid"]
        grid_field.queryset = Grid.objects.visible_to(getattr(request, "user", None))


def _room_values(room: MonitoringRoom) -> dict[str, Any]:
    return {
        "village": room.village,
        "name": room.name,
        "address": room.address,
        "responsible_name": room.responsible_name,
        "responsible_phone": room.responsible_phone,
    }


def _camera_values(camera: Camera) -> dict[str, Any]:
    return {
        "channel_code": camera.channel_code,
        "name": camera.name,
        "room": camera.room,
        "place": camera.place,
        "lon": camera.lon,
        "lat": camera.lat,
        "grid": camera.grid if camera.grid_overridden else None,
        "purposes": camera.purpose_values,
        "stream_url": None,  # keeps the recorded address (`services.update_camera`)
        "active": camera.active,
    }


def _require_manager(request: Request) -> None:
    # Refused before the body is read, so a clerk-only form never answers a 400 to a grid worker.
    if not services.may_manage(request.user):
        message = _("Only administrators and window clerks keep the camera register.")
        raise exceptions.PermissionDenied(message)


def _parse(
    serializer_class: type[serializers.Serializer[Any]], request: Request, *, partial: bool
) -> dict[str, Any]:
    """The body's fields; on PATCH only those sent (DRF fills in no defaults then)."""
    body = serializer_class(data=request.data, partial=partial, context={"request": request})
    body.is_valid(raise_exception=True)
    return dict(body.validated_data)


CAMERA_COLLECTION = inline_serializer(
    "CameraFeatureCollection",
    fields={
        "type": serializers.CharField(default="FeatureCollection"),
        "features": serializers.ListField(
            child=serializers.DictField(),
            help_text="GeoJSON Point Features (WGS84): id, geometry and properties channel_code, name, "
            "status, purposes, room, grid, url",
        ),
    },
)


def _errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: "Bad input: `fields` holds the messages per field.",
        403: "The user's role may not do this.",
        404: "No such object in the user's scope.",
    }
    return {
        code: OpenApiResponse(SurveillanceErrorSerializer, description=descriptions[code]) for code in codes
    }


@extend_schema_view(
    list=extend_schema(summary="Monitoring rooms in scope, with their cameras online and offline"),
    retrieve=extend_schema(summary="One monitoring room", responses=MonitoringRoomDetailSerializer),
    create=extend_schema(
        summary="Register a monitoring room (administrators and window clerks)",
        description="The village must be in the caller's area; a village has one room of a name. "
        "Audited (`monitoring_room.create`).",
        request=RoomWriteSerializer,
        responses={201: MonitoringRoomDetailSerializer, **_errors(400, 403)},
    ),
    update=extend_schema(
        summary="Edit a monitoring room (every field)",
        description="Audited with the changed fields (`monitoring_room.update`).",
        request=RoomWriteSerializer,
        responses={200: MonitoringRoomDetailSerializer, **_errors(400, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Edit some fields of a monitoring room",
        description="The fields left out keep their values. Audited with the changed fields.",
        request=RoomWriteSerializer,
        responses={200: MonitoringRoomDetailSerializer, **_errors(400, 403, 404)},
    ),
)
class MonitoringRoomViewSet(viewsets.ReadOnlyModelViewSet[MonitoringRoom]):
    serializer_class = MonitoringRoomSerializer
    filterset_class = MonitoringRoomFilter
    lookup_value_regex = r"\d+"

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler

    def get_queryset(self) -> Any:
        return queries.rooms_for(self.request.user).order_by("village__code", "name", "id")

    def get_serializer_class(self) -> Any:
        return MonitoringRoomDetailSerializer if self.action == "retrieve" else MonitoringRoomSerializer

    def get_object(self) -> MonitoringRoom:
        room = queries.get_room_for_user(self.request.user, self.kwargs["pk"])
        queries.with_counts([room], self.request.user)
        return room

    def paginate_queryset(self, queryset: Any) -> list[Any] | None:
        rows = super().paginate_queryset(queryset)
        if rows is None:
            return None
        return queries.with_counts(list(rows), self.request.user)

    def _answer(self, room: MonitoringRoom, *, created: bool) -> Response:
        room = queries.get_room_for_user(self.request.user, room.pk)
        queries.with_counts([room], self.request.user)
        body = MonitoringRoomDetailSerializer(room, context=self.get_serializer_context()).data
        if not created:
            return Response(body)
        location = f"{self.request.build_absolute_uri(self.request.path)}{room.pk}/"
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    def create(self, request: Request) -> Response:
        _require_manager(request)
        data = _parse(RoomWriteSerializer, request, partial=False)
        room = services.create_room(by=request.user, **data)
        return self._answer(room, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: str | None, *, partial: bool) -> Response:
        room = queries.get_room_for_user(request.user, pk)
        _require_manager(request)
        data = _parse(RoomWriteSerializer, request, partial=partial)
        room = services.update_room(room, by=request.user, **{**_room_values(room), **data})
        return self._answer(room, created=False)


@extend_schema_view(
    list=extend_schema(summary="Cameras in scope"),
    retrieve=extend_schema(summary="One camera"),
    create=extend_schema(
        summary="Register a camera (administrators and window clerks)",
        description="The grid is found from the point unless `grid` names another (then it is "
        "kept by hand); the channel code is unique; the stream address is optional (answered "
        "masked). `status` is "
        "the initial status (default online). Audited (`camera.create`).",
        request=CameraWriteSerializer,
        responses={201: CameraSerializer, **_errors(400, 403)},
    ),
    update=extend_schema(
        summary="Edit a camera (every field)",
        description="`grid` null files the camera under the grid of its point. `active: false` "
        "retires it. A `status` other than the camera's writes one status-history row and "
        "`camera.set_status` (the center and the camera's grid workers may); the other changes "
        "write `camera.update`. A `stream_url` left out (or sent back masked) keeps the recorded "
        "address. All or nothing.",
        request=CameraWriteSerializer,
        responses={200: CameraSerializer, **_errors(400, 403, 404)},
    ),
    partial_update=extend_schema(
        summary="Edit some fields of a camera, retire it or set its status",
        description="The fields left out keep their values (a grid set by hand stays, a located "
        "grid follows the point). `active: false` retires the camera; a new `status` writes one "
        "status-history row. All or nothing.",
        request=CameraWriteSerializer,
        responses={200: CameraSerializer, **_errors(400, 403, 404)},
    ),
)
class CameraViewSet(viewsets.ReadOnlyModelViewSet[Camera]):
    serializer_class = CameraSerializer
    filterset_class = CameraAPIFilter
    lookup_value_regex = r"\d+"

    def get_exception_handler(self) -> Callable[..., Response | None]:
        return exception_handler

    def _answer(self, camera: Camera, *, created: bool) -> Response:
        camera = queries.cameras_for(self.request.user).get(pk=camera.pk)
        body = CameraSerializer(camera, context=self.get_serializer_context()).data
        if not created:
            return Response(body)
        location = f"{self.request.build_absolute_uri(self.request.path)}{camera.pk}/"
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": location})

    def create(self, request: Request) -> Response:
        _require_manager(request)
        data = _parse(CameraWriteSerializer, request, partial=False)
        data.pop("status_note", None)
        camera = services.create_camera(by=request.user, **data)
        return self._answer(camera, created=True)

    def update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, pk, partial=False)

    def partial_update(self, request: Request, pk: str | None = None) -> Response:
        return self._update(request, pk, partial=True)

    def _update(self, request: Request, pk: str | None, *, partial: bool) -> Response:
        camera = self.get_object()
        _require_manager(request)
        data = _parse(CameraWriteSerializer, request, partial=partial)
        new_status = data.pop("status", None)
        note = data.pop("status_note", "")
        with transaction.atomic():
            camera = services.update_camera(camera, by=request.user, **{**_camera_values(camera), **data})
            if new_status is not None:
                services.set_camera_status(camera, by=request.user, status=new_status, note=note)
        return self._answer(camera, created=False)

    def get_queryset(self) -> Any:
        return queries.cameras_for(self.request.user).order_by("channel_code", "id")

    def get_object(self) -> Camera:
        camera = queries.get_camera_for_user(self.request.user, self.kwargs["pk"])
        return camera

    @extend_schema(
        summary="Mark a camera online or offline",
        description="Writes one status-history row and an audit row when the status changes; "
        "the same status again changes nothing (`changed: false`). The center and the grid "
        "workers of the camera's grid may do it.",
        request=SetStatusSerializer,
        responses={200: SetStatusResultSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["post"], url_path="status", filterset_class=None)
    def set_status(self, request: Request, pk: str | None = None) -> Response:
        camera = self.get_object()
        body = SetStatusSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        change = services.set_camera_status(camera, by=request.user, **body.validated_data)
        camera = queries.cameras_for(request.user).get(pk=camera.pk)
        return Response(
            {
                "changed": change is not None,
                "camera": CameraSerializer(camera, context=self.get_serializer_context()).data,
                "change": StatusChangeSerializer(change).data if change else None,
            }
        )

    @extend_schema(
        summary="The cameras in scope as a GeoJSON FeatureCollection of points",
        description="Takes the same filters as the list; not paginated.",
        responses={200: CAMERA_COLLECTION},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        from django.urls import reverse

        cameras = self.filter_queryset(self.get_queryset())
        features = [
            {
                "type": "Feature",
                "id": camera.pk,
                "geometry": {"type": "Point", "coordinates": [camera.lon, camera.lat]},
                "properties": {
                    "channel_code": camera.channel_code,
                    "name": camera.name,
                    "status": camera.status,
                    "active": camera.active,
                    "purposes": camera.purpose_values,
                    "room": camera.room.name,
                    "grid": camera.grid.code if camera.grid else None,
                    "url": reverse("surveillance:camera_detail", args=[camera.pk]),
                },
            }
            for camera in cameras
        ]
        return Response({"type": "FeatureCollection", "features": features})

    @extend_schema(
        methods=["GET"],
        summary="The cases found through this camera (those the caller may see)",
        filters=False,
        responses={200: FindingSerializer(many=True), **_errors(404)},
    )
    @extend_schema(
        methods=["POST"],
        summary="Take in a case seen on this camera",
        description="The case gets channel `video`, the camera's point and grid, and is linked to "
        "the camera. An `Idempotency-Key` header makes a repeated request return the first case.",
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description="A client-chosen key (at most 100 characters), e.g. a UUID",
            )
        ],
        request=FindingCreateSerializer,
        responses={201: FindingSerializer, **_errors(400, 403, 404)},
    )
    @action(detail=True, methods=["get", "post"], filterset_class=None, pagination_class=None)
    def findings(self, request: Request, pk: str | None = None) -> Response:
        camera = self.get_object()
        if request.method == "GET":
            visible = Case.objects.visible_to(request.user).values("pk")
            rows = camera.findings.filter(case__in=visible).select_related("case").order_by("-id")
            return Response(FindingSerializer(rows, many=True).data)
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > IDEMPOTENCY_KEY_MAX:
            raise exceptions.ValidationError(
                {"Idempotency-Key": [_("At most %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}]}
            )
        body = FindingCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        finding = services.report_video_finding(
            camera, by=request.user, idempotency_key=key or None, **body.validated_data
        )
        return Response(FindingSerializer(finding).data, status=status.HTTP_201_CREATED)


def register(router: BaseRouter) -> None:
    router.register("monitoring-rooms", MonitoringRoomViewSet, basename="monitoring-room")
    router.register("cameras", CameraViewSet, basename="camera")


urlpatterns: list[Any] = []
