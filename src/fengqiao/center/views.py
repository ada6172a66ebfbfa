"""Pages for the center's organisation: departments, the hall, the duty roster, village liaisons.

Everyone in scope reads; administrators edit. Views parse, call one service and render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fengqiao.accounts.models import User
from fengqiao.center import services
from fengqiao.center.exceptions import CenterError
from fengqiao.center.filters import DepartmentFilter
from fengqiao.center.forms import DepartmentForm, DutyRosterForm, RoomForm, VillageLiaisonsForm, WindowForm
from fengqiao.center.models import Department, Room, Window
from fengqiao.center.queries import (
    center_today,
    get_department_for_user,
    get_room_for_user,
    get_village_for_user,
    get_window_for_user,
    parse_month,
    roster_weeks,
    shift_month,
    towns_for,
)
from fengqiao.regions.models import Region


def _is_admin(request: HttpRequest) -> bool:
    return bool(getattr(request.user, "is_administrator", False))


def _require_admin(request: HttpRequest) -> None:
    if not _is_admin(request):
        raise PermissionDenied


def _add_error(form: Any, error: CenterError | ValidationError) -> None:
    if isinstance(error, ValidationError):
        form.add_error(None, error)
    else:
        form.add_error(None, str(error))


# --- Departments ---------------------------------------------------------------------------------


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    departments = Department.objects.visible_to(request.user).select_related("region")
    filterset = DepartmentFilter(request.GET or None, queryset=departments)
    page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "center/department_list.html",
        {"filter": filterset, "page": page, "departments": page.object_list, "can_edit": _is_admin(request)},
    )


@login_required
def department_detail(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_department_for_user(request.user, pk)
    context = {
        "department": department,
        "officers": department.officers.filter(is_active=True).order_by("full_name", "username"),
        "windows": department.windows.select_related("town"),
        "can_edit": _is_admin(request),
    }
    return render(request, "center/department_detail.html", context)


@login_required
def department_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = DepartmentForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            department = services.create_department(by=request.user, **form.cleaned_data)
        except (CenterError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Department %(name)s created.") % {"name": department.name})
            return redirect("center:department_detail", pk=department.pk)
    return render(request, "center/department_form.html", {"form": form, "department": None})


@login_required
def department_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    department = get_department_for_user(request.user, pk)
    form = DepartmentForm(request.POST or None, instance=department, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_department(department, by=request.user, **form.cleaned_data)
        except (CenterError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, _("Department saved."))
            return redirect("center:department_detail", pk=department.pk)
    department.refresh_from_db()  # the form wrote its input onto the instance; show the stored name
    return render(request, "center/department_form.html", {"form": form, "department": department})


@login_required
@require_POST
def department_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (`active=0`) or reactivate (`active=1`) a department."""
    _require_admin(request)
    department = get_department_for_user(request.user, pk)
    try:
        if request.POST.get("active") == "1":
            services.reactivate_department(department, by=request.user)
            messages.success(request, _("Department reactivated."))
        else:
            services.deactivate_department(department, by=request.user)
            messages.success(request, _("Department deactivated."))
    except CenterError as error:
        messages.error(request, str(error))
    return redirect("center:department_detail", pk=department.pk)


# --- The hall: windows and function rooms ------------------------------------------------------


@login_required
def hall(request: HttpRequest) -> HttpResponse:
    windows = Window.objects.visible_to(request.user).select_related("town", "department")
    rooms = Room.objects.visible_to(request.user).select_related("town")
    visible_departments = set(
        Department.objects.visible_to(request.user)
        .filter(pk__in=[window.department_id for window in windows])
        .values_list("pk", flat=True)
    )
    context = {
        "windows": windows,
        "rooms": rooms,
        "visible_departments": visible_departments,
        "several_towns": len({w.town_id for w in windows} | {r.town_id for r in rooms}) > 1,
        "can_edit": _is_admin(request),
    }
    return render(request, "center/hall.html", context)


def _edit_page(
    request: HttpRequest,
    *,
    form: Any,
    save: Any,
    template: str,
    title: str,
    success: str,
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except (CenterError, ValidationError) as error:
            _add_error(form, error)
        else:
            messages.success(request, success)
            return redirect("center:hall")
    return render(request, template, {"form": form, "title": title})


@login_required
def window_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _edit_page(
        request,
        form=WindowForm(request.POST or None, user=request.user),
        save=lambda data: services.create_window(by=request.user, **data),
        template="center/hall_form.html",
        title=_("New window"),
        success=_("Window opened."),
    )


@login_required
def window_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    window = get_window_for_user(request.user, pk)
    return _edit_page(
        request,
        form=WindowForm(request.POST or None, instance=Window.objects.get(pk=window.pk), user=request.user),
        save=lambda data: services.update_window(window, by=request.user, **data),
        template="center/hall_form.html",
        title=_("Window %(name)s") % {"name": window},
        success=_("Window saved."),
    )


@login_required
def room_create(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    return _edit_page(
        request,
        form=RoomForm(request.POST or None, user=request.user),
        save=lambda data: services.create_room(by=request.user, **data),
        template="center/hall_form.html",
        title=_("New function room"),
        success=_("Function room added."),
    )


@login_required
def room_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    room = get_room_for_user(request.user, pk)
    return _edit_page(
        request,
        form=RoomForm(request.POST or None, instance=Room.objects.get(pk=room.pk), user=request.user),
        save=lambda data: services.update_room(room, by=request.user, **data),
        template="center/hall_form.html",
        title=_("Function room %(name)s") % {"name": room},
        success=_("Function room saved."),
    )


# --- The duty roster ------------------------------------------------------------------------------


@login_required
def duty_roster(request: HttpRequest) -> HttpResponse:
    """One month of the roster as a calendar; administrators edit the whole month and save once."""
    today = center_today()
    month = parse_month(request.GET.get("month"), default=today)
    if month is None:
        messages.error(request, _("Give the month as YYYY-MM, for example 2026-11."))
        month = today.replace(day=1)
    towns = list(towns_for(request.user).order_by("path"))
    town = next((t for t in towns if str(t.pk) == request.GET.get("town")), towns[0] if towns else None)
    context: dict[str, Any] = {
        "month": month,
        "prev_month": shift_month(month, -1),
        "next_month": shift_month(month, 1),
        "this_month": today.replace(day=1),
        "towns": towns,
        "town": town,
        "can_edit": _is_admin(request) and town is not None,
    }
    if town is None:
        return render(request, "center/duty_roster.html", context)
    form = None
    if context["can_edit"]:
        form = DutyRosterForm(request.POST or None, town=town, month=month)
        if request.method == "POST" and form.is_valid():
            try:
                summary = services.set_duty_roster(town, month, form.assignments(), by=request.user)
            except CenterError as error:
                form.add_error(None, str(error))
            else:
                counts = {key: len(summary.get(key, {})) for key in ("created", "changed", "cleared")}
                messages.success(
                    request,
                    _("Roster saved: %(created)s added, %(changed)s changed, %(cleared)s cleared.") % counts,
                )
                return redirect(f"{reverse('center:duty_roster')}?month={month:%Y-%m}&town={town.pk}")
    elif request.method == "POST":
        raise PermissionDenied
    weeks = roster_weeks(town, month)
    if form is not None:
        weeks = [
            [(day, form[form.field_name(day.date)]) if day else None for day in week]  # type: ignore[misc]
            for week in weeks
        ]
    else:
        weeks = [[(day, None) if day else None for day in week] for week in weeks]  # type: ignore[misc]
    context.update({"weeks": weeks, "form": form})
    return render(request, "center/duty_roster.html", context)


# --- Village liaisons -----------------------------------------------------------------------------


@login_required
def liaison_list(request: HttpRequest) -> HttpResponse:
    people = User.objects.order_by("full_name", "username")
    villages = (
        Region.objects.visible_to(request.user)
        .filter(level=Region.Level.VILLAGE)
        .select_related("parent")
        .prefetch_related(
            Prefetch("liaison_leaders", queryset=people), Prefetch("liaison_cadres", queryset=people)
        )
        .order_by("path")
    )
    return render(request, "center/liaison_list.html", {"villages": villages, "can_edit": _is_admin(request)})


@login_required
def liaison_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    village = get_village_for_user(request.user, pk)
    form = VillageLiaisonsForm(request.POST or None, village=village)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_village_liaisons(
                village,
                leaders=form.cleaned_data["leaders"],
                cadres=form.cleaned_data["cadres"],
                by=request.user,
            )
        except CenterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Liaisons of %(village)s saved.") % {"village": village})
            return redirect("center:liaison_list")
    return render(request, "center/liaison_form.html", {"form": form, "village": village})
