"""The field pages' own endpoints, beside the case and registry APIs they mostly use.

    GET  /field/api/today/                  the user's day: visits due, results to verify,
                                            screening reports due, the cases the user reported
    POST /field/api/cases/{id}/photos/      a photo for a case the user reported (multipart `file`;
                                            `Idempotency-Key` header required): 201, or 200 on a retry

Only the grid roles use them (403 for others); a case out of scope is a 404 like everywhere else.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.cases.queries import get_case_for_user
from fengqiao.field import queries, services

IDEMPOTENCY_KEY_MAX = 100


def _require_field_user(request: Request) -> None:
    if not queries.uses_field_pages(request.user):
        raise PermissionDenied(_("The field pages are for grid workers and watch members."))


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


class TodayView(APIView):
    """The grid worker's day (今日待办), in one answer for a slow network."""

    @extend_schema(
        summary="The field user's to-do for today",
        tags=["field"],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request: Request) -> Response:
        _require_field_user(request)
        user: Any = request.user
        day = queries.today(user)
        patrol = day.active_patrol
        return Response(
            {
                "active_patrol": (
                    {
                        "id": patrol.pk,
                        "grid": patrol.grid_id,
                        "grid_name": patrol.grid.name,
                        "started_at": _when(patrol.started_at),
                        "checkin_count": getattr(patrol, "checkin_count", 0),  # annotated
                    }
                    if patrol is not None
                    else None
                ),
                "user": {"id": user.pk, "name": user.display_name, "role": user.get_role_display()},
                "grids": [{"id": grid.pk, "name": grid.name} for grid in user.grids.order_by("code")],
                "visits_due": [
                    {
                        "key_person": row.pk,
                        "person_name": row.person.name,
                        "category": row.get_category_display(),
                        # Live, from the stored times: the sweep may not have run (audit #8).
                        "visit_state": row.visit_state_now,
                        "next_visit_due_at": _when(row.next_visit_due_at),
                    }
                    for row in day.visits_due
                ],
                "to_verify": [
                    {
                        "id": case.pk,
                        "number": case.number,
                        "title": case.title,
                        "grid_name": case.grid.name if case.grid else "",
                        "resolved_at": _when(case.resolved_at),
                    }
                    for case in day.to_verify
                ],
                "screenings_due": [
                    {
                        "id": slot.pk,
                        "grid_name": slot.grid.name,
                        "period_start": slot.period_start.isoformat(),
                        "period_end": slot.period_end.isoformat(),
                        "due_at": _when(slot.due_at),
                        "sla_state": slot.sla_state,
                    }
                    for slot in day.screenings_due
                ],
                "my_cases": [
                    {
                        "id": case.pk,
                        "number": case.number,
                        "title": case.title,
                        "status": case.status,
                        "status_display": case.get_status_display(),
                        "created_at": _when(case.created_at),
                    }
                    for case in day.my_cases
                ],
            }
        )


class PhotoView(APIView):
    """A photo for a case the user reported, sent from the phone's outbox (idempotent)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        summary="Attach a field photo to a case I reported (idempotent with Idempotency-Key)",
        tags=["field"],
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                required=True,
                description="A retry with the same key answers the first attachment again (200).",
            )
        ],
        request={
            "multipart/form-data": inline_serializer(
                "FieldPhotoUpload", fields={"file": serializers.FileField()}
            )
        },
        responses={
            (201, "application/json"): inline_serializer(
                "FieldPhoto",
                fields={
                    "id": serializers.IntegerField(),
                    "case": serializers.IntegerField(),
                    "size": serializers.IntegerField(),
                },
            ),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        _require_field_user(request)
        case = get_case_for_user(request.user, pk)
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > IDEMPOTENCY_KEY_MAX:
            message = _("Send a key of 1 to %(max)d characters.") % {"max": IDEMPOTENCY_KEY_MAX}
            raise exceptions.ValidationError({"Idempotency-Key": [message]})
        upload = request.FILES.get("file")
        if upload is None:
            raise exceptions.ValidationError({"file": [_("Choose a photo.")]})
        attachment, created = services.attach_photo(case, by=request.user, file=upload, key=key)
        return Response(
            {"id": attachment.pk, "case": case.pk, "size": attachment.size},
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )
