"""API v1 for the center's organisation: /api/v1/departments/, /api/v1/duty/today/."""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework import serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import APIView

from fengqiao.center.models import Department
from fengqiao.center.queries import duty_today_for


class DepartmentSerializer(serializers.ModelSerializer[Department]):
    class Meta:
        model = Department
        fields = [
            "id",
            "name",
            "kind",
            "stationing",
            "in_hall",
            "region",
            "contact_name",
            "contact_phone",
            "is_active",
        ]


class DepartmentViewSet(viewsets.ReadOnlyModelViewSet[Department]):
    serializer_class = DepartmentSerializer

    def get_queryset(self) -> Any:
        return Department.objects.visible_to(self.request.user).select_related("region")


class DutyTodayView(APIView):
    """Today's duty leader in the user's town."""

    def get(self, request: Request) -> Response:
        shift = duty_today_for(request.user)
        if shift is None:
            return Response({"date": None, "leader": None})
        return Response(
            {
                "date": shift.date.isoformat(),
                "town": shift.town_id,
                "leader": {
                    "id": shift.leader_id,
                    "name": shift.leader.display_name,
                    "phone": shift.leader.phone,
                },
                "note": shift.note,
            }
        )


def register(router: BaseRouter) -> None:
    router.register("departments", DepartmentViewSet, basename="department")


urlpatterns = [path("duty/today/", DutyTodayView.as_view(), name="api_duty_today")]
