"""Pages of case handling (一站式受理): intake, the dispatcher's queue, dispatch, a department's
inbox, the grid worker's verification list, the case page with its route map and actions, the
supervision board, the case list (filters, bulk actions, export) and the notification inbox.

Views are thin (STYLE.md): fetch through `queries` (404 alike for missing and out of scope), check
input with a form, call ONE service per action, render. A role that may never use a page gets 403;
a service's `CaseError` becomes a message and nothing is written (each service is one transaction).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F
from django.forms import Form
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fengqiao.accounts.models import GRID_ROLES
from fengqiao.cases import queries, services, workflow
from fengqiao.cases.exceptions import AttachmentError, CaseError
from fengqiao.cases.exports import export_cases
from fengqiao.cases.filters import CaseFilter
from fengqiao.cases.forms import (
    AnswerForm,
    BulkForm,
    CaseNumberForm,
    CompleteForm,
    DispatchFormSet,
    ExtendForm,
    FeedbackForm,
    IntakeForm,
    NoteForm,
    ReasonForm,
    RejectForm,
    ResultForm,
    SupervisionForm,
    VerifyForm,
    category_choices,
    dispatch_departments,
)
from fengqiao.cases.models import (
    Assignment,
    Attachment,
    Case,
    Kind,
    Notification,
    SLAState,
    Status,
    Supervision,
)
from fengqiao.core.masking import reveal
from fengqiao.regions.models import Grid
from fengqiao.regions.queries import export_boundaries

#: Who may open the intake form: the center and the grids (the public uses the portal).
INTAKE_PAGE_ROLES = workflow.CENTER | workflow.GRID
#: Who may verify results: the center, and grid workers on site.
VERIFY_PAGE_ROLES = workflow.CENTER | workflow.GRID
PAGE_SIZE = 50


class BoundedPaginator(Paginator):
    """A paginator whose count reads at most `cap` + 1 rows, so a page of the queue or the list
    costs the same at 10 k and at 1 M cases. Past the cap the page says "more than 10,000" and
    the last reachable page is the cap's; filters narrow the list from there."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list  # always a QuerySet here
        return int(rows.order_by().values("pk")[: self.cap + 1].count())

    @property
    def capped(self) -> bool:
        return self.count > self.cap


def _require(request: HttpRequest, roles: frozenset[str] | set[str]) -> None:
    """403 for a role that may never use the page (scope is checked by the queries)."""
    if workflow.role_of(request.user) not in roles:
        raise PermissionDenied


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """Back to `next` when it is a local address, else to `default`."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _form_errors(form: Any) -> str:
    parts = []
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        parts.append(f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return "; ".join(parts)


def _add_case_error(form: Any, error: CaseError) -> None:
    """Put a service's refusal on the fields it names, else on the whole form."""
    if isinstance(error, AttachmentError) and "attachments" in form.fields:
        form.add_error("attachments", str(error))
        return
    placed = False
    for name, message in error.fields.items():
        if name in form.fields:
            form.add_error(name, message or str(error))
            placed = True
    if not placed:
        form.add_error(None, str(error))


# --- Intake (受理登记) ----------------------------------------------------------------------------


@login_required
def case_intake(request: HttpRequest) -> HttpResponse:
    """One keyboard-friendly form: take the matter in, then accept, resolve on the spot or decline."""
    _require(request, INTAKE_PAGE_ROLES)
    may_decide = workflow.role_of(request.user) in workflow.CENTER
    form = IntakeForm(request.POST or None, request.FILES or None, user=request.user, may_decide=may_decide)
    if request.method == "POST" and form.is_valid():
        try:
            case = _take_in(request.user, form.cleaned_data, request.POST.get("idempotency_key", ""))
        except CaseError as error:
            _add_case_error(form, error)
        else:
            messages.success(
                request,
                _("Case %(number)s taken in (tracking code %(code)s): %(status)s.")
                % {"number": case.number, "code": case.tracking_code, "status": case.get_status_display()},
            )
            return redirect("cases:case_detail", pk=case.pk)
    context = {
        "form": form,
        "idempotency_key": uuid.uuid4().hex,
        "can_decide": may_decide,
        "grid_features": export_boundaries(Grid.objects.visible_to(request.user)),
        "map_settings": {
            "tile_url": settings.MAP_TILE_URL or "",
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION or "",
        },
    }
    return render(request, "cases/case_intake.html", context, status=400 if form.errors else 200)


def _take_in(user: Any, data: dict[str, Any], idempotency_key: str) -> Case:
    """Create the case, attach the files and apply the decision in one transaction: all or nothing."""
    with transaction.atomic():
        case = services.create_case(
            by=user,
            kind=data["kind"],
            channel=data["channel"],
            title=data["title"],
            description=data["description"],
            category=data["category"],
            urgency=data["urgency"],
            lon=data["lon"],
            lat=data["lat"],
            address=data["address"],
            grid=data["grid"],
            location_override_reason=data["location_override_reason"],
            reporter_name=data["reporter_name"],
            reporter_phone=data["reporter_phone"],
            anonymous=data["anonymous"],
            idempotency_key=idempotency_key[:64] or None,
        )
        if case.status != Status.REPORTED or case.events.exclude(action="report").exists():
            return case  # a double submit: the first one already took the matter in and decided
        for upload in data["attachments"]:
            services.add_attachment(case, by=user, file=upload, name=upload.name)
        decision = data["decision"]
        if decision == "accept":
            case = services.accept_case(case, by=user)
        elif decision == "resolve":
            case = services.resolve_case_on_spot(case, by=user, result=data["result"])
        elif decision == "reject":
            case = services.reject_case(
                case, by=user, reason=data["reason"], emergency_number=data["emergency_number"]
            )
        return case


@login_required
@require_GET
def category_options(request: HttpRequest) -> HttpResponse:
    """The category <option>s of a kind (htmx: the intake form swaps them in when the kind changes)."""
    kind = request.GET.get("kind", "")
    categories = category_choices(kind) if kind in Kind.values else []
    return render(request, "cases/includes/category_options.html", {"categories": categories})


# --- The dispatcher's queue and dispatch (调度台, 吹哨) ------------------------------------------------


def _queue_labels() -> dict[str, str]:
    return {
        "new": _("New"),
        "to_dispatch": _("To dispatch"),
        "returned": _("Returned"),
        "warning": _("Warning"),
        "overdue": _("Overdue"),
        "to_verify": _("Awaiting verification"),
    }


@login_required
def case_queue(request: HttpRequest) -> HttpResponse:
    _require(request, workflow.CENTER)
    tab = request.GET.get("tab", "new")
    if tab not in queries.QUEUE_BUCKETS:
        tab = "new"
    counts = queries.queue_counts(request.user)
    labels = _queue_labels()
    tabs = [{"name": name, "label": labels[name], "count": counts[name]} for name in queries.QUEUE_BUCKETS]
    page = BoundedPaginator(queries.dispatcher_queue(request.user, tab), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/case_queue.html", {"tabs": tabs, "tab": tab, "page": page})


@login_required
def case_dispatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the case, or separate items of it, to departments: one lead, others assisting."""
    _require(request, workflow.CENTER)
    case = queries.get_case_for_user(request.user, pk)
    departments = dispatch_departments(request.user, case)
    has_lead = case.assignments.filter(
        status__in=Assignment.OPEN_STATUSES, role=Assignment.Role.LEAD
    ).exists()
    formset = DispatchFormSet(request.POST or None, prefix="items", form_kwargs={"departments": departments})
    formset.lead_taken = has_lead  # type: ignore[attr-defined]
    if request.method == "POST" and formset.is_valid():
        items = [
            {
                "department": form.cleaned_data["department"],
                "role": form.cleaned_data["role"],
                "note": form.cleaned_data.get("note", ""),
                "due": form.cleaned_data.get("due"),
            }
            for form in formset.forms
            if form.cleaned_data and form.cleaned_data.get("department")
        ]
        try:
            services.dispatch_case(case, by=request.user, assignments=items)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Case %(number)s dispatched.") % {"number": case.number})
            return redirect("cases:case_detail", pk=case.pk)
    elif request.method == "POST":
        messages.error(request, " ".join(str(e) for e in formset.non_form_errors()) or _("Check the items."))
    context = {
        "case": case,
        "formset": formset,
        "open_assignments": case.assignments.filter(status__in=Assignment.OPEN_STATUSES).select_related(
            "department"
        ),
        "may_dispatch": "dispatch" in workflow.allowed_actions(case, request.user, assignments=[]),
    }
    return render(
        request, "cases/case_dispatch.html", context, status=400 if request.method == "POST" else 200
    )


# --- A department's inbox and the grid worker's verification list -------------------------------


@login_required
def assignment_inbox(request: HttpRequest) -> HttpResponse:
    """The open assignments of the officer's department (签收, 办结, 退回)."""
    _require(request, workflow.OFFICERS)
    page = BoundedPaginator(queries.department_inbox(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "cases/assignment_inbox.html", {"page": page})


@login_required
def verification_list(request: HttpRequest) -> HttpResponse:
    """Resolved cases waiting to be verified (核查); a grid worker sees those of their own grids."""
    _require(request, VERIFY_PAGE_ROLES)
    cases = (
        Case.objects.visible_to(request.user)
        .filter(status=Status.RESOLVED)
        .select_related("grid", "village", "category")
        .order_by(F("resolved_at").asc(nulls_last=True), "id")
    )
    if workflow.role_of(request.user) in GRID_ROLES:
        cases = cases.filter(grid__in=request.user.grids.values("pk"))  # type: ignore[union-attr]
    page = BoundedPaginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/verification_list.html", {"page": page})


# --- The case page: fields, attachments, route map, and the actions allowed now -------------------


#: Each case action: the form it needs and the one service it calls.
CaseCall = Callable[[Case, Any, dict[str, Any]], Any]


def _other_case(case: Case, user: Any, number: str) -> Case:
    other = Case.objects.visible_to(user).filter(town=case.town_id, number=number.strip()).first()
    if other is None:
        message = _("There is no case %(number)s.") % {"number": number[:24]}
        raise CaseError(message, code="invalid", http_status=400, fields={"number": message})
    return other


CASE_ACTIONS: dict[str, tuple[type[Any], CaseCall]] = {
    "accept": (NoteForm, lambda c, by, d: services.accept_case(c, by=by, note=d["note"])),
    "reject": (
        RejectForm,
        lambda c, by, d: services.reject_case(
            c, by=by, reason=d["reason"], emergency_number=d["emergency_number"]
        ),
    ),
    "resolve_on_spot": (
        ResultForm,
        lambda c, by, d: services.resolve_case_on_spot(c, by=by, result=d["result"]),
    ),
    "resolve": (ResultForm, lambda c, by, d: services.resolve_case(c, by=by, result=d["result"])),
    "verify": (
        VerifyForm,
        lambda c, by, d: services.verify_case(c, by=by, passed=d["passed"], note=d["note"]),
    ),
    "close": (NoteForm, lambda c, by, d: services.close_case(c, by=by, note=d["note"])),
    "reopen": (ReasonForm, lambda c, by, d: services.reopen_case(c, by=by, reason=d["reason"])),
    "escalate": (ReasonForm, lambda c, by, d: services.escalate_case(c, by=by, reason=d["reason"])),
    "suspend": (ReasonForm, lambda c, by, d: services.suspend_case(c, by=by, reason=d["reason"])),
    "resume": (NoteForm, lambda c, by, d: services.resume_case(c, by=by, note=d["note"])),
    "extend_deadline": (
        ExtendForm,
        lambda c, by, d: services.extend_deadline(c, by=by, days=d["days"], reason=d["reason"]),
    ),
    "mark_duplicate": (
        CaseNumberForm,
        lambda c, by, d: services.mark_duplicate(
            c, by=by, duplicate_of=_other_case(c, by, d["number"]), note=d["note"]
        ),
    ),
    "merge": (
        CaseNumberForm,
        lambda c, by, d: services.merge_case(c, by=by, into=_other_case(c, by, d["number"]), note=d["note"]),
    ),
    "record_feedback": (
        FeedbackForm,
        lambda c, by, d: services.record_feedback(c, by=by, rating=d["rating"], comment=d["comment"]),
    ),
}
#: Buttons that stand out on the case page.
PRIMARY_ACTIONS = {"accept", "verify", "close", "resolve_on_spot", "resolve"}
DANGER_ACTIONS = {"reject", "escalate", "merge", "mark_duplicate"}


def case_action_view(action: str) -> Callable[[HttpRequest, int], HttpResponse]:
    """The page view of one case action: parse its form, call its service, report, go back."""
    form_class, call = CASE_ACTIONS[action]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        case = queries.get_case_for_user(request.user, pk)
        detail = reverse("cases:case_detail", args=[case.pk])
        if not workflow.may(request.user, action):
            raise PermissionDenied
        form = form_class(request.POST)
        if not form.is_valid():
            messages.error(request, _form_errors(form))
            return _back(request, detail)
        try:
            call(case, request.user, form.cleaned_data)
        except CaseError as error:
            messages.error(request, str(error))
        else:
            label = workflow.TRANSITIONS[action].label
            messages.success(
                request, _("Case %(number)s: %(action)s done.") % {"number": case.number, "action": label}
            )
        return _back(request, detail)

    view.__name__ = f"case_{action}"
    view.__doc__ = f"POST: {action} the case (one service call)."
    return view


def _action_panels(case: Case, user: Any, assignments: list[Assignment]) -> list[dict[str, Any]]:
    panels = []
    for action in workflow.allowed_actions(case, user, assignments=assignments):
        if action in ("acknowledge", "return", "complete"):
            continue  # on the department's own assignment, below
        transition = workflow.TRANSITIONS[action]
        if action == "dispatch":
            url, form = reverse("cases:case_dispatch", args=[case.pk]), None
        else:
            url, form = (
                reverse(f"cases:case_{action}", args=[case.pk]),
                CASE_ACTIONS[action][0](auto_id=f"id_{action}_%s"),
            )
        style = (
            "primary" if action in PRIMARY_ACTIONS else "danger" if action in DANGER_ACTIONS else "secondary"
        )
        panels.append({"action": action, "label": transition.label, "url": url, "form": form, "style": style})
    return panels


def _assignment_panels(user: Any, assignments: list[Assignment]) -> list[dict[str, Any]]:
    """The officer's own department's open items, each with the actions its status allows."""
    department_id = getattr(user, "department_id", None)
    if workflow.role_of(user) not in workflow.OFFICERS or department_id is None:
        return []
    panels = []
    for assignment in assignments:
        if assignment.department_id != department_id or not assignment.is_open:
            continue
        actions: list[tuple[str, Form]] = []
        if assignment.status == Assignment.Status.PENDING:
            actions.append(("acknowledge", NoteForm(auto_id=f"id_ack{assignment.pk}_%s")))
        if assignment.status == Assignment.Status.ACKNOWLEDGED:
            actions.append(("complete", CompleteForm(auto_id=f"id_complete{assignment.pk}_%s")))
        actions.append(("return", ReasonForm(auto_id=f"id_return{assignment.pk}_%s")))
        panels.append({"assignment": assignment, "actions": actions})
    return panels


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = queries.get_case_for_user(request.user, pk)
    assignments = list(case.assignments.select_related("department").order_by("created_at", "id"))
    context = {
        "case": case,
        "reporter_name": case.reporter_name_for(request.user),
        # Unmasked reads are audited (core.masking.reveal).
        "reporter_phone": reveal(
            case.reporter_phone, kind="phone", viewer=request.user, obj=case, field="reporter_phone"
        ),
        "assignments": assignments,
        "attachments": list(case.attachments.select_related("uploaded_by", "assignment__department")),
        "route": queries.route_map(case),
        "supervisions": list(case.supervisions.select_related("raised_by", "answered_by")),
        "feedback": list(case.feedback.all()),
        "actions": _action_panels(case, request.user, assignments),
        "assignment_panels": _assignment_panels(request.user, assignments),
        "may_supervise": workflow.role_of(request.user) in workflow.LEADERS and case.is_open,
        "supervision_form": SupervisionForm(),
    }
    return render(request, "cases/case_detail.html", context)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """A case's attachment, for whoever sees the case (media files are not served directly)."""
    attachment = get_object_or_404(
        Attachment.objects.filter(case__in=Case.objects.visible_to(request.user).values("pk")), pk=pk
    )
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type,
        as_attachment=attachment.content_type == "application/pdf",
        filename=attachment.original_name,
    )
    return response


@login_required
@require_POST
def case_supervise(request: HttpRequest, pk: int) -> HttpResponse:
    """A leader raises a supervision order (人工督办) on the case."""
    _require(request, workflow.LEADERS)
    case = queries.get_case_for_user(request.user, pk)
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.raise_supervision(case, by=request.user, note=form.cleaned_data["note"])
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Supervision order raised."))
    return _back(request, reverse("cases:case_detail", args=[case.pk]))


# --- Assignment actions (报到, 退回, 办结) ----------------------------------------------------------


def _assignment_action(
    request: HttpRequest, pk: int, form_class: type[Any], call: Callable[[Assignment, dict[str, Any]], Any]
) -> HttpResponse:
    assignment = queries.get_assignment_for_user(request.user, pk)
    detail = reverse("cases:case_detail", args=[assignment.case_id])
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back(request, detail)
    try:
        call(assignment, form.cleaned_data)
    except CaseError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Case %(number)s: done.") % {"number": assignment.case.number})
    return _back(request, detail)


@login_required
@require_POST
def assignment_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        NoteForm,
        lambda a, d: services.acknowledge_assignment(a, by=request.user, note=d["note"]),
    )


@login_required
@require_POST
def assignment_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _assignment_action(
        request,
        pk,
        ReasonForm,
        lambda a, d: services.return_assignment(a, by=request.user, reason=d["reason"]),
    )


@login_required
@require_POST
def assignment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    def complete(assignment: Assignment, data: dict[str, Any]) -> None:
        # The evidence and the result in one transaction: a refused file completes nothing.
        with transaction.atomic():
            for upload in data["evidence"]:
                services.add_attachment(
                    assignment.case, by=request.user, file=upload, name=upload.name, assignment=assignment
                )
            services.complete_assignment(assignment, by=request.user, result=data["result"])

    return _assignment_action(request, pk, CompleteForm, complete)


# --- Supervision board (督办) -----------------------------------------------------------------------


@login_required
def supervision_board(request: HttpRequest) -> HttpResponse:
    """The duty leader's board: cases turning yellow or red, and the supervision orders to answer."""
    _require(request, workflow.LEADERS)
    late = (
        Case.objects.visible_to(request.user)
        .clock_running()
        .filter(sla_state__in=[SLAState.WARNING, SLAState.OVERDUE])
        .select_related("grid", "village", "category")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )
    orders = (
        Supervision.objects.visible_to(request.user)
        .select_related("case", "raised_by", "addressee", "answered_by")
        .order_by(F("answered_at").asc(nulls_first=True), "-raised_at", "-id")
    )
    context = {
        "late": BoundedPaginator(late, PAGE_SIZE).get_page(request.GET.get("page")),
        "orders": orders[:100],
        "unanswered": Supervision.objects.visible_to(request.user).unanswered().count(),
        "answer_form": AnswerForm(),
    }
    return render(request, "cases/supervision_board.html", context)


@login_required
@require_POST
def supervision_answer(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = queries.get_supervision_for_user(request.user, pk)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            services.answer_supervision(supervision, by=request.user, answer=form.cleaned_data["answer"])
        except CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Supervision order answered."))
    return _back(request, reverse("cases:supervision_board"))


# --- The case list: filters, bulk actions, export ---------------------------------------------------


def _filtered_cases(request: HttpRequest) -> CaseFilter:
    """The one FilterSet over the user's cases, shared by the list page and its export."""
    # Newest first by id, as the API lists: the primary-key index serves it, where ordering by
    # created_at would sort every case in scope before showing the first page.
    cases = (
        Case.objects.visible_to(request.user)
        .select_related("grid", "village", "category", "town")
        .order_by("-id")
    )
    return CaseFilter(request.GET or None, queryset=cases, request=request)


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    filterset = _filtered_cases(request)
    page = BoundedPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "filter": filterset,
        "page": page,
        "query": query.urlencode(),
        "bulk_actions": BulkForm.ACTIONS if workflow.role_of(request.user) in workflow.CENTER else (),
    }
    return render(request, "cases/case_list.html", context)


BULK_CALLS: dict[str, Callable[[Case, Any], Any]] = {
    "accept": lambda case, by: services.accept_case(case, by=by),
    "close": lambda case, by: services.close_case(case, by=by),
}


@login_required
@require_POST
def case_bulk(request: HttpRequest) -> HttpResponse:
    """Apply one action to the ticked cases, each through its own service call; report each refusal."""
    form = BulkForm(request.POST)
    back = _back(request, reverse("cases:case_list"))
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return back
    action, ids = form.cleaned_data["action"], form.cleaned_data["cases"]
    if not workflow.may(request.user, action):
        raise PermissionDenied
    found = {case.pk: case for case in Case.objects.visible_to(request.user).filter(pk__in=ids)}
    done, failures = 0, []
    for pk in ids:
        case = found.get(pk)
        if case is None:
            failures.append(_("case #%(id)s: not found") % {"id": pk})
            continue
        try:
            BULK_CALLS[action](case, request.user)
        except (CaseError, PermissionDenied) as error:
            failures.append(f"{case.number}: {error}")
        else:
            done += 1
    label = workflow.TRANSITIONS[action].label
    if done:
        messages.success(request, _("%(action)s: %(count)d case(s) done.") % {"action": label, "count": done})
    if failures:
        messages.error(
            request, _("%(action)s refused for: %(list)s") % {"action": label, "list": "; ".join(failures)}
        )
    return back


@login_required
@require_GET
def case_export(request: HttpRequest) -> FileResponse:
    """The filtered list as an xlsx file (same FilterSet, same scope; phones masked)."""
    filterset = _filtered_cases(request)
    return export_cases(filterset.qs, filename="cases.xlsx")


# --- Notifications (站内通知) -----------------------------------------------------------------------


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = BoundedPaginator(queries.inbox(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "cases/notification_list.html", {"page": page, "unread": queries.unread_count(request.user)}
    )


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification.objects.filter(user_id=request.user.pk or 0), pk=pk)
    services.mark_notification_read(notification, by=request.user)
    if request.POST.get("open") and notification.case_id:
        return redirect("cases:case_detail", pk=notification.case_id)
    return _back(request, reverse("cases:notification_list"))


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_notifications_read(by=request.user)
    messages.success(request, _("%(count)d notification(s) marked read.") % {"count": count})
    return redirect("cases:notification_list")


@login_required
@require_GET
def notification_badge(request: HttpRequest) -> HttpResponse:
    """The navbar's unread badge, fetched by htmx after the page loads (so no page pays a query)."""
    return render(
        request, "cases/includes/notification_badge.html", {"unread": queries.unread_count(request.user)}
    )
