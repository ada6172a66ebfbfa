"""Surveillance pages: monitoring rooms, cameras (list, detail, forms), status and video findings.

Thin views: fetch in scope (`queries.get_*_for_user`, 404 for missing and out of scope alike),
parse with a form, call one service, redirect. A service's refusal becomes a form error.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fengqiao.cases import workflow
from fengqiao.core import masking
from fengqiao.core.exceptions import DomainError
from fengqiao.surveillance import imports, privacy, queries, services
from fengqiao.surveillance.filters import CameraFilter, MonitoringRoomFilter
from fengqiao.surveillance.forms import (
    CameraForm,
    FindingForm,
    ImportForm,
    RoomForm,
    StatusForm,
    add_domain_error,
)
from fengqiao.surveillance.models import Camera

PAGE_SIZE = 50


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- monitoring rooms ---------------------------------------------------------------------------


@login_required
def room_list(request: HttpRequest) -> HttpResponse:
    """The monitoring rooms in scope with their cameras in total, online and offline."""
    filterset = MonitoringRoomFilter(request.GET, queryset=queries.rooms_for(request.user), request=request)
    rooms = list(filterset.qs if filterset.is_valid() else queries.rooms_for(request.user).none())
    queries.with_counts(rooms, request.user)
    return render(
        request,
        "surveillance/room_list.html",
        {
            "rooms": rooms,
            "filter": filterset,
            "can_manage": services.may_manage(request.user),
            "totals": {
                "total": sum(room.camera_total for room in rooms),
                "online": sum(room.camera_online for room in rooms),
                "offline": sum(room.camera_offline for room in rooms),
            },
        },
    )


@login_required
def room_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One room, its person in charge (phone masked) and its cameras the user may see."""
    room = queries.get_room_for_user(request.user, pk)
    queries.with_counts([room], request.user)
    cameras = queries.cameras_for(request.user).filter(room=room).order_by("channel_code")
    phone = masking.reveal(
        room.responsible_phone, kind="phone", viewer=request.user, obj=room, field="responsible_phone"
    )
    return render(
        request,
        "surveillance/room_detail.html",
        {
            "room": room,
            "cameras": cameras,
            "responsible_phone": phone,
            "can_manage": services.may_manage(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def room_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a monitoring room; administrators and clerks only."""
    if not services.may_manage(request.user):
        raise PermissionDenied
    room = queries.get_room_for_user(request.user, pk) if pk is not None else None
    initial = (
        {
            "village": room.village_id,
            "name": room.name,
            "address": room.address,
            "responsible_name": room.responsible_name,
            "responsible_phone": room.responsible_phone,
        }
        if room
        else {}
    )
    form = RoomForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            if room is None:
                room = services.create_room(by=request.user, **form.cleaned_data)
            else:
                room = services.update_room(room, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The monitoring room was saved."))
            return redirect("surveillance:room_detail", room.pk)
    return render(request, "surveillance/room_form.html", {"form": form, "room": room})


# --- cameras ------------------------------------------------------------------------------------


@login_required
def camera_list(request: HttpRequest) -> HttpResponse:
    """The cameras in scope, filtered by village, grid, room, purpose, status; 50 a page."""
    base = queries.cameras_for(request.user).order_by("channel_code")
    filterset = CameraFilter(request.GET, queryset=base, request=request)
    cameras = filterset.qs if filterset.is_valid() else base.none()
    page = Paginator(cameras, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "surveillance/camera_list.html",
        {
            "page": page,
            "filter": filterset,
            "query": _query_without_page(request),
            "can_manage": services.may_manage(request.user),
        },
    )


@login_required
def camera_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One camera: where it is, its purposes, status history, and the cases found through it."""
    camera = queries.get_camera_for_user(request.user, pk)
    user: Any = request.user
    return render(
        request,
        "surveillance/camera_detail.html",
        {
            "camera": camera,
            "history": queries.status_history(camera),
            "cases": queries.linked_cases(camera, user)[:50],
            "status_form": StatusForm(
                initial={
                    "status": Camera.Status.OFFLINE
                    if camera.status == Camera.Status.ONLINE
                    else Camera.Status.ONLINE
                }
            ),
            "finding_form": FindingForm(),
            # None hides the row: only the register's keepers see the address, and masked.
            "stream_url": privacy.stream_url_for(camera, user),
            "can_manage": services.may_manage(user),
            "can_set_status": services.may_set_status(user),
            "can_report": workflow.role_of(user) in workflow.INTAKE_ROLES,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def camera_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a camera; administrators and clerks only."""
    if not services.may_manage(request.user):
        raise PermissionDenied
    camera = queries.get_camera_for_user(request.user, pk) if pk is not None else None
    initial = CameraForm.initial_for(camera) if camera else {"active": True, "room": request.GET.get("room")}
    form = CameraForm(request.POST or None, initial=initial, user=request.user, camera=camera)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if camera is None:
                camera = services.create_camera(by=request.user, **data)
            else:
                camera = services.update_camera(camera, by=request.user, **data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The camera was saved."))
            return redirect("surveillance:camera_detail", camera.pk)
    return render(request, "surveillance/camera_form.html", {"form": form, "camera": camera})


@login_required
@require_POST
def camera_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the camera online or offline (one history row per change)."""
    camera = queries.get_camera_for_user(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
        return redirect("surveillance:camera_detail", camera.pk)
    try:
        change = services.set_camera_status(camera, by=request.user, **form.cleaned_data)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if change is None:
            messages.info(request, _("The camera already had this status."))
        else:
            messages.success(request, _("The camera's status was changed."))
    return redirect("surveillance:camera_detail", camera.pk)


@login_required
@require_http_methods(["GET", "POST"])
def camera_finding(request: HttpRequest, pk: int) -> HttpResponse:
    """Report a case seen on this camera; it opens the new case."""
    camera = queries.get_camera_for_user(request.user, pk)
    if workflow.role_of(request.user) not in workflow.INTAKE_ROLES:
        raise PermissionDenied
    form = FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            finding = services.report_video_finding(camera, by=request.user, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(request, _("The case was taken in and linked to the camera."))
            return redirect("cases:case_detail", finding.case_id)
    return render(request, "surveillance/finding_form.html", {"form": form, "camera": camera})


@login_required
@require_http_methods(["GET", "POST"])
def camera_import(request: HttpRequest) -> HttpResponse:
    """Upload the camera register: every row is checked first, then all are saved or none."""
    if not services.may_manage(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.import_cameras(form.cleaned_data["file"].read(), by=request.user)
        if result.ok:
            messages.success(
                request,
                _("Imported: %(created)d new, %(updated)d updated, %(unchanged)d unchanged.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("surveillance:camera_list")
    return render(request, "surveillance/camera_import.html", {"form": form, "result": result})


@login_required
def camera_import_template(request: HttpRequest) -> HttpResponse:
    """The empty register (.xlsx) with its Chinese headers and one example row."""
    if not services.may_manage(request.user):
        raise PermissionDenied
    response = HttpResponse(
        imports.template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = "attachment; filename*=UTF-8''cameras-template.xlsx"
    return response
