"""API v1 for the center's organisation (read-only): departments, windows, rooms, the duty roster.

/api/v1/departments/ (+ ?kind=&stationing=&in_hall=), /api/v1/windows/, /api/v1/rooms/,
/api/v1/duty/?month=YYYY-MM, /api/v1/duty/today/. Every list goes through `visible_to(user)`;
single objects answer 404 for missing and out of scope alike.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from fengqiao.center.filters import DepartmentFilter, DutyShiftFilter
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.center.queries import center_today, duty_today_for


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    region_name = serializers.CharField(source="region.name", read_only=True)

    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "kind",
            "stationing",
            "in_hall",
            "region",
            "region_name",
            "contact_name",
            "contact_phone",
            "is_active",
        ]


class WindowSerializer(serializers.ModelSerializer[Window]):
    department_name = serializers.CharField(source="department.name", read_only=True)

    class Meta:
        model = Window
        fields = ["id", "town", "number", "name", "department", "department_name"]


class RoomSerializer(serializers.ModelSerializer[Room]):
    class Meta:
        model = Room
        fields = ["id", "town", "name", "purpose", "description"]


class LeaderSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True)


def leader_data(shift: DutyShift) -> dict[str, Any]:
    return {"id": shift.leader_id, "name": shift.leader.display_name, "phone": shift.leader.phone}


class DutyShiftSerializer(serializers.ModelSerializer[DutyShift]):
    leader = serializers.SerializerMethodField()

    class Meta:
        model = DutyShift
        fields = ["id", "town", "date", "leader", "note"]

    @extend_schema_field(LeaderSerializer)
    def get_leader(self, shift: DutyShift) -> dict[str, Any]:
        return leader_data(shift)


class DutyTodaySerializer(serializers.Serializer[Any]):
    """Today's duty leader (科级领导坐班) of the user's town; `leader` is null when nobody is rostered."""

    date = serializers.DateField(help_text="Today at the center (Asia/Shanghai).")
    town = serializers.IntegerField(allow_null=True)
    leader = LeaderSerializer(allow_null=True)
    note = serializers.CharField(allow_blank=True)


@extend_schema_view(
    list=extend_schema(summary="Departments in scope", tags=["center"]),
    retrieve=extend_schema(summary="One department", tags=["center"]),
)
class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    """Departments (站所): a department officer sees only their own."""

    serializer_class = DepartmentSerializer
    filterset_class = DepartmentFilter

    def get_queryset(self) -> Any:
        return Department.objects.visible_to(self.request.user).select_related("region")


@extend_schema_view(
    list=extend_schema(summary="Reception windows in the hall", tags=["center"]),
    retrieve=extend_schema(summary="One window", tags=["center"]),
)
class WindowViewSet(viewsets.ReadOnlyModelViewSet[Window]):
    serializer_class = WindowSerializer

    def get_queryset(self) -> Any:
        return Window.objects.visible_to(self.request.user).select_related("department")


@extend_schema_view(
    list=extend_schema(summary="Function rooms", tags=["center"]),
    retrieve=extend_schema(summary="One function room", tags=["center"]),
)
class RoomViewSet(viewsets.ReadOnlyModelViewSet[Room]):
    serializer_class = RoomSerializer

    def get_queryset(self) -> Any:
        return Room.objects.visible_to(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="Duty roster (?month=YYYY-MM)", tags=["center"]),
    retrieve=extend_schema(summary="One duty shift", tags=["center"]),
)
class DutyShiftViewSet(viewsets.ReadOnlyModelViewSet[DutyShift]):
    serializer_class = DutyShiftSerializer
    filterset_class = DutyShiftFilter
    lookup_value_regex = r"[0-9]+"  # leaves duty/today/ to DutyTodayView

    def get_queryset(self) -> Any:
        return (
            DutyShift.objects.visible_to(self.request.user)
            .select_related("leader")
            .order_by("date", "town_id")
        )


class DutyTodayView(APIView):
    """Today's duty leader in the user's town."""

    @extend_schema(
        summary="Today's duty leader",
        tags=["center"],
        responses={200: OpenApiResponse(DutyTodaySerializer, description="Today's duty leader or nulls.")},
    )
    def get(self, request: Request) -> Response:
        shift = duty_today_for(request.user)
        if shift is None:
            data: dict[str, Any] = {"date": center_today(), "town": None, "leader": None, "note": ""}
        else:
            data = {
                "date": shift.date,
                "town": shift.town_id,
                "leader": leader_data(shift),
                "note": shift.note,
            }
        return Response(DutyTodaySerializer(data).data)


def register(router: BaseRouter) -> None:
    router.register("departments", DepartmentViewSet, basename="department")
    router.register("windows", WindowViewSet, basename="window")
    router.register("rooms", RoomViewSet, basename="room")
    router.register("duty", DutyShiftViewSet, basename="dutyshift")


urlpatterns = [path("duty/today/", DutyTodayView.as_view(), name="api_duty_today")]
