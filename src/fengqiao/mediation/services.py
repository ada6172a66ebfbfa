"""Every change of state in mediation (STYLE.md): `verb_noun(obj, *, by, ...)`, one transaction.

The case lifecycle is the case's: registration creates and accepts the case through
`cases.services`, an agreement or a failure resolves it, archiving the dossier verifies and closes
it. Everything else writes a timeline row on the case (`cases.services.common.record_event`, no
change of status) and, for records that matter later, an audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import CENTER_ROLES, GRID_ROLES, Role
from fengqiao.cases import services as case_services
from fengqiao.cases.models import FINAL_STATUSES, Case, Kind, Status
from fengqiao.cases.services.common import record_event
from fengqiao.core.audit import record
from fengqiao.core.validators import (
    normalize_phone,
    normalize_resident_id,
    resident_id_error,
    resident_id_sex,
)
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    DisputeType,
    DocumentKind,
    DossierCounter,
    DossierDocument,
    FollowUp,
    InvestigationNote,
    MediationOrganization,
    MediationSession,
    Outcome,
    Party,
    Referral,
    RiskGrade,
    Route,
    Screening,
    ScreeningItem,
    Source,
)

#: Roles that run disputes (record sessions, agreements ...); others may at most read them.
WORK_ROLES = frozenset({Role.MEDIATOR}) | CENTER_ROLES
#: People's Mediation work rules: a dispute is settled within 30 days of registration unless the
#: parties agree to more time.
SETTLE_DAYS = 30
#: A judicial confirmation must be applied for within 30 days of the agreement taking effect
#: (Civil Procedure Law art. 205).
CONFIRMATION_DAYS = 30

_SOURCE_CHANNEL = {
    Source.APPLICATION: "window",
    Source.INITIATIVE: "patrol",
    Source.SCREENING: "patrol",
    Source.REFERRAL: "referral",
}


def _invalid(field: str, message: str) -> MediationError:
    return MediationError(message, code="invalid", http_status=400, fields={field: message})


def _choice(field: str, value: str, choices: Any, *, blank: bool = False) -> str:
    value = value or ""
    if (blank and not value) or value in choices.values:
        return value
    raise _invalid(field, _("“%(value)s” is not a valid choice.") % {"value": str(value)[:40]})


def _required(field: str, value: Any) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else str(value)
    if not text:
        raise _invalid(field, _("This field is required."))
    return text


def _amount(field: str, value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise _invalid(field, _("Enter an amount in yuan.")) from None
    if amount < 0 or amount >= Decimal("1e12"):
        raise _invalid(field, _("Enter an amount in yuan."))
    return amount.quantize(Decimal("0.01"))


def ensure_may_work(dispute: Dispute, by: Any) -> None:
    """The user's role runs disputes and this dispute is in their scope (defence behind the 404s)."""
    if getattr(by, "role", None) not in WORK_ROLES and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("Your role may not work on disputes."))
    if not Dispute.objects.visible_to(by).filter(pk=dispute.pk).exists():
        raise PermissionDenied(_("This dispute is outside your area."))


def _lock(dispute: Dispute | int) -> Dispute:
    pk = dispute.pk if isinstance(dispute, Dispute) else dispute
    return Dispute.objects.select_for_update(of=("self",)).select_related("case", "organization").get(pk=pk)


def _event(
    dispute: Dispute, action: str, *, by: Any, note: str = "", data: dict[str, Any] | None = None
) -> None:
    record_event(dispute.case, None, by=by, at=timezone.now(), action=action, note=note[:500], data=data)


def _ensure_open(dispute: Dispute) -> None:
    # A reopened case (re-examined after archiving) is worked on again until archived anew.
    if dispute.archived_at is not None and dispute.case.status in FINAL_STATUSES:
        raise MediationError(_("The dossier is archived."), code="wrong_status", http_status=409)


# --- dossier numbers -----------------------------------------------------------------------------


def next_dossier_number(organization: MediationOrganization, year: int) -> tuple[int, str]:
    """The next number of the organisation's year, gap-free: the counter row stays locked until commit."""
    counter = DossierCounter.objects.select_for_update().filter(organization=organization, year=year).first()
    if counter is None:
        try:
            with transaction.atomic():
                counter = DossierCounter.objects.create(organization=organization, year=year)
        except IntegrityError:
            # Another registration created the year's row first (it waited on the unique index).
            counter = DossierCounter.objects.select_for_update().get(organization=organization, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"({year}){organization.abbreviation}字第{counter.last_number}号"


# --- registration and parties --------------------------------------------------------------------


@transaction.atomic
def register_dispute(
    *,
    by: Any,
    organization: MediationOrganization,
    dispute_type: str,
    title: str,
    facts: str = "",
    source: str = Source.APPLICATION,
    referral: str = "",
    amount: Any = None,
    people_count: int = 2,
    risk_grade: str = "",
    risk_criminal: bool = False,
    risk_group_petition: bool = False,
    lead_mediator: Any = None,
    mediators: Iterable[Any] = (),
    invited_units: Iterable[Any] = (),
    room: Any = None,
    grid: Any = None,
    address: str = "",
    rights_notice_given: bool = True,
    parties: Sequence[dict[str, Any]] = (),
    case: Case | None = None,
) -> Dispute:
    """Register a dispute (受理登记): the case is taken in and accepted, the dossier numbered.

    Without `case`, a dispute case is created through `cases.services.create_case`; with one (a
    dispute case still `reported`, e.g. found in a screening) that case is accepted. Starts the
    case's resolution clock and the 30-day settle clock; writes the `accept` timeline row, a
    `register_dispute` row and an audit row; adds the parties given.
    """
    role = getattr(by, "role", None)
    if role not in WORK_ROLES and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("Your role may not register disputes."))
    if not MediationOrganization.objects.visible_to(by).filter(pk=organization.pk).exists():
        raise PermissionDenied(_("This mediation organisation is outside your area."))
    dispute_type = _choice("dispute_type", dispute_type, DisputeType)
    source = _choice("source", source, Source)
    referral = _choice("referral", referral, Referral, blank=True)
    if source == Source.REFERRAL and not referral:
        raise _invalid("referral", _("Say who referred the dispute."))
    if source != Source.REFERRAL:
        referral = ""
    risk_grade = _choice("risk_grade", risk_grade, RiskGrade, blank=True)
    amount_value = _amount("amount", amount)
    if int(people_count or 0) < 1:
        raise _invalid("people_count", _("At least one person is involved."))
    if room is not None and room.town_id != organization.town_id:
        raise _invalid("room", _("The room belongs to another town."))

    if case is None:
        applicant = next((p for p in parties if p.get("role") == Party.Role.APPLICANT), None)
        case = case_services.create_case(
            by=by,
            kind=Kind.DISPUTE,
            channel=_SOURCE_CHANNEL[Source(source)],
            title=title,
            description=facts,
            grid=grid,
            town=organization.town,
            address=address,
            reporter_name=(applicant or {}).get("name", ""),
        )
    else:
        if case.kind != Kind.DISPUTE or Dispute.objects.filter(case=case).exists():
            raise _invalid("case", _("This case is not a dispute waiting for registration."))
        if case.town_id != organization.town_id:
            raise _invalid("case", _("The case belongs to another town."))
    case = case_services.accept_case(case, by=by, note=_("Registered for mediation"))

    now = timezone.now()
    local_today = timezone.localdate(now)
    seq, number = next_dossier_number(organization, local_today.year)
    item = ScreeningItem.objects.filter(case=case).select_related("screening").first()
    dispute = Dispute.objects.create(
        case=case,
        dispute_type=dispute_type,
        amount=amount_value,
        people_count=int(people_count),
        source=source,
        referral=referral,
        risk_grade=risk_grade,
        risk_criminal=bool(risk_criminal),
        risk_group_petition=bool(risk_group_petition),
        organization=organization,
        lead_mediator=lead_mediator if lead_mediator is not None else (by if role == Role.MEDIATOR else None),
        room=room,
        screening=item.screening if item else None,
        dossier_year=local_today.year,
        dossier_seq=seq,
        dossier_number=number,
        registered_at=now,
        rights_notice_given=bool(rights_notice_given),
        facts=facts or "",
        settle_due_on=local_today
        + dt.timedelta(days=getattr(settings, "MEDIATION_SETTLE_DAYS", SETTLE_DAYS)),
    )
    dispute.mediators.set(list(mediators))
    dispute.invited_units.set(list(invited_units))
    for party in parties:
        _create_party(dispute, **party)
    _event(dispute, "register_dispute", by=by, data={"dossier_number": number, "type": dispute_type})
    record("dispute.register", by=by, obj=dispute, changes={"case": case.number, "source": source})
    return dispute


def _party_values(
    *,
    role: str,
    name: str,
    gender: str = "",
    ethnicity: str = "",
    resident_id: str = "",
    phone: str = "",
    occupation: str = "",
    address: str = "",
) -> dict[str, Any]:
    role = _choice("role", role, Party.Role)
    name = _required("name", name)[:60]
    gender = _choice("gender", gender, Party.Gender, blank=True)
    resident_id = normalize_resident_id(resident_id or "")
    if resident_id:
        error = resident_id_error(resident_id)
        if error:
            raise _invalid("resident_id", error)
        gender = gender or resident_id_sex(resident_id)
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise _invalid("phone", str(exc.messages[0])) from None
    return {
        "role": role,
        "name": name,
        "gender": gender,
        "ethnicity": (ethnicity or "").strip()[:20],
        "resident_id": resident_id,
        "phone": phone or "",
        "occupation": (occupation or "").strip()[:60],
        "address": (address or "").strip()[:200],
    }


def _create_party(dispute: Dispute, *, represents: Party | None = None, **fields: Any) -> Party:
    values = _party_values(**fields)
    if values["role"] == Party.Role.AGENT and represents is None:
        raise _invalid("represents", _("Say whose agent this is."))
    if represents is not None and represents.dispute_id != dispute.pk:
        raise _invalid("represents", _("That party belongs to another dispute."))
    return Party.objects.create(dispute=dispute, represents=represents, **values)


@transaction.atomic
def add_party(dispute: Dispute, *, by: Any, represents: Party | None = None, **fields: Any) -> Party:
    """Add a party (当事人) with validated ID number and phone; writes a timeline and an audit row."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    party = _create_party(dispute, represents=represents, **fields)
    _event(dispute, "add_party", by=by, note=party.name, data={"role": party.role})
    record(
        "dispute.add_party", by=by, obj=party, changes={"dispute": dispute.dossier_number, "role": party.role}
    )
    return party


@transaction.atomic
def update_party(party: Party, *, by: Any, **fields: Any) -> Party:
    """Correct a party's particulars (same validation); audited with the changed field names."""
    dispute = _lock(party.dispute_id)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    party = Party.objects.select_for_update().get(pk=party.pk)
    current = {
        name: getattr(party, name)
        for name in ("role", "name", "gender", "ethnicity", "resident_id", "phone", "occupation", "address")
    }
    current.update(fields)
    values = _party_values(**current)
    changed = [name for name, value in values.items() if getattr(party, name) != value]
    for name, value in values.items():
        setattr(party, name, value)
    party.save()
    # The audit row names the fields, never the identifiers themselves.
    record("dispute.update_party", by=by, obj=party, changes={"fields": changed})
    return party


# --- process -------------------------------------------------------------------------------------


@transaction.atomic
def record_investigation(
    dispute: Dispute,
    *,
    by: Any,
    content: str,
    at: dt.datetime | None = None,
    place: str = "",
    persons: str = "",
) -> InvestigationNote:
    """Record an investigation (调查记录); writes a timeline row."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    note = InvestigationNote.objects.create(
        dispute=dispute,
        at=at or timezone.now(),
        place=(place or "")[:120],
        persons=(persons or "")[:200],
        content=_required("content", content),
        by=by,
    )
    _event(dispute, "record_investigation", by=by, note=note.content)
    return note


@transaction.atomic
def record_session(
    dispute: Dispute,
    *,
    by: Any,
    participants: str,
    minutes: str,
    held_at: dt.datetime | None = None,
    place: str = "",
    room: Any = None,
    outcome: str = MediationSession.Outcome.CONTINUE,
) -> MediationSession:
    """Record a mediation session and its minutes (调解笔录); writes a timeline row.

    The session's outcome is what the minutes say; the dispute's outcome is recorded with
    `record_agreement` or `record_failure`.
    """
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    if dispute.case.status not in (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS):
        raise MediationError(
            _("The case is “%(status)s”: no session can be recorded now.")
            % {"status": dispute.case.get_status_display()},
            code="wrong_status",
            http_status=409,
        )
    if room is not None and room.town_id != dispute.organization.town_id:
        raise _invalid("room", _("The room belongs to another town."))
    session = MediationSession.objects.create(
        dispute=dispute,
        held_at=held_at or timezone.now(),
        place=(place or (room.name if room else ""))[:120],
        room=room,
        participants=_required("participants", participants),
        minutes=_required("minutes", minutes),
        outcome=_choice("outcome", outcome, MediationSession.Outcome),
        recorded_by=by,
    )
    _event(dispute, "record_session", by=by, note=session.minutes, data={"outcome": session.outcome})
    return session


def _check_parties(dispute: Dispute) -> None:
    roles = set(dispute.parties.values_list("role", flat=True))
    if Party.Role.APPLICANT not in roles or Party.Role.RESPONDENT not in roles:
        raise MediationError(
            _("An agreement needs at least one applicant and one respondent."),
            code="parties_missing",
            http_status=409,
        )


def _parse_date(field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise _invalid(field, _("Enter a date as YYYY-MM-DD.")) from None


@transaction.atomic
def record_agreement(
    dispute: Dispute,
    *,
    by: Any,
    terms: Sequence[dict[str, Any]],
    facts: str,
    points_in_dispute: str,
    form: str = Agreement.Form.WRITTEN,
    signed_on: Any = None,
) -> Agreement:
    """Record the agreement reached (达成协议): its terms, and the case resolved through `resolve_case`.

    Refused without at least one applicant and one respondent. An oral agreement takes effect
    when recorded; a written one when signed (`sign_agreement`, or `signed_on` here). Schedules a
    follow-up visit after the last term falls due; writes the `resolve` timeline row and an
    audit row.
    """
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    _check_parties(dispute)
    form = _choice("form", form, Agreement.Form)
    if not terms:
        raise _invalid("terms", _("An agreement needs at least one term."))
    signed = _parse_date("signed_on", signed_on)
    today = timezone.localdate()
    agreement = Agreement.objects.create(
        dispute=dispute,
        form=form,
        facts=_required("facts", facts),
        points_in_dispute=_required("points_in_dispute", points_in_dispute),
        signed_on=signed,
        effective_on=signed if form == Agreement.Form.WRITTEN else today,
        recorded_by=by,
    )
    last_due = today
    for position, term in enumerate(terms, start=1):
        due = _parse_date(f"terms.{position}.due_on", term.get("due_on"))
        AgreementTerm.objects.create(
            agreement=agreement,
            position=position,
            content=_required(f"terms.{position}.content", term.get("content")),
            manner=(term.get("manner") or "")[:200],
            place=(term.get("place") or "")[:120],
            due_on=due,
            amount=_amount(f"terms.{position}.amount", term.get("amount")),
        )
        last_due = max(last_due, due or today)
    case_services.resolve_case(
        dispute.case,
        by=by,
        result=_("Mediation agreement reached: %(number)s") % {"number": dispute.dossier_number},
    )
    dispute.outcome, dispute.outcome_at = Outcome.AGREEMENT, timezone.now()
    dispute.failure_reason, dispute.failure_route = "", ""
    dispute.save(update_fields=["outcome", "outcome_at", "failure_reason", "failure_route", "updated_at"])
    FollowUp.objects.create(dispute=dispute, due_on=last_due + dt.timedelta(days=7))
    record("dispute.record_agreement", by=by, obj=dispute, changes={"form": form, "terms": len(terms)})
    return agreement


@transaction.atomic
def sign_agreement(agreement: Agreement, *, by: Any, signed_on: Any = None) -> Agreement:
    """Record that the parties signed the written agreement: it takes effect that day."""
    dispute = _lock(agreement.dispute_id)
    ensure_may_work(dispute, by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.form != Agreement.Form.WRITTEN or agreement.signed_on is not None:
        raise MediationError(
            _("This agreement is not waiting for signatures."), code="wrong_status", http_status=409
        )
    day = _parse_date("signed_on", signed_on) or timezone.localdate()
    agreement.signed_on = agreement.effective_on = day
    agreement.save(update_fields=["signed_on", "effective_on", "updated_at"])
    _event(dispute, "sign_agreement", by=by, data={"signed_on": day.isoformat()})
    return agreement


@transaction.atomic
def record_failure(dispute: Dispute, *, by: Any, reason: str, route: str) -> Dispute:
    """Record that mediation failed (调解不成) and the route offered; the case is resolved with it."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    reason = _required("reason", reason)
    route = _choice("route", route, Route)
    case_services.resolve_case(
        dispute.case,
        by=by,
        result=_("Mediation failed (%(route)s offered): %(reason)s")
        % {"route": Route(route).label, "reason": reason},
    )
    dispute.outcome, dispute.outcome_at = Outcome.FAILURE, timezone.now()
    dispute.failure_reason, dispute.failure_route = reason, route
    dispute.save(update_fields=["outcome", "outcome_at", "failure_reason", "failure_route", "updated_at"])
    record("dispute.record_failure", by=by, obj=dispute, changes={"route": route})
    return dispute


@transaction.atomic
def update_term_performance(
    term: AgreementTerm, *, by: Any, performance: str, note: str = ""
) -> AgreementTerm:
    """Record how a term was performed (due / done / partly / not done); writes a timeline row."""
    dispute = _lock(term.agreement.dispute_id)
    ensure_may_work(dispute, by)
    term = AgreementTerm.objects.select_for_update().get(pk=term.pk)
    term.performance = _choice("performance", performance, AgreementTerm.Performance)
    term.performance_note = (note or "")[:300]
    term.save(update_fields=["performance", "performance_note"])
    _event(
        dispute,
        "term_performance",
        by=by,
        note=note,
        data={"term": term.position, "performance": term.performance},
    )
    return term


@transaction.atomic
def record_follow_up(
    dispute: Dispute,
    *,
    by: Any,
    content: str,
    method: str = FollowUp.Method.VISIT,
    follow_up: FollowUp | None = None,
) -> FollowUp:
    """Record a follow-up visit (回访), completing the scheduled one given (or the earliest due)."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    method = _choice("method", method, FollowUp.Method)
    content = _required("content", content)
    if follow_up is None:
        follow_up = dispute.follow_ups.filter(done_at__isnull=True).order_by("due_on", "id").first()
    elif follow_up.dispute_id != dispute.pk:
        raise _invalid("follow_up", _("That follow-up belongs to another dispute."))
    if follow_up is None:
        follow_up = FollowUp(dispute=dispute)
    follow_up.done_at, follow_up.method, follow_up.content, follow_up.by = timezone.now(), method, content, by
    follow_up.save()
    _event(dispute, "record_follow_up", by=by, note=content, data={"method": method})
    return follow_up


@transaction.atomic
def apply_judicial_confirmation(agreement: Agreement, *, by: Any, applied_on: Any, court: str) -> Agreement:
    """Record the joint application for judicial confirmation (司法确认), within 30 days of effect."""
    dispute = _lock(agreement.dispute_id)
    ensure_may_work(dispute, by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.effective_on is None:
        raise MediationError(
            _("The agreement has not taken effect yet."), code="wrong_status", http_status=409
        )
    if agreement.confirmation_applied_on is not None:
        raise MediationError(_("Confirmation was already applied for."), code="wrong_status", http_status=409)
    day = _parse_date("applied_on", applied_on)
    if day is None:
        raise _invalid("applied_on", _("This field is required."))
    if day < agreement.effective_on or day > agreement.confirmation_due_on:
        raise _invalid(
            "applied_on",
            _("Apply between %(start)s and %(end)s: within 30 days of the agreement taking effect.")
            % {"start": agreement.effective_on, "end": agreement.confirmation_due_on},
        )
    agreement.confirmation_applied_on, agreement.confirmation_court = day, _required("court", court)[:80]
    agreement.save(update_fields=["confirmation_applied_on", "confirmation_court", "updated_at"])
    _event(
        dispute,
        "apply_confirmation",
        by=by,
        data={"applied_on": day.isoformat(), "court": agreement.confirmation_court},
    )
    record("dispute.apply_confirmation", by=by, obj=dispute, changes={"applied_on": day.isoformat()})
    return agreement


@transaction.atomic
def record_court_decision(agreement: Agreement, *, by: Any, decision: str, decided_on: Any) -> Agreement:
    """Record the court's ruling on the confirmation (确认有效 / 驳回)."""
    dispute = _lock(agreement.dispute_id)
    ensure_may_work(dispute, by)
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.confirmation_applied_on is None or agreement.court_decision:
        raise MediationError(
            _("No application is waiting for the court's decision."), code="wrong_status", http_status=409
        )
    agreement.court_decision = _choice("decision", decision, Agreement.CourtDecision)
    agreement.decided_on = _parse_date("decided_on", decided_on) or timezone.localdate()
    agreement.save(update_fields=["court_decision", "decided_on", "updated_at"])
    _event(dispute, "court_decision", by=by, data={"decision": agreement.court_decision})
    record("dispute.court_decision", by=by, obj=dispute, changes={"decision": agreement.court_decision})
    return agreement


@transaction.atomic
def extend_settle_deadline(dispute: Dispute, *, by: Any, days: int, consent: str) -> Dispute:
    """Give the mediation more time with the parties' consent (recorded); audited."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise _invalid("days", _("Enter a number of days from 1 to 60.")) from None
    if not 1 <= days <= 60:
        raise _invalid("days", _("Enter a number of days from 1 to 60."))
    consent = _required("consent", consent)
    before = dispute.settle_due_on
    dispute.settle_due_on = before + dt.timedelta(days=days)
    dispute.settle_extended_days += days
    dispute.settle_extension_consent = "\n".join(filter(None, [dispute.settle_extension_consent, consent]))
    dispute.settle_overdue_at = None
    dispute.save(
        update_fields=[
            "settle_due_on",
            "settle_extended_days",
            "settle_extension_consent",
            "settle_overdue_at",
            "updated_at",
        ]
    )
    _event(dispute, "extend_settle_deadline", by=by, note=consent, data={"days": days})
    record(
        "dispute.extend",
        by=by,
        obj=dispute,
        changes={"settle_due_on": [str(before), str(dispute.settle_due_on)]},
    )
    return dispute


@transaction.atomic
def add_document(dispute: Dispute, *, by: Any, kind: str, title: str = "", pages: int = 1) -> DossierDocument:
    """File a document in the dossier (identity copies, evidence, signed papers ...)."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    document = DossierDocument.objects.create(
        dispute=dispute,
        kind=_choice("kind", kind, DocumentKind),
        title=(title or "")[:120],
        pages=max(1, int(pages or 1)),
        added_by=by,
    )
    _event(dispute, "add_document", by=by, note=document.title, data={"kind": document.kind})
    return document


@transaction.atomic
def archive_dossier(dispute: Dispute, *, by: Any) -> Dispute:
    """Archive the dossier (归档): every required document present; the case is verified and closed.

    A written agreement must have been signed first (409 `agreement_unsigned`).
    """
    from fengqiao.mediation.queries import dossier_checklist

    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    if not dispute.outcome:
        raise MediationError(
            _("Record an agreement or a failure first."), code="wrong_status", http_status=409
        )
    agreement = dispute.current_agreement if dispute.outcome == Outcome.AGREEMENT else None
    if agreement is not None and agreement.effective_on is None:
        raise MediationError(
            _(
                "The written agreement has not been signed: record the parties' signatures "
                "(signed on) before archiving the dossier."
            ),
            code="agreement_unsigned",
            http_status=409,
        )
    missing = [item.label for item in dossier_checklist(dispute) if item.required and not item.present]
    if missing:
        raise MediationError(
            _("The dossier is missing: %(missing)s.") % {"missing": ", ".join(str(m) for m in missing)},
            code="dossier_incomplete",
            http_status=409,
        )
    case = dispute.case
    if case.status == Status.RESOLVED:
        case = case_services.verify_case(case, by=by, passed=True, note=_("Dossier archived"))
    case_services.close_case(
        case, by=by, note=_("Dossier %(number)s archived") % {"number": dispute.dossier_number}
    )
    dispute.archived_at, dispute.archived_by = timezone.now(), by
    dispute.save(update_fields=["archived_at", "archived_by", "updated_at"])
    record("dispute.archive", by=by, obj=dispute)
    return dispute


# --- screening -----------------------------------------------------------------------------------


@transaction.atomic
def submit_screening(
    screening: Screening,
    *,
    by: Any,
    zero_report: bool = False,
    items: Sequence[dict[str, Any]] = (),
    note: str = "",
) -> Screening:
    """Submit a grid's screening report (排查报告): a zero report, or the disputes found.

    Each item becomes a dispute case (`create_case`, kind dispute, reported) in the same
    transaction, waiting for a mediator to register it. Clears the slot's yellow or red; audited.
    """
    role = getattr(by, "role", None)
    if role in GRID_ROLES:
        if not by.grids.filter(pk=screening.grid_id).exists():
            raise PermissionDenied(_("Only the grid's own workers report for it."))
    elif role not in CENTER_ROLES and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("Your role may not submit screening reports."))
    screening = Screening.objects.select_for_update().select_related("grid__village").get(pk=screening.pk)
    if not Screening.objects.visible_to(by).filter(pk=screening.pk).exists():
        raise PermissionDenied(_("This grid is outside your area."))
    if screening.submitted_at is not None:
        raise MediationError(_("This period was already reported."), code="wrong_status", http_status=409)
    if zero_report and items:
        raise _invalid("zero_report", _("A zero report lists no disputes."))
    if not zero_report and not items:
        raise _invalid("items", _("List the disputes found, or submit a zero report."))
    for position, item in enumerate(items, start=1):
        dispute_type = _choice(f"items.{position}.dispute_type", item.get("dispute_type", ""), DisputeType)
        case = case_services.create_case(
            by=by,
            kind=Kind.DISPUTE,
            channel="patrol",
            title=_required(f"items.{position}.title", item.get("title")),
            description=item.get("description", ""),
            grid=screening.grid,
        )
        ScreeningItem.objects.create(
            screening=screening,
            case=case,
            dispute_type=dispute_type,
            people_count=max(1, int(item.get("people_count") or 2)),
            risk_grade=_choice(
                f"items.{position}.risk_grade", item.get("risk_grade", ""), RiskGrade, blank=True
            ),
        )
    screening.submitted_at, screening.submitted_by = timezone.now(), by
    screening.zero_report, screening.note = bool(zero_report), (note or "")[:2000]
    screening.sla_state = Screening.State.NORMAL
    screening.save(update_fields=["submitted_at", "submitted_by", "zero_report", "note", "sla_state"])
    record(
        "screening.submit",
        by=by,
        obj=screening,
        changes={"zero_report": bool(zero_report), "items": len(items)},
    )
    return screening


@transaction.atomic
def save_organization(
    *, by: Any, town: Any, name: str, abbreviation: str, department: Any = None, members: Iterable[Any] = ()
) -> MediationOrganization:
    """Create or update a mediation committee and its mediators (administrators and center staff)."""
    if getattr(by, "role", None) not in CENTER_ROLES and not getattr(by, "is_superuser", False):
        raise PermissionDenied(_("Your role may not manage mediation organisations."))
    organization, created = MediationOrganization.objects.update_or_create(
        town=town,
        name=_required("name", name),
        defaults={"abbreviation": _required("abbreviation", abbreviation), "department": department},
    )
    organization.members.set(list(members))
    record("mediation_organization.save", by=by, obj=organization, changes={"created": created})
    return organization
