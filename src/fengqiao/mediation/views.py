"""Mediation pages (thin): fetch through the scoped queries, parse with a form, call one service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_POST

from fengqiao.accounts.models import CENTER_ROLES, GRID_ROLES
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Case
from fengqiao.core.exceptions import DomainError
from fengqiao.core.masking import may_see_sensitive
from fengqiao.mediation import documents, forms, queries, services, sla, statistics
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.filters import DisputeFilter
from fengqiao.mediation.models import AgreementTerm, Dispute, MediationSession, Screening

WORK_ROLES = services.WORK_ROLES
READ_ROLES = services.READ_ROLES


def _require(request: HttpRequest, roles: frozenset[str]) -> None:
    user: Any = request.user
    if user.role not in roles and not user.is_superuser:
        raise PermissionDenied


def _refused(request: HttpRequest, error: DomainError, form: Any = None) -> None:
    fields = getattr(error, "fields", {}) or {}
    if form is not None:
        placed = False
        for name, message in fields.items():
            if name in form.fields:
                form.add_error(name, message)
                placed = True
        if not placed:
            form.add_error(None, str(error))
    messages.error(request, str(error))


# --- workbench, list, statistics -----------------------------------------------------------------


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    """The mediator's workbench (调解员工作台)."""
    _require(request, WORK_ROLES)
    return render(request, "mediation/workbench.html", {"bench": queries.workbench(request.user)})


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    """Disputes in scope, filtered (the list behind every statistics figure)."""
    _require(request, READ_ROLES)
    scoped = Dispute.objects.visible_to(request.user).select_related("case", "organization", "lead_mediator")
    dispute_filter = DisputeFilter(request.GET, queryset=scoped)
    page = Paginator(dispute_filter.qs.order_by("-registered_at", "-id"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "mediation/dispute_list.html",
        {"filter": dispute_filter, "page": page, "query": query.urlencode()},
    )


@login_required
def statistics_page(request: HttpRequest) -> HttpResponse:
    """The monthly table (月报) with every figure linking to its list."""
    _require(request, READ_ROLES)
    month = statistics.parse_month(request.GET.get("month"))
    table = statistics.monthly_table(Dispute.objects.visible_to(request.user), month)
    return render(request, "mediation/statistics.html", {"table": table, "month": month})


@login_required
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    _require(request, READ_ROLES)
    month = statistics.parse_month(request.GET.get("month"))
    table = statistics.monthly_table(Dispute.objects.visible_to(request.user), month)
    response = HttpResponse(
        statistics.monthly_xlsx(table),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="mediation-{month:%Y-%m}.xlsx"'
    return response


# --- registration and detail ---------------------------------------------------------------------


@login_required
def dispute_register(request: HttpRequest) -> HttpResponse:
    """Register a dispute (受理登记), optionally one already taken in as a case (`?case=`)."""
    _require(request, WORK_ROLES)
    case: Case | None = None
    case_id = request.GET.get("case") or request.POST.get("case")
    if case_id:
        case = get_object_or_404(queries.waiting_registration(request.user), pk=case_id)
    initial: dict[str, Any] = {}
    if case is not None:
        initial = {"title": case.title, "facts": case.description, "source": "screening"}
        item = getattr(case, "screening_item", None)
        if item is not None:
            initial.update(
                dispute_type=item.dispute_type, people_count=item.people_count, risk_grade=item.risk_grade
            )
    form = forms.RegisterForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            dispute = services.register_dispute(
                by=request.user,
                organization=data["organization"],
                dispute_type=data["dispute_type"],
                title=data["title"],
                facts=data["facts"],
                source=data["source"],
                referral=data["referral"],
                amount=data["amount"],
                people_count=data["people_count"],
                risk_grade=data["risk_grade"],
                risk_criminal=data["risk_criminal"],
                risk_group_petition=data["risk_group_petition"],
                lead_mediator=data["lead_mediator"],
                mediators=data["mediators"],
                invited_units=data["invited_units"],
                room=data["room"],
                rights_notice_given=data["rights_notice_given"],
                parties=form.parties(),
                case=case,
            )
        except (DomainError, CaseError) as error:
            _refused(request, error, form)
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": dispute.dossier_number})
            return redirect("mediation:dispute_detail", pk=dispute.pk)
    return render(request, "mediation/dispute_register.html", {"form": form, "case": case})


def _detail_context(request: HttpRequest, dispute: Dispute) -> dict[str, Any]:
    agreement = dispute.current_agreement
    return {
        "dispute": dispute,
        "case": dispute.case,
        "parties": queries.parties_for(dispute, request.user),
        "investigations": list(dispute.investigations.select_related("by")),
        "sessions": [
            (session, _session_forms(session))
            for session in dispute.sessions.select_related("room", "recorded_by")
        ],
        "documents": list(dispute.documents.select_related("added_by")),
        "may_see_sensitive": may_see_sensitive(request.user),
        "agreement": agreement,
        "terms": list(agreement.terms.all()) if agreement else [],
        "follow_ups": list(dispute.follow_ups.select_related("by")),
        "checklist": queries.dossier_checklist(dispute),
        "may_work": getattr(request.user, "role", "") in WORK_ROLES or request.user.is_superuser,
        "forms": {
            # Each form's ids are prefixed with its name: many forms share field names on one page.
            name: form_class(auto_id=f"id_{name}_%s", **kwargs)
            for name, (form_class, kwargs) in _detail_forms(request, dispute).items()
        },
        "performance_choices": AgreementTerm.Performance.choices,
    }


def _session_forms(session: MediationSession) -> dict[str, Any]:
    """The forms a planned session offers: record it as held, cancel it, postpone it."""
    if session.status != MediationSession.Status.PLANNED:
        return {}
    prefix = f"id_s{session.pk}_%s"
    return {
        "hold": forms.HoldSessionForm(
            auto_id=prefix.replace("_s", "_hold", 1),
            initial={
                "session": session.pk,
                "participants": session.planned_participants,
                "held_at": timezone.localtime(session.held_at).replace(second=0, microsecond=0),
            },
        ),
        "cancel": forms.CancelSessionForm(
            auto_id=prefix.replace("_s", "_cancel", 1), initial={"session": session.pk}
        ),
        "postpone": forms.PostponeSessionForm(
            auto_id=prefix.replace("_s", "_postpone", 1), initial={"session": session.pk, "duration": 60}
        ),
    }


def _detail_forms(request: HttpRequest, dispute: Dispute) -> dict[str, tuple[type[Any], dict[str, Any]]]:
    return {
        "party": (forms.PartyForm, {"dispute": dispute}),
        "investigation": (forms.InvestigationForm, {}),
        "session": (
            forms.SessionForm,
            {
                "user": request.user,
                "initial": {
                    "held_at": timezone.localtime().replace(second=0, microsecond=0),
                    "room": dispute.room_id,
                },
            },
        ),
        "plan_session": (
            forms.PlanSessionForm,
            {"user": request.user, "initial": {"room": dispute.room_id, "duration": 60}},
        ),
        "generate_document": (forms.GenerateDocumentForm, {}),
        "agreement": (forms.AgreementForm, {"initial": {"facts": dispute.facts}}),
        "sign": (forms.SignForm, {"initial": {"signed_on": timezone.localdate()}}),
        "failure": (forms.FailureForm, {}),
        "follow_up": (forms.FollowUpForm, {}),
        "confirmation": (forms.ConfirmationForm, {"initial": {"applied_on": timezone.localdate()}}),
        "court_decision": (forms.CourtDecisionForm, {}),
        "extend": (forms.ExtendForm, {}),
        "document": (forms.DocumentForm, {}),
    }


@login_required
def dispute_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, READ_ROLES)
    dispute = queries.get_dispute_for_user(request.user, pk)
    return render(request, "mediation/dispute_detail.html", _detail_context(request, dispute))


# One POST view per service; each parses its form and calls the service.
Action = Callable[[Dispute, dict[str, Any], Any, HttpRequest], Any]


def _agreement_of(dispute: Dispute) -> Any:
    agreement = dispute.current_agreement
    if agreement is None:
        raise Http404
    return agreement


def _term(dispute: Dispute, data: dict[str, Any]) -> AgreementTerm:
    return get_object_or_404(AgreementTerm, pk=data["term"], agreement__dispute=dispute)


def _session(dispute: Dispute, data: dict[str, Any]) -> MediationSession:
    return get_object_or_404(MediationSession, pk=data.pop("session"), dispute=dispute)


def _generate(dispute: Dispute, data: dict[str, Any], by: Any) -> Any:
    session = (
        get_object_or_404(MediationSession, pk=data["session"], dispute=dispute)
        if data.get("session")
        else None
    )
    return services.attach_generated_document(dispute, by=by, kind=data["kind"], session=session)


ACTIONS: dict[str, tuple[type[Any], Action, Any]] = {
    "party": (
        forms.PartyForm,
        lambda d, data, by, r: services.add_party(d, by=by, **data),
        _l("Party added."),
    ),
    "investigation": (
        forms.InvestigationForm,
        lambda d, data, by, r: services.record_investigation(d, by=by, **data),
        _l("Investigation recorded."),
    ),
    "session": (
        forms.SessionForm,
        lambda d, data, by, r: services.record_session(d, by=by, **data),
        _l("Session recorded."),
    ),
    "plan_session": (
        forms.PlanSessionForm,
        lambda d, data, by, r: services.plan_session(d, by=by, **r._service_fields),  # type: ignore[attr-defined]
        _l("Session planned."),
    ),
    "hold_session": (
        forms.HoldSessionForm,
        lambda d, data, by, r: services.hold_session(_session(d, data), by=by, **data),
        _l("Session recorded as held."),
    ),
    "cancel_session": (
        forms.CancelSessionForm,
        lambda d, data, by, r: services.cancel_session(_session(d, data), by=by, **data),
        _l("Session cancelled."),
    ),
    "postpone_session": (
        forms.PostponeSessionForm,
        lambda d, data, by, r: services.postpone_session(
            _session(d, data),
            by=by,
            **r._service_fields,  # type: ignore[attr-defined]
        ),
        _l("Session postponed."),
    ),
    "generate_document": (
        forms.GenerateDocumentForm,
        lambda d, data, by, r: _generate(d, data, by),
        _l("Document attached to the dossier."),
    ),
    "agreement": (
        forms.AgreementForm,
        lambda d, data, by, r: services.record_agreement(
            d,
            by=by,
            form=data["form"],
            facts=data["facts"],
            points_in_dispute=data["points_in_dispute"],
            signed_on=data["signed_on"],
            terms=r._agreement_terms,  # type: ignore[attr-defined]
        ),
        _l("Agreement recorded."),
    ),
    "sign": (
        forms.SignForm,
        lambda d, data, by, r: services.sign_agreement(_agreement_of(d), by=by, **data),
        _l("Signatures recorded: the agreement is in effect."),
    ),
    "failure": (
        forms.FailureForm,
        lambda d, data, by, r: services.record_failure(d, by=by, **data),
        _l("Failure recorded."),
    ),
    "performance": (
        forms.PerformanceForm,
        lambda d, data, by, r: services.update_term_performance(
            _term(d, data), by=by, performance=data["performance"], note=data["note"]
        ),
        _l("Performance updated."),
    ),
    "follow_up": (
        forms.FollowUpForm,
        lambda d, data, by, r: services.record_follow_up(d, by=by, **data),
        _l("Follow-up recorded."),
    ),
    "confirmation": (
        forms.ConfirmationForm,
        lambda d, data, by, r: services.apply_judicial_confirmation(_agreement_of(d), by=by, **data),
        _l("Application for judicial confirmation recorded."),
    ),
    "court_decision": (
        forms.CourtDecisionForm,
        lambda d, data, by, r: services.record_court_decision(_agreement_of(d), by=by, **data),
        _l("Court decision recorded."),
    ),
    "extend": (
        forms.ExtendForm,
        lambda d, data, by, r: services.extend_settle_deadline(d, by=by, **data),
        _l("Deadline extended."),
    ),
    "document": (
        forms.DocumentForm,
        lambda d, data, by, r: services.add_document(d, by=by, **r._service_fields),  # type: ignore[attr-defined]
        _l("Document filed."),
    ),
    "archive": (
        forms.ArchiveForm,
        lambda d, data, by, r: services.archive_dossier(d, by=by),
        _l("Dossier archived."),
    ),
}


def dispute_action_view(action: str) -> Callable[[HttpRequest, int], HttpResponse]:
    form_class, call, done = ACTIONS[action]

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _require(request, WORK_ROLES)
        dispute = queries.get_dispute_for_user(request.user, pk)
        kwargs: dict[str, Any] = {}
        if form_class is forms.PartyForm:
            kwargs["dispute"] = dispute
        if form_class in (forms.SessionForm, forms.PlanSessionForm):
            kwargs["user"] = request.user
        form = form_class(request.POST, request.FILES, **kwargs)
        if not form.is_valid():
            messages.error(request, "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items()))
            return redirect(f"{reverse('mediation:dispute_detail', args=[pk])}#{action}")
        data = dict(form.cleaned_data)
        if hasattr(form, "service_fields"):
            request._service_fields = form.service_fields()  # type: ignore[attr-defined]
        if isinstance(form, forms.AgreementForm):
            request._agreement_terms = form.terms()  # type: ignore[attr-defined]
        try:
            call(dispute, data, request.user, request)
        except (DomainError, CaseError) as error:
            _refused(request, error)
        else:
            messages.success(request, str(done))
        return redirect(f"{reverse('mediation:dispute_detail', args=[pk])}#{action}")

    view.__name__ = f"dispute_{action}"
    return view


# --- parties -------------------------------------------------------------------------------------


@login_required
def party_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a party: identifiers are never pre-filled (blank keeps them, masked as placeholder)."""
    _require(request, WORK_ROLES)
    party = queries.get_party_for_user(request.user, pk)
    form = forms.PartyEditForm(request.POST or None, party=party)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_party(party, by=request.user, **form.service_fields())
        except (DomainError, CaseError) as error:
            _refused(request, error, form)
        else:
            messages.success(request, _("Party corrected."))
            return redirect(f"{reverse('mediation:dispute_detail', args=[party.dispute_id])}#party")
    return render(
        request,
        "mediation/party_edit.html",
        {"form": form, "party": party, "dispute": party.dispute, "removable": not party.dispute.outcome},
    )


@login_required
@require_POST
def party_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a party added by mistake (before the outcome is recorded)."""
    _require(request, WORK_ROLES)
    party = queries.get_party_for_user(request.user, pk)
    dispute_pk = party.dispute_id
    try:
        services.remove_party(party, by=request.user, reason=request.POST.get("reason", "")[:200])
    except (DomainError, CaseError) as error:
        _refused(request, error)
        return redirect("mediation:party_edit", pk=pk)
    messages.success(request, _("Party removed."))
    return redirect(f"{reverse('mediation:dispute_detail', args=[dispute_pk])}#party")


# --- documents -----------------------------------------------------------------------------------


@login_required
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """A dossier document's file, in scope; `sensitive` files for holders of `view_sensitive` only."""
    _require(request, READ_ROLES)
    document = queries.get_document_for_user(request.user, pk)
    try:
        handle = services.open_document(document, by=request.user)
    except MediationError:
        raise Http404 from None
    return FileResponse(
        handle,
        content_type=document.content_type,
        as_attachment=True,
        filename=document.original_name or f"document-{document.pk}",
    )


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _document(request: HttpRequest, render_pdf: Callable[[], bytes], name: str, pk: int) -> HttpResponse:
    try:
        return _pdf(render_pdf(), name)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("mediation:dispute_detail", pk=pk)


@login_required
def agreement_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, READ_ROLES)
    dispute = queries.get_dispute_for_user(request.user, pk)
    agreement = _agreement_of(dispute)
    return _document(
        request,
        lambda: documents.agreement_pdf(agreement, viewer=request.user),
        f"agreement-{dispute.pk}.pdf",
        pk,
    )


@login_required
def registration_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, READ_ROLES)
    dispute = queries.get_dispute_for_user(request.user, pk)
    return _document(
        request,
        lambda: documents.registration_pdf(dispute, viewer=request.user),
        f"registration-{dispute.pk}.pdf",
        pk,
    )


@login_required
def dossier_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, READ_ROLES)
    dispute = queries.get_dispute_for_user(request.user, pk)
    return _document(
        request, lambda: documents.dossier_pdf(dispute, viewer=request.user), f"dossier-{dispute.pk}.pdf", pk
    )


@login_required
def minutes_pdf(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    _require(request, READ_ROLES)
    dispute = queries.get_dispute_for_user(request.user, pk)
    session = get_object_or_404(
        MediationSession.objects.select_related("recorded_by"),
        pk=session_pk,
        dispute=dispute,
        status=MediationSession.Status.HELD,
    )
    return _document(
        request, lambda: documents.minutes_pdf(session, viewer=request.user), f"minutes-{session.pk}.pdf", pk
    )


# --- screening -----------------------------------------------------------------------------------


@login_required
def screening(request: HttpRequest) -> HttpResponse:
    """Screening (排查): who has not reported this period, and the user's own grids' reports."""
    _require(request, WORK_ROLES | GRID_ROLES)
    # A GET writes nothing: `checkclocks` opens the period's slots; `missing_reports` lists the
    # grids still without one as not reported.
    user: Any = request.user
    slots = Screening.objects.visible_to(user).select_related("grid", "submitted_by")
    own = slots.filter(submitted_at__isnull=True)
    if user.role in GRID_ROLES:
        own = own.filter(grid__in=user.grids.all())
    elif user.role not in CENTER_ROLES:
        own = own.none()
    return render(
        request,
        "mediation/screening.html",
        {
            "missing": sla.missing_reports(user),
            "own": [(slot, forms.ScreeningForm(prefix=f"s{slot.pk}")) for slot in own.order_by("due_at")],
            "recent": slots.filter(submitted_at__isnull=False)
            .annotate(item_count=Count("items"))
            .order_by("-submitted_at")[:30],
        },
    )


@login_required
@require_POST
def screening_submit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, CENTER_ROLES | GRID_ROLES)
    slot = queries.get_screening_for_user(request.user, pk)
    form = forms.ScreeningForm(request.POST, prefix=f"s{slot.pk}")
    if form.is_valid():
        try:
            services.submit_screening(
                slot,
                by=request.user,
                zero_report=form.cleaned_data["zero_report"],
                items=form.items(),
                note=form.cleaned_data["note"],
            )
        except (DomainError, CaseError) as error:
            _refused(request, error)
        else:
            messages.success(request, _("Screening report submitted."))
    return redirect("mediation:screening")
