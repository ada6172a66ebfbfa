"""Pages of the grid registry: lists with filters and export, detail with reveal, create and edit,
search, the visit to-do list, key persons with their visits, patrols, and Excel import.

Views are thin (STYLE.md): fetch through `queries` (404 alike for missing and out of scope),
check input with a form, call ONE service, render. Every personal identifier is shown masked;
the reveal button asks for a purpose and calls `services.reveal_field` (audited).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import GRID_ROLES
from fengqiao.cases.exceptions import CaseError
from fengqiao.core.exceptions import DomainError
from fengqiao.core.masking import may_see_sensitive
from fengqiao.core.scoping import get_for_user
from fengqiao.registry import exports, filters, forms, imports, privacy, queries, services
from fengqiao.registry.models import (
    House,
    Household,
    ImportJob,
    KeyPerson,
    Organization,
    Patrol,
    Person,
    Place,
    Visit,
    VisitPhoto,
)

PAGE_SIZE = 50


def _require_reader(request: HttpRequest, kind: str = "") -> None:
    # Key persons have readers of their own: department officers for their categories
    # (read-only), and not the volunteer grid roles (privacy.reads_key_persons).
    allowed = privacy.opens_key_person_pages if kind == "key-persons" else privacy.reads_registry
    if not allowed(request.user):
        raise PermissionDenied


def _require_editor(request: HttpRequest) -> None:
    if not privacy.edits_registry(request.user):
        raise PermissionDenied


def _value(obj: Any, attr: str) -> Any:
    value = obj
    for part in attr.split("."):
        value = getattr(value, part, None) if value is not None else None
        if callable(value):
            value = value()
    return "" if value is None else value


@dataclass(frozen=True)
class Col:
    label: Any
    attr: str
    personal: bool = False  # masked; revealable on the detail page
    link: bool = False
    point: bool = False  # a house's coordinate: rounded for users without `view_sensitive`


@dataclass(frozen=True)
class Kind:
    """One kind of record: how its pages list, show and edit it."""

    slug: str  # URL segment and export name
    name: str  # URL name prefix
    title: Any
    model: type[Model]
    filterset: type[Any]
    form: type[forms._ScopedModelForm]
    save: Callable[..., Any]
    get: Callable[[Any, Any], Any]
    columns: tuple[Col, ...]
    detail: tuple[Col, ...]
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = field(default=())

    @property
    def create_url(self) -> str:
        return reverse(f"registry:{self.name}_create")

    @property
    def export_url(self) -> str:
        return reverse(f"registry:{self.name}_export")

    def queryset(self, user: Any) -> QuerySet[Any]:
        manager: Any = self.model._default_manager
        return manager.visible_to(user).select_related(*self.related).prefetch_related(*self.prefetch)

    def cells(self, obj: Any, cols: tuple[Col, ...], user: Any = None) -> list[dict[str, Any]]:
        return [
            {
                "label": col.label,
                "value": privacy.masked(obj, col.attr)
                if col.personal
                else privacy.point_for(user, getattr(obj, col.attr))
                if col.point
                else _value(obj, col.attr),
                "field": col.attr if col.personal else "",
                "link": col.link,
            }
            for col in cols
        ]


_t = gettext_lazy
#: The model field's name ("house", translated in the catalog), capitalised.
HOUSE_LABEL = capfirst(_t("house"))
KINDS: dict[str, Kind] = {
    kind.slug: kind
    for kind in (
        Kind(
            "persons",
            "person",
            _t("Persons"),
            Person,
            filters.PersonFilter,
            forms.PersonForm,
            services.save_person,
            queries.get_person_for_user,
            columns=(
                Col(_t("Name"), "name", link=True),
                Col(_t("Resident ID number"), "resident_id", personal=True),
                Col(_t("Sex"), "get_sex_display"),
                Col(_t("Phone"), "phone", personal=True),
                Col(_t("Residence type"), "get_residence_type_display"),
                Col(_t("Current address"), "address", personal=True),
                Col(_t("Grid"), "grid.name"),
            ),
            detail=(
                Col(_t("Name"), "name"),
                Col(_t("Resident ID number"), "resident_id", personal=True),
                Col(_t("Sex"), "get_sex_display"),
                Col(_t("Date of birth"), "birth_date", personal=True),
                Col(_t("Ethnicity"), "ethnicity"),
                Col(_t("Phone"), "phone", personal=True),
                Col(_t("Residence type"), "get_residence_type_display"),
                Col(_t("Household"), "household.number"),
                Col(HOUSE_LABEL, "house"),
                Col(_t("Current address"), "address", personal=True),
                Col(_t("Grid"), "grid.name"),
            ),
            related=("grid", "household", "house"),
        ),
        Kind(
            "households",
            "household",
            _t("Households"),
            Household,
            filters.HouseholdFilter,
            forms.HouseholdForm,
            services.save_household,
            queries.get_household_for_user,
            columns=(
                Col(_t("Household number"), "number", link=True),
                Col(_t("Head of household"), "head.name"),
                Col(_t("Address"), "address", personal=True),
                Col(_t("Grid"), "grid.name"),
            ),
            detail=(
                Col(_t("Household number"), "number"),
                Col(_t("Head of household"), "head.name"),
                Col(_t("Address"), "address", personal=True),
                Col(HOUSE_LABEL, "house"),
                Col(_t("Grid"), "grid.name"),
            ),
            related=("grid", "head"),
        ),
        Kind(
            "houses",
            "house",
            _t("Houses"),
            House,
            filters.HouseFilter,
            forms.HouseForm,
            services.save_house,
            queries.get_house_for_user,
            columns=(
                Col(HOUSE_LABEL, "__str__", link=True),
                Col(_t("Building"), "building", personal=True),
                Col(_t("Address"), "address", personal=True),
                Col(_t("Rented out"), "rented_out"),
                Col(_t("Grid"), "grid.name"),
            ),
            detail=(
                Col(_t("Building"), "building", personal=True),
                Col(_t("Address"), "address", personal=True),
                Col(_t("Longitude"), "lon", point=True),
                Col(_t("Latitude"), "lat", point=True),
                Col(_t("Rented out"), "rented_out"),
                Col(_t("Grid"), "grid.name"),
            ),
            related=("grid",),
        ),
        Kind(
            "places",
            "place",
            _t("Places"),
            Place,
            filters.PlaceFilter,
            forms.PlaceForm,
            services.save_place,
            queries.get_place_for_user,
            columns=(
                Col(_t("Name"), "name", link=True),
                Col(_t("Kind"), "get_kind_display"),
                Col(_t("Unified social credit code"), "credit_code"),
                Col(_t("Address"), "address", personal=True),
                Col(_t("Grid"), "grid.name"),
            ),
            detail=(
                Col(_t("Name"), "name"),
                Col(_t("Kind"), "get_kind_display"),
                Col(_t("Unified social credit code"), "credit_code"),
                Col(_t("Address"), "address", personal=True),
                Col(_t("Contact phone"), "contact_phone", personal=True),
                Col(_t("Responsible person"), "responsible.name"),
                Col(_t("Longitude"), "lon"),
                Col(_t("Latitude"), "lat"),
                Col(_t("Grid"), "grid.name"),
            ),
            related=("grid", "responsible"),
        ),
        Kind(
            "organizations",
            "organization",
            _t("Organisations"),
            Organization,
            filters.OrganizationFilter,
            forms.OrganizationForm,
            services.save_organization,
            queries.get_organization_for_user,
            columns=(
                Col(_t("Name"), "name", link=True),
                Col(_t("Kind"), "get_kind_display"),
                Col(_t("Leader"), "leader_name"),
                Col(_t("Phone"), "phone", personal=True),
                Col(_t("Grid"), "grid.name"),
            ),
            detail=(
                Col(_t("Name"), "name"),
                Col(_t("Kind"), "get_kind_display"),
                Col(_t("Unified social credit code"), "credit_code"),
                Col(_t("Leader"), "leader_name"),
                Col(_t("Phone"), "phone", personal=True),
                Col(_t("Place"), "place.name"),
                Col(_t("Grid"), "grid.name"),
            ),
            related=("grid", "place"),
        ),
        Kind(
            "key-persons",
            "keyperson",
            _t("Key persons"),
            KeyPerson,
            filters.KeyPersonFilter,
            forms.KeyPersonForm,
            services.save_key_person,
            queries.get_key_person_for_user,
            columns=(
                Col(_t("Name"), "person.name", link=True),
                Col(_t("Category"), "get_category_display"),
                Col(_t("Risk level"), "get_risk_level_display"),
                Col(_t("Visit"), "get_visit_state_display"),
                Col(_t("Next visit due"), "next_visit_due_at"),
                Col(_t("Grid"), "person.grid.name"),
            ),
            detail=(
                Col(_t("Name"), "person.name"),
                Col(_t("Category"), "get_category_display"),
                Col(_t("Risk level"), "get_risk_level_display"),
                Col(_t("Controller"), "controller"),
                Col(_t("Helper"), "helper"),
                Col(_t("Case owner"), "case_owner"),
                Col(_t("Visit every (days)"), "visit_every_days"),
                Col(_t("Last visit"), "last_visit_at"),
                Col(_t("Next visit due"), "next_visit_due_at"),
                Col(_t("Visit"), "get_visit_state_display"),
                Col(_t("Note"), "note"),
            ),
            related=("person__grid", "controller", "helper", "case_owner"),
        ),
    )
}
EXPORT_NAMES = {"key-persons": "key_persons"}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _id_search_limited(request: HttpRequest, limited: Any) -> HttpResponse:
    """429 for a full-ID match beyond the user's budget (`services.match_resident_id`), on the
    search page, a list filtered by `q` or its export alike: nothing found is shown."""
    response = render(
        request,
        "registry/search.html",
        {"q": "", "persons": [], "places": [], "throttled": True},
        status=429,
    )
    response["Retry-After"] = str(int(limited.wait or 0) + 1)
    return response


@login_required
@require_GET
def record_list(request: HttpRequest, *, kind: str) -> HttpResponse:
    _require_reader(request, kind)
    spec = KINDS[kind]
    queryset = spec.queryset(request.user)
    if kind == "key-persons":
        queryset = queryset.order_by("next_visit_due_at", "id")
    filterset = spec.filterset(request.GET, queryset=queryset, request=request)
    try:
        filtered = filterset.qs
    except services.ResidentIdSearchLimited as limited:
        return _id_search_limited(request, limited)
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"obj": obj, "cells": spec.cells(obj, spec.columns, request.user)} for obj in page]
    return render(
        request,
        "registry/record_list.html",
        {
            "spec": spec,
            "filter": filterset,
            "page": page,
            "rows": rows,
            "headers": [col.label for col in spec.columns],
            "query": _query(request),
            "may_edit": privacy.edits_registry(request.user),
            "may_export": privacy.may_export(request.user, EXPORT_NAMES.get(kind, kind)),
            "detail_url": f"registry:{spec.name}_detail",
        },
    )


@login_required
@require_GET
def record_export(request: HttpRequest, *, kind: str) -> HttpResponse:
    _require_reader(request)
    if not privacy.may_export(request.user, EXPORT_NAMES.get(kind, kind)):
        raise PermissionDenied(_("Exporting this list needs the permission to export personal data."))
    spec = KINDS[kind]
    filterset = spec.filterset(request.GET, queryset=spec.queryset(request.user), request=request)
    filters_used = {key: value for key, value in request.GET.items() if value}
    if privacy.is_resident_id_search(filters_used.get("q", "")):
        # the export's audit row and first line must not spell out the ID its audit row masks
        filters_used["q"] = privacy.MASKERS["resident_id"](filters_used["q"].strip().upper())
    try:
        filtered = filterset.qs
    except services.ResidentIdSearchLimited as limited:
        return _id_search_limited(request, limited)
    return exports.export(EXPORT_NAMES.get(kind, kind), filtered, by=request.user, filters=filters_used)


def _detail_context(
    request: HttpRequest, spec: Kind, obj: Any, revealed: dict[str, str] | None = None
) -> dict[str, Any]:
    cells = spec.cells(obj, spec.detail, request.user)
    for cell in cells:
        if revealed and cell["field"] in revealed:
            cell["value"], cell["revealed"] = revealed[cell["field"]], True
    context: dict[str, Any] = {
        "spec": spec,
        "obj": obj,
        "cells": cells,
        "may_reveal": may_see_sensitive(request.user),
        "may_edit": privacy.edits_registry(request.user),
        "reveal_url": reverse(f"registry:{spec.name}_reveal", args=[obj.pk]),
        "edit_url": reverse(f"registry:{spec.name}_edit", args=[obj.pk]),
    }
    if isinstance(obj, Person):
        context["key_records"] = KeyPerson.objects.visible_to(request.user).filter(person=obj)
    if isinstance(obj, Household):
        context["members"] = Person.objects.visible_to(request.user).filter(household=obj)
        context["wardens"] = list(obj.wardens.all())
        context["visits"] = (
            Visit.objects.visible_to(request.user)
            .filter(household=obj)
            .select_related("by")
            .prefetch_related("photos")[:20]
        )
    if isinstance(obj, KeyPerson):
        context["visits"] = (
            Visit.objects.visible_to(request.user)
            .filter(key_person=obj)
            .select_related("by")
            .prefetch_related("photos")[:20]
        )
        if privacy.reads_registry(request.user):  # department officers read visits, record none
            context["visit_form"] = forms.VisitForm(initial={"idempotency_key": uuid.uuid4().hex})
    return context


@login_required
@require_GET
def record_detail(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    _require_reader(request, kind)
    spec = KINDS[kind]
    obj = spec.get(request.user, pk)
    return render(request, "registry/record_detail.html", _detail_context(request, spec, obj))


@login_required
@require_POST
def record_reveal(request: HttpRequest, pk: int, *, kind: str) -> HttpResponse:
    """Reveal one field for a purpose; the page comes back with that one value in full."""
    _require_reader(request, kind)
    spec = KINDS[kind]
    obj = spec.get(request.user, pk)
    form = forms.RevealForm(request.POST)
    target = obj.person if isinstance(obj, KeyPerson) else obj
    if not form.is_valid():
        messages.error(request, _("Say why you need to see this."))
        return redirect(f"registry:{spec.name}_detail", pk=pk)
    try:
        value = services.reveal_field(
            target, form.cleaned_data["field"], by=request.user, purpose=form.cleaned_data["purpose"]
        )
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(f"registry:{spec.name}_detail", pk=pk)
    if request.headers.get("HX-Request"):
        return render(request, "registry/includes/revealed.html", {"value": value})
    context = _detail_context(request, spec, obj, revealed={form.cleaned_data["field"]: value})
    return render(request, "registry/record_detail.html", context)


@login_required
def record_edit(request: HttpRequest, pk: int | None = None, *, kind: str) -> HttpResponse:
    _require_editor(request)
    spec = KINDS[kind]
    obj = spec.get(request.user, pk) if pk is not None else None
    form = spec.form(request.POST or None, instance=obj, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = spec.save(obj, by=request.user, **form.service_fields())
        except DomainError as error:
            for name, message in getattr(error, "fields", {}).items():
                form.add_error(name if name in form.fields else None, message)
            if not getattr(error, "fields", None):
                form.add_error(None, str(error))
        else:
            messages.success(request, _("Saved."))
            return redirect(f"registry:{spec.name}_detail", pk=saved.pk)
    return render(request, "registry/record_form.html", {"spec": spec, "form": form, "obj": obj})


@login_required
@require_POST
def visit_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    key_person = queries.get_key_person_for_user(request.user, pk)
    form = forms.VisitForm(request.POST)
    if form.is_valid():
        try:
            services.record_visit(
                by=request.user,
                key_person=key_person,
                note=form.cleaned_data["note"],
                lon=form.cleaned_data["lon"],
                lat=form.cleaned_data["lat"],
                idempotency_key=form.cleaned_data["idempotency_key"] or None,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Visit recorded."))
    return redirect("registry:keyperson_detail", pk=pk)


@login_required
@require_GET
def visit_photo(request: HttpRequest, pk: int) -> FileResponse:
    """A visit's photo, for whoever sees the visit (media files are not served directly)."""
    photo = get_for_user(VisitPhoto.objects.all(), request.user, pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"  # personal data: never kept by a proxy or the phone
    return response


@login_required
@require_GET
def todo(request: HttpRequest) -> HttpResponse:
    """The grid worker's visit to-do list: due soon in yellow, missed in red."""
    _require_reader(request)
    due = queries.visits_due(request.user)[:200]
    return render(request, "registry/todo.html", {"due": due})


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """Search by name or full resident ID. The menu's form POSTs, so a typed ID never lands in a
    URL (server logs, browser history, the language switch's `next`)."""
    _require_reader(request)
    text = request.POST.get("q", "") if request.method == "POST" else request.GET.get("q", "")
    try:
        results = services.search(by=request.user, text=text)
    except services.ResidentIdSearchLimited as limited:
        return _id_search_limited(request, limited)
    persons = [{"obj": p, "resident_id": privacy.masked(p, "resident_id")} for p in results["persons"]]
    # A full ID typed in is echoed masked: the page may be printed or shown on a screen.
    shown = privacy.MASKERS["resident_id"](text.strip()) if len(text.strip()) == 18 else text
    return render(
        request, "registry/search.html", {"q": shown, "persons": persons, "places": results["places"]}
    )


@login_required
def patrol_list(request: HttpRequest) -> HttpResponse:
    """Patrols in scope (a worker's own first) and, for patrolling roles, the start form."""
    _require_reader(request)
    patrolling = getattr(request.user, "role", None) in GRID_ROLES
    form = forms.PatrolStartForm(request.POST or None, user=request.user) if patrolling else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                patrol = services.start_patrol(by=request.user, grid=form.cleaned_data["grid"])
            except DomainError as error:
                messages.error(request, str(error))
            else:
                return redirect("registry:patrol_detail", pk=patrol.pk)
    queryset = Patrol.objects.visible_to(request.user).select_related("worker", "grid")
    filterset = filters.PatrolFilter(request.GET, queryset=queryset, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    user: Any = request.user
    active = Patrol.objects.filter(worker=user, status=Patrol.Status.ACTIVE).first() if patrolling else None
    return render(
        request,
        "registry/patrol_list.html",
        {"page": page, "filter": filterset, "form": form, "active": active, "query": _query(request)},
    )


@login_required
@require_GET
def patrol_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    patrol = queries.get_patrol_for_user(request.user, pk)
    mine = patrol.worker_id == request.user.pk and patrol.status == Patrol.Status.ACTIVE
    return render(
        request,
        "registry/patrol_detail.html",
        {
            "patrol": patrol,
            "checkins": patrol.checkins.all(),
            "findings": patrol.findings.select_related("case"),
            "mine": mine,
            "checkin_form": forms.CheckinForm() if mine else None,
            "finding_form": forms.FindingForm(initial={"idempotency_key": uuid.uuid4().hex})
            if mine
            else None,
        },
    )


def _patrol_action(request: HttpRequest, pk: int, act: Callable[[Patrol], Any], ok: str) -> HttpResponse:
    patrol = queries.get_patrol_for_user(request.user, pk)
    try:
        act(patrol)
    except (DomainError, CaseError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, ok)
    return redirect("registry:patrol_detail", pk=pk)


@login_required
@require_POST
def patrol_checkin(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.CheckinForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a position."))
        return redirect("registry:patrol_detail", pk=pk)
    data = form.cleaned_data
    return _patrol_action(
        request,
        pk,
        lambda p: services.checkin_patrol(
            p, by=request.user, lon=data["lon"], lat=data["lat"], note=data["note"]
        ),
        _("Checked in."),
    )


@login_required
@require_POST
def patrol_end(request: HttpRequest, pk: int) -> HttpResponse:
    return _patrol_action(request, pk, lambda p: services.end_patrol(p, by=request.user), _("Patrol ended."))


@login_required
@require_POST
def patrol_finding(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.FindingForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A finding needs a kind and a title."))
        return redirect("registry:patrol_detail", pk=pk)
    data = form.cleaned_data
    return _patrol_action(
        request,
        pk,
        lambda p: services.report_patrol_finding(
            p,
            by=request.user,
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            lon=data["lon"],
            lat=data["lat"],
            idempotency_key=data["idempotency_key"] or None,
        ),
        _("The finding was filed as a case."),
    )


@login_required
def import_start(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = services.start_import(
                by=request.user, kind=form.cleaned_data["kind"], filename=upload.name, content=upload.read()
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("registry:import_detail", pk=job.pk)
    user: Any = request.user
    jobs = ImportJob.objects.filter(by=user).defer("content")[:10]
    return render(
        request, "registry/import_start.html", {"form": form, "jobs": jobs, "kinds": ImportJob.Kind.choices}
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's progress and report; the progress fragment polls itself (htmx) until done."""
    _require_editor(request)
    job = queries.get_import_for_user(request.user, pk)
    template = (
        "registry/includes/import_progress.html"
        if request.headers.get("HX-Request")
        else "registry/import_detail.html"
    )
    return render(request, template, {"job": job})


@login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> FileResponse:
    _require_editor(request)
    if kind not in imports.COLUMNS:
        from django.http import Http404

        raise Http404
    import io

    return FileResponse(
        io.BytesIO(imports.template_bytes(kind, request.user)),
        as_attachment=True,
        filename=f"{kind}-template.xlsx",
        content_type=exports.XLSX,
    )


def kind_urls() -> list[Any]:
    """The five pages of every kind of record."""
    patterns = []
    for slug, spec in KINDS.items():
        kw = {"kind": slug}
        patterns += [
            path(f"{slug}/", record_list, kw, name=f"{spec.name}_list"),
            path(f"{slug}/new/", record_edit, kw, name=f"{spec.name}_create"),
            path(f"{slug}/export.xlsx", record_export, kw, name=f"{spec.name}_export"),
            path(f"{slug}/<int:pk>/", record_detail, kw, name=f"{spec.name}_detail"),
            path(f"{slug}/<int:pk>/edit/", record_edit, kw, name=f"{spec.name}_edit"),
            path(f"{slug}/<int:pk>/reveal/", record_reveal, kw, name=f"{spec.name}_reveal"),
        ]
    return patterns


__all__ = ["KINDS", "kind_urls"]
