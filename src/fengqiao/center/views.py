"""Pages for the center's organisation."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.center.queries import get_department_for_user


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.visible_to(request.user).select_related("region")
    return render(request, "center/department_list.html", {"departments": departments})


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_department_for_user(request.user, pk)
    return render(request, "center/department_detail.html", {"department": department})


@login_required
def hall(request: HttpRequest) -> HttpResponse:
    windows = Window.objects.visible_to(request.user).select_related("department")
    rooms = Room.objects.visible_to(request.user)
    return render(request, "center/hall.html", {"windows": windows, "rooms": rooms})


@login_required
def duty_roster(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    shifts = (
        DutyShift.objects.visible_to(request.user)
        .filter(date__year=today.year, date__month=today.month)
        .select_related("leader")
    )
    return render(request, "center/duty_roster.html", {"shifts": shifts, "month": today})
