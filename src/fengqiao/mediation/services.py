"""Every change of state in mediation (STYLE.md): `verb_noun(obj, *, by, ...)`, one transaction.

The case lifecycle is the case's: registration creates and accepts the case through
`cases.services`, an agreement or a failure resolves it, archiving the dossier verifies and closes
it. Everything else writes a timeline row on the case (`cases.services.common.record_event`, no
change of status) and, for records that matter later, an audit row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import CENTER_ROLES, GRID_ROLES, Role
from fengqiao.cases import services as case_services
from fengqiao.cases import workflow
from fengqiao.cases.models import FINAL_STATUSES, Case, Kind, Status
from fengqiao.cases.services.common import record_event
from fengqiao.core import sequences
from fengqiao.core.audit import record
from fengqiao.core.validators import (
    normalize_phone,
    normalize_resident_id,
    resident_id_error,
    resident_id_sex,
)
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import (
    GENERATED_DOCUMENTS,
    Agreement,
    AgreementTerm,
    Dispute,
    DisputeType,
    DocumentKind,
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
#: Roles that read disputes at all, on the pages and through the API alike (`may_read_disputes`):
#: those who run them, department officers (their organisations' and invited disputes) and
#: auditors. Grid roles do not: they report what they find in screening, and the parties'
#: particulars are beyond their job (audit #11). Scoping (`visible_to`) then says which disputes.
READ_ROLES = WORK_ROLES | {Role.DEPARTMENT_OFFICER, Role.AUDITOR}
#: People's Mediation work rules: a dispute is settled within 30 days of registration unless the
#: parties agree to more time.
SETTLE_DAYS = 30
#: A judicial confirmation must be applied for within 30 days of the agreement taking effect
#: (Civil Procedure Law art. 205).
CONFIRMATION_DAYS = 30

#: The case timeline's action of each outcome recorded (the statistics date outcomes by these rows).
OUTCOME_EVENTS = {Outcome.AGREEMENT: "record_agreement", Outcome.FAILURE: "record_failure"}

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


def may_read_disputes(user: Any) -> bool:
    """Whether the user's role reads disputes (pages and API): THE rule, `READ_ROLES`."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return getattr(user, "role", None) in READ_ROLES or bool(getattr(user, "is_superuser", False))


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
    """A row on the dispute's case timeline. The case is read by more people than the dispute (a
    grid's workers see their grid's cases; `may_read_disputes` keeps them out of mediation), so
    `note` only says what happened ("Session held"): never names, minutes, reasons or the parties'
    consent, which stay in the mediation records (review 2 #2)."""
    record_event(dispute.case, None, by=by, at=timezone.now(), action=action, note=note[:500], data=data)


def _ensure_open(dispute: Dispute) -> None:
    # A reopened case (re-examined after archiving) is worked on again until archived anew.
    if dispute.archived_at is not None and dispute.case.status in FINAL_STATUSES:
        raise MediationError(_("The dossier is archived."), code="wrong_status", http_status=409)


# --- dossier numbers -----------------------------------------------------------------------------


def dossier_scope(organization: MediationOrganization) -> str:
    return f"mediation.dossier:{organization.pk}"


def next_dossier_number(organization: MediationOrganization, year: int) -> tuple[int, str]:
    """The next number of the organisation's year, gap-free (`core.sequences`: the row stays locked
    until commit, so take it after the checks that may refuse the registration)."""
    seq = sequences.next_value(dossier_scope(organization), year)
    return seq, f"({year}){organization.abbreviation}字第{seq}号"


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
    mediators = list(mediators)
    invited_units = list(invited_units)
    if lead_mediator is not None and not may_mediate(lead_mediator, organization):
        raise _invalid("lead_mediator", _("Choose a mediator of this organisation or of its town."))
    if any(not may_mediate(user, organization) for user in mediators):
        raise _invalid("mediators", _("Choose mediators of this organisation or of its town."))
    if any(not _unit_of_town(unit, organization) for unit in invited_units):
        raise _invalid("invited_units", _("Invite departments of the organisation's town."))

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
    dispute.mediators.set([user for user in mediators if user != dispute.lead_mediator])
    dispute.invited_units.set(invited_units)
    _create_parties(dispute, parties)
    _event(dispute, "register_dispute", by=by, data={"dossier_number": number, "type": dispute_type})
    record("dispute.register", by=by, obj=dispute, changes={"case": case.number, "source": source})
    return dispute


def may_mediate(user: Any, organization: MediationOrganization) -> bool:
    """Whether the user may be a dispute's (lead or other) mediator for this organisation: an active
    mediator who is a member of it, or whose area covers its town (joint mediation in the town)."""
    if not getattr(user, "is_active", False) or getattr(user, "role", None) != Role.MEDIATOR:
        return False
    if organization.members.filter(pk=user.pk).exists():
        return True
    from fengqiao.core.scoping import scope_of

    scope = scope_of(user)
    town_path = organization.town.path
    return scope.everything or any(
        town_path.startswith(path) or path.startswith(town_path) for path in scope.region_paths
    )


def _unit_of_town(unit: Any, organization: MediationOrganization) -> bool:
    from fengqiao.center.models import Department

    if not isinstance(unit, Department):
        return False
    path = unit.region.path
    town_path = organization.town.path
    return path.startswith(town_path) or town_path.startswith(path)


def _create_parties(dispute: Dispute, parties: Sequence[dict[str, Any]]) -> None:
    """The registration's parties; an agent names the party they act for by `represents_position`
    (1-based, in this list), so principals are created first."""
    created: dict[int, Party] = {}
    agents = []
    for position, fields in enumerate(parties, start=1):
        fields = dict(fields)
        target = fields.pop("represents_position", None)
        if target is None and "represents" not in fields:
            created[position] = _create_party(dispute, **fields)
        else:
            agents.append((position, target, fields))
    for position, target, fields in agents:
        represents = fields.pop("represents", None) or created.get(int(target or 0))
        if represents is None:
            raise _invalid(
                f"parties.{position}.represents_position",
                _("Name the party this agent acts for by its position in the list."),
            )
        _create_party(dispute, represents=represents, **fields)


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
    if values["role"] != Party.Role.AGENT:
        represents = None
    elif represents is not None and represents.role == Party.Role.AGENT:
        raise _invalid("represents", _("An agent acts for a party, not for another agent."))
    return Party.objects.create(dispute=dispute, represents=represents, **values)


@transaction.atomic
def add_party(dispute: Dispute, *, by: Any, represents: Party | None = None, **fields: Any) -> Party:
    """Add a party (当事人) with validated ID number and phone; writes a timeline and an audit row."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    party = _create_party(dispute, represents=represents, **fields)
    _event(dispute, "add_party", by=by, note=_("Party added"), data={"role": party.role})
    record(
        "dispute.add_party", by=by, obj=party, changes={"dispute": dispute.dossier_number, "role": party.role}
    )
    return party


PARTY_FIELDS = ("role", "name", "gender", "ethnicity", "resident_id", "phone", "occupation", "address")
_UNSET: Any = object()


@transaction.atomic
def update_party(party: Party, *, by: Any, represents: Any = _UNSET, **fields: Any) -> Party:
    """Correct a party's particulars (same validation as adding one); fields not given keep their
    value. Before an outcome any field may change; after it the role may not (the agreement names
    the applicants and respondents), and once the written agreement is signed nothing may (409
    `agreement_signed`) until the case is reopened. Writes an `update_party` timeline row and an
    audit row, both with the changed field names only, never the identifiers themselves.
    """
    dispute = _lock(party.dispute_id)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    party = Party.objects.select_for_update().get(pk=party.pk)
    unknown = set(fields) - set(PARTY_FIELDS)
    if unknown:
        raise TypeError(f"unknown party fields: {sorted(unknown)}")
    current = {name: getattr(party, name) for name in PARTY_FIELDS}
    current.update(fields)
    values = _party_values(**current)
    if dispute.outcome and values["role"] != party.role:
        raise MediationError(
            _("The outcome is recorded: a party's role can no longer change."),
            code="wrong_status",
            http_status=409,
        )
    if represents is _UNSET:
        represents = party.represents
    if values["role"] == Party.Role.AGENT:
        if represents is None:
            raise _invalid("represents", _("Say whose agent this is."))
        if represents.dispute_id != dispute.pk or represents.pk == party.pk:
            raise _invalid("represents", _("That party belongs to another dispute."))
        if represents.role == Party.Role.AGENT:
            raise _invalid("represents", _("An agent acts for a party, not for another agent."))
        if party.agents.exists():
            raise _invalid("role", _("This party has agents of its own: it cannot become an agent."))
    else:
        represents = None
    changed = [name for name, value in values.items() if getattr(party, name) != value]
    if (represents.pk if represents else None) != party.represents_id:
        changed.append("represents")
    if not changed:
        return party
    if _signed_agreement_stands(dispute):
        raise MediationError(
            _(
                "The written agreement is signed: the parties' particulars can no longer change "
                "(a reprint would differ from the signed copy). Reopen the case to correct them."
            ),
            code="agreement_signed",
            http_status=409,
        )
    for name, value in values.items():
        setattr(party, name, value)
    party.represents = represents
    party.save()
    _event(
        dispute, "update_party", by=by, note=_("Party corrected"), data={"party": party.pk, "fields": changed}
    )
    record("dispute.update_party", by=by, obj=party, changes={"fields": changed})
    return party


#: The case statuses in which a recorded outcome stands (a reopened case is back before them).
_SETTLED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def _signed_agreement_stands(dispute: Dispute) -> bool:
    """Whether the parties signed the written agreement that settles the dispute now: its copy
    names them, so their particulars are fixed (review 2 #6). A reopened case (back before
    resolved) may correct them and take a new agreement; an oral or unsigned one fixes nothing."""
    if dispute.outcome != Outcome.AGREEMENT or dispute.case.status not in _SETTLED_STATUSES:
        return False
    latest = dispute.agreements.order_by("-id").first()
    return latest is not None and latest.form == Agreement.Form.WRITTEN and latest.signed_on is not None


@transaction.atomic
def remove_party(party: Party, *, by: Any, reason: str = "") -> None:
    """Remove a party added by mistake, while the dispute has no outcome yet (409 after it); a party
    whose agents are recorded is removed only after them (409 `party_has_agents`). Writes a
    `remove_party` timeline row and an audit row.
    """
    dispute = _lock(party.dispute_id)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    party = Party.objects.select_for_update().get(pk=party.pk)
    if dispute.outcome or dispute.agreements.exists():
        raise MediationError(
            _("A party can only be removed before the agreement or failure is recorded."),
            code="wrong_status",
            http_status=409,
        )
    if party.agents.exists():
        raise MediationError(_("Remove this party's agents first."), code="party_has_agents", http_status=409)
    pk, name, role = party.pk, party.name, party.role
    party.delete()
    _event(
        dispute,
        "remove_party",
        by=by,
        note=_("Party removed"),
        data={"party": pk, "role": role},
    )
    # The party row is gone: the audit row keeps whom and why (the timeline no longer does).
    record(
        "dispute.remove_party",
        by=by,
        obj=dispute,
        changes={"party": pk, "name": name, "role": role, "reason": (reason or "").strip()[:200]},
    )


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
    _event(dispute, "record_investigation", by=by, note=_("Investigation recorded"), data={"note": note.pk})
    return note


#: How long a session books its room when no end is given.
SESSION_MINUTES = 60
_SESSION_CASE_STATUSES = (Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)


def _ensure_sessions_possible(dispute: Dispute) -> None:
    if dispute.case.status not in _SESSION_CASE_STATUSES:
        raise MediationError(
            _("The case is “%(status)s”: no session can be recorded now.")
            % {"status": dispute.case.get_status_display()},
            code="wrong_status",
            http_status=409,
        )


def _session_span(held_at: Any, ends_at: Any) -> tuple[dt.datetime, dt.datetime]:
    if not isinstance(held_at, dt.datetime):
        raise _invalid("held_at", _("Enter the date and time of the session."))
    if ends_at in (None, ""):
        minutes = getattr(settings, "MEDIATION_SESSION_MINUTES", SESSION_MINUTES)
        return held_at, held_at + dt.timedelta(minutes=minutes)
    if not isinstance(ends_at, dt.datetime) or ends_at <= held_at:
        raise _invalid("ends_at", _("The session must end after it starts."))
    if ends_at - held_at > dt.timedelta(hours=12):
        raise _invalid("ends_at", _("A session lasts at most 12 hours."))
    return held_at, ends_at


def _check_room(
    dispute: Dispute, room: Any, start: dt.datetime, end: dt.datetime, *, exclude: Sequence[int] = ()
) -> None:
    """Refuse (409 `room_booked`) a room already booked by a planned or held session that overlaps.

    The room's row is locked first, so two bookings of one room are checked one after the other.
    """
    if room is None:
        return
    if room.town_id != dispute.organization.town_id:
        raise _invalid("room", _("The room belongs to another town."))
    from fengqiao.center.models import Room

    Room.objects.select_for_update().filter(pk=room.pk).exists()
    clash = (
        MediationSession.objects.filter(
            room_id=room.pk,
            status__in=(MediationSession.Status.PLANNED, MediationSession.Status.HELD),
            held_at__lt=end,
            ends_at__gt=start,
        )
        .exclude(pk__in=list(exclude))
        .order_by("held_at")
        .first()
    )
    if clash is not None:
        raise MediationError(
            _("%(room)s is already booked from %(start)s to %(end)s: choose another time or room.")
            % {
                "room": room.name,
                "start": timezone.localtime(clash.held_at).strftime("%Y-%m-%d %H:%M"),
                "end": timezone.localtime(clash.ends_at).strftime("%H:%M"),
            },
            code="room_booked",
            http_status=409,
        )


def _session_conflict(session: MediationSession, expected: str) -> MediationError:
    error = MediationError(
        _("The session is “%(status)s”, not “%(expected)s”.")
        % {"status": session.get_status_display(), "expected": MediationSession.Status(expected).label},
        code="wrong_status",
        http_status=409,
    )
    error.current_status = session.status  # type: ignore[attr-defined]
    return error


@transaction.atomic
def record_session(
    dispute: Dispute,
    *,
    by: Any,
    participants: str,
    minutes: str,
    held_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    place: str = "",
    room: Any = None,
    outcome: str = MediationSession.Outcome.CONTINUE,
) -> MediationSession:
    """Record a session held without planning it first, with its minutes (调解笔录); a timeline row.

    The session's outcome is what the minutes say; the dispute's outcome is recorded with
    `record_agreement` or `record_failure`. Its room must be free for the session's span.
    """
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    _ensure_sessions_possible(dispute)
    participants = _required("participants", participants)
    minutes = _required("minutes", minutes)
    outcome = _choice("outcome", outcome, MediationSession.Outcome)
    start, end = _session_span(held_at or timezone.now(), ends_at)
    _check_room(dispute, room, start, end)
    session = MediationSession.objects.create(
        dispute=dispute,
        status=MediationSession.Status.HELD,
        held_at=start,
        ends_at=end,
        place=(place or (room.name if room else ""))[:120],
        room=room,
        participants=participants,
        minutes=minutes,
        outcome=outcome,
        recorded_by=by,
    )
    _event(
        dispute,
        "record_session",
        by=by,
        note=_("Session held"),
        data={"session": session.pk, "outcome": session.outcome},
    )
    return session


@transaction.atomic
def plan_session(
    dispute: Dispute,
    *,
    by: Any,
    held_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    place: str = "",
    room: Any = None,
    participants: str = "",
) -> MediationSession:
    """Schedule a session ahead (date and time, place or room, who is to attend), without minutes.

    The room must be free for the span (409 `room_booked`); the time must lie ahead. Writes a
    `plan_session` timeline row. `hold_session` records it as held; `cancel_session` and
    `postpone_session` call it off with a reason.
    """
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    _ensure_sessions_possible(dispute)
    start, end = _session_span(held_at, ends_at)
    if start < timezone.now():
        raise _invalid("held_at", _("A session is planned for a time ahead."))
    if room is None and not (place or "").strip():
        raise _invalid("place", _("Give the room or the place of the session."))
    _check_room(dispute, room, start, end)
    session = MediationSession.objects.create(
        dispute=dispute,
        status=MediationSession.Status.PLANNED,
        held_at=start,
        ends_at=end,
        place=(place or (room.name if room else ""))[:120],
        room=room,
        planned_participants=(participants or "").strip(),
        recorded_by=by,
    )
    _event(
        dispute,
        "plan_session",
        by=by,
        note=_("Session planned"),
        data={"session": session.pk, "held_at": start.isoformat(), "room": room.name if room else ""},
    )
    return session


def _lock_session(session: MediationSession, by: Any) -> tuple[Dispute, MediationSession]:
    dispute = _lock(session.dispute_id)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    return dispute, MediationSession.objects.select_for_update(of=("self",)).select_related("room").get(
        pk=session.pk
    )


@transaction.atomic
def hold_session(
    session: MediationSession,
    *,
    by: Any,
    minutes: str,
    participants: str = "",
    outcome: str = MediationSession.Outcome.CONTINUE,
    held_at: dt.datetime | None = None,
) -> MediationSession:
    """Record a planned session as held: who took part (the planned participants unless given), the
    minutes and the outcome. `held_at` moves it to when it really began (not in the future; the
    room is checked again for the new span). Writes a `record_session` timeline row.
    """
    dispute, session = _lock_session(session, by)
    if session.status != MediationSession.Status.PLANNED:
        raise _session_conflict(session, MediationSession.Status.PLANNED)
    _ensure_sessions_possible(dispute)
    participants = _required("participants", participants or session.planned_participants)
    minutes = _required("minutes", minutes)
    outcome = _choice("outcome", outcome, MediationSession.Outcome)
    if held_at is not None and held_at != session.held_at:
        if held_at > timezone.now():
            raise _invalid("held_at", _("A session is recorded as held once it has begun."))
        end = held_at + (session.ends_at - session.held_at)
        _check_room(dispute, session.room, held_at, end, exclude=[session.pk])
        session.held_at, session.ends_at = held_at, end
    session.status = MediationSession.Status.HELD
    session.participants, session.minutes, session.outcome = participants, minutes, outcome
    session.save(update_fields=["status", "held_at", "ends_at", "participants", "minutes", "outcome"])
    _event(
        dispute,
        "record_session",
        by=by,
        note=_("Session held"),
        data={"session": session.pk, "outcome": session.outcome},
    )
    return session


@transaction.atomic
def cancel_session(session: MediationSession, *, by: Any, reason: str) -> MediationSession:
    """Call off a planned session, with the reason; frees its room. Writes a timeline row."""
    dispute, session = _lock_session(session, by)
    if session.status != MediationSession.Status.PLANNED:
        raise _session_conflict(session, MediationSession.Status.PLANNED)
    session.status, session.status_reason = MediationSession.Status.CANCELLED, _required("reason", reason)
    session.save(update_fields=["status", "status_reason"])
    _event(dispute, "cancel_session", by=by, note=_("Session cancelled"), data={"session": session.pk})
    return session


@transaction.atomic
def postpone_session(
    session: MediationSession,
    *,
    by: Any,
    reason: str,
    held_at: dt.datetime | None,
    ends_at: dt.datetime | None = None,
    room: Any = None,
    place: str = "",
) -> MediationSession:
    """Move a planned session to a new time (with the reason): the old one is kept as `postponed`
    and points to the new planned session, which keeps the room unless another is given.
    Returns the new session; writes a `postpone_session` timeline row.
    """
    dispute, session = _lock_session(session, by)
    if session.status != MediationSession.Status.PLANNED:
        raise _session_conflict(session, MediationSession.Status.PLANNED)
    reason = _required("reason", reason)
    start, end = _session_span(held_at, ends_at)
    if start < timezone.now():
        raise _invalid("held_at", _("A session is planned for a time ahead."))
    room = room if room is not None else session.room
    _check_room(dispute, room, start, end, exclude=[session.pk])
    moved = MediationSession.objects.create(
        dispute=dispute,
        status=MediationSession.Status.PLANNED,
        held_at=start,
        ends_at=end,
        place=(place or (room.name if room is not None else session.place))[:120],
        room=room,
        planned_participants=session.planned_participants,
        recorded_by=by,
    )
    session.status, session.status_reason, session.postponed_to = (
        MediationSession.Status.POSTPONED,
        reason,
        moved,
    )
    session.save(update_fields=["status", "status_reason", "postponed_to"])
    _event(
        dispute,
        "postpone_session",
        by=by,
        note=_("Session postponed"),
        data={"session": session.pk, "to": moved.pk, "held_at": start.isoformat()},
    )
    return moved


def _cancel_planned_sessions(dispute: Dispute, *, by: Any) -> None:
    """Sessions still planned when the outcome is recorded will not take place: they are cancelled
    (their rooms freed, off the workbench), each with a `cancel_session` timeline row."""
    reason = _("The outcome of the mediation was recorded.")
    for session in dispute.sessions.select_for_update().filter(status=MediationSession.Status.PLANNED):
        session.status, session.status_reason = MediationSession.Status.CANCELLED, reason
        session.save(update_fields=["status", "status_reason"])
        _event(dispute, "cancel_session", by=by, note=_("Session cancelled"), data={"session": session.pk})


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
    # The resolved case goes back on the dispute: the rows written after it carry its status.
    dispute.case = case_services.resolve_case(
        dispute.case,
        by=by,
        result=_("Mediation agreement reached: %(number)s") % {"number": dispute.dossier_number},
    )
    dispute.outcome, dispute.outcome_at = Outcome.AGREEMENT, timezone.now()
    dispute.failure_reason, dispute.failure_route = "", ""
    dispute.save(update_fields=["outcome", "outcome_at", "failure_reason", "failure_route", "updated_at"])
    # The outcome's own row: `outcome_at` is overwritten when a reopened dispute ends again, the
    # timeline keeps each outcome with its date (the statistics "as at the month's end" read it).
    _event(dispute, OUTCOME_EVENTS[Outcome.AGREEMENT], by=by, data={"agreement": agreement.pk, "form": form})
    FollowUp.objects.create(dispute=dispute, due_on=last_due + dt.timedelta(days=7))
    _cancel_planned_sessions(dispute, by=by)
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
    # The resolved case goes back on the dispute: the rows written after it carry its status.
    dispute.case = case_services.resolve_case(
        dispute.case,
        by=by,
        # The reason stays on the dispute: the case's result is read by its grid's workers too.
        result=_("Mediation failed"),
    )
    dispute.outcome, dispute.outcome_at = Outcome.FAILURE, timezone.now()
    dispute.failure_reason, dispute.failure_route = reason, route
    dispute.save(update_fields=["outcome", "outcome_at", "failure_reason", "failure_route", "updated_at"])
    _event(dispute, OUTCOME_EVENTS[Outcome.FAILURE], by=by, note=_("Mediation failed"), data={"route": route})
    _cancel_planned_sessions(dispute, by=by)
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
        note=_("Performance of a term recorded"),
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
    _event(dispute, "record_follow_up", by=by, note=_("Follow-up visit recorded"), data={"method": method})
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
    _event(
        dispute,
        "extend_settle_deadline",
        by=by,
        note=_("Deadline extended with the parties' consent"),
        data={"days": days},
    )
    _move_case_clock(dispute, by=by)
    record(
        "dispute.extend",
        by=by,
        obj=dispute,
        changes={"settle_due_on": [str(before), str(dispute.settle_due_on)]},
    )
    return dispute


def _move_case_clock(dispute: Dispute, *, by: Any) -> None:
    """Give the case's resolution clock the time the parties agreed to, through the case's own
    extension (`cases.services.extend_deadline`, its timeline row): otherwise the case would turn
    yellow and red, and raise a supervision order, while the mediation is within its agreed time.

    The case counts working days to close of business and the dispute calendar days, so the case
    is extended to the end of the first working day on or after the new settle date. A case whose
    clock does not run (an outcome recorded) or already runs long enough is left as it is.
    """
    from fengqiao.core import calendar

    case = dispute.case
    if case.status not in workflow.TRANSITIONS["extend_deadline"].sources:
        return
    base = timezone.localdate(case.resolve_due_at or timezone.now())
    target = dispute.settle_due_on
    if not calendar.is_workday(target):
        target = calendar.next_workday(target)
    days = sum(
        1 for offset in range(1, (target - base).days + 1) if calendar.is_workday(base + dt.timedelta(offset))
    )
    if days < 1:
        return
    # Those who run the dispute extend its case's clock here only (the generic extension stays
    # the leaders'); `ensure_may_work` has checked them.
    with workflow.vouch(case, "extend_deadline", roles=WORK_ROLES):
        dispute.case = case_services.extend_deadline(
            case, by=by, days=days, reason=_("Deadline extended with the parties' consent")
        )


def _file_bytes(file: Any, name: str) -> tuple[bytes, str, str]:
    """The upload's bytes, checked like a case attachment's (`cases.services.intake`): not empty,
    within `CASE_ATTACHMENT_MAX_BYTES`, a PDF, JPEG or PNG by its first bytes, pictures re-encoded
    so that their metadata (GPS position, camera, time) is dropped."""
    from fengqiao.cases.exceptions import CaseError
    from fengqiao.cases.services.intake import clean_image, sniff_content_type

    limit = settings.CASE_ATTACHMENT_MAX_BYTES
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)
    name = (name or getattr(file, "name", "") or "document").replace("\\", "/").rsplit("/", 1)[-1][:200]
    if not data:
        raise _invalid("file", _("The file is empty."))
    if len(data) > limit:
        raise _invalid("file", _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)})
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise _invalid("file", _("Only PDF documents and photos or scans (JPEG, PNG) can be filed."))
    if content_type.startswith("image/"):
        try:
            data = clean_image(data, content_type)
        except CaseError as error:
            raise _invalid("file", str(error)) from None
    return data, content_type, name


def _store_document(
    dispute: Dispute,
    *,
    by: Any,
    kind: str,
    title: str,
    pages: Any,
    origin: str,
    data: bytes | None = None,
    content_type: str = "",
    name: str = "",
    sensitive: bool = False,
    session: MediationSession | None = None,
) -> DossierDocument:
    try:
        page_count = max(1, int(pages or 1))
    except (TypeError, ValueError):
        raise _invalid("pages", _("Enter a number of pages.")) from None
    document = DossierDocument(
        dispute=dispute,
        kind=_choice("kind", kind, DocumentKind),
        title=(title or "")[:120],
        pages=min(page_count, 9999),
        origin=origin,
        added_by=by,
        session=session,
    )
    if data is not None:
        document.content_type, document.original_name = content_type, name
        document.size, document.sha256 = len(data), hashlib.sha256(data).hexdigest()
        document.sensitive = sensitive
        extension = {"image/jpeg": "jpg", "image/png": "png"}.get(content_type, "pdf")
        document.file.save(f"document.{extension}", ContentFile(data), save=False)
    document.save()
    _event(
        dispute,
        "add_document",
        by=by,
        note=_("Dossier document filed: %(kind)s") % {"kind": document.get_kind_display()},
        data={"kind": document.kind, "document": document.pk, "origin": origin},
    )
    record(
        "dispute.add_document",
        by=by,
        obj=dispute,
        changes={"document": document.pk, "kind": document.kind, "origin": origin},
    )
    return document


@transaction.atomic
def add_document(
    dispute: Dispute,
    *,
    by: Any,
    kind: str,
    title: str = "",
    pages: int = 1,
    file: Any = None,
    name: str = "",
) -> DossierDocument:
    """File a document in the dossier: with `file` an upload (PDF, JPEG or PNG: identity copies,
    evidence, signed papers ...; see `_file_bytes`), without it a paper copy kept in the folder.
    Uploads may show identifiers in full, so only holders of `view_sensitive` download them.
    Writes an `add_document` timeline row and an audit row."""
    dispute = _lock(dispute)
    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    kind = _choice("kind", kind, DocumentKind)
    if file is None:
        return _store_document(
            dispute, by=by, kind=kind, title=title, pages=pages, origin=DossierDocument.Origin.PAPER
        )
    data, content_type, name = _file_bytes(file, name)
    return _store_document(
        dispute,
        by=by,
        kind=kind,
        title=title or name,
        pages=pages,
        origin=DossierDocument.Origin.UPLOAD,
        data=data,
        content_type=content_type,
        name=name,
        sensitive=True,
    )


def attach_generated_document(
    dispute: Dispute, *, by: Any, kind: str, session: MediationSession | None = None
) -> DossierDocument:
    """Print one of the documents the system writes (registration form, minutes of a held session,
    the agreement, the dossier cover and index) and file the PDF in the dossier, in one step.

    It is printed as `by` may read it (identifiers in full for a holder of `view_sensitive`, and
    then marked `sensitive`). Minutes default to the latest held session. The PDF is rendered
    before the dispute is locked (WeasyPrint takes a while); the filing is one transaction, and
    the printout's `mediation.document` audit row is written in it (none if the filing is refused).
    """
    from fengqiao.mediation import documents

    ensure_may_work(dispute, by)
    _ensure_open(dispute)
    kind = _choice("kind", kind, DocumentKind)
    if kind not in GENERATED_DOCUMENTS:
        raise _invalid("kind", _("This document is not generated: upload it."))
    title = DocumentKind(kind).label
    sensitive = False
    with documents.held_audit() as downloads:
        if kind == DocumentKind.MINUTES:
            held = dispute.sessions.filter(status=MediationSession.Status.HELD)
            if session is None:
                session = held.order_by("-held_at", "-id").first()
            elif not held.filter(pk=session.pk).exists():
                raise _invalid("session", _("Choose a held session of this dispute."))
            if session is None:
                raise MediationError(_("No session has been held yet."), code="wrong_status", http_status=409)
            pdf = documents.minutes_pdf(session, viewer=by)
            title = f"{title} {timezone.localtime(session.held_at):%Y-%m-%d %H:%M}"
        elif kind == DocumentKind.AGREEMENT:
            agreement = dispute.current_agreement
            if agreement is None or agreement.form != Agreement.Form.WRITTEN:
                raise MediationError(
                    _("There is no written agreement to print."), code="wrong_status", http_status=409
                )
            pdf = documents.agreement_pdf(agreement, viewer=by)
            sensitive = documents.prints_identifiers(dispute, viewer=by)
        elif kind == DocumentKind.REGISTRATION:
            pdf = documents.registration_pdf(dispute, viewer=by)
            sensitive = documents.prints_identifiers(dispute, viewer=by)
        else:
            pdf = documents.dossier_pdf(dispute, viewer=by)
    with transaction.atomic():
        locked = _lock(dispute)
        ensure_may_work(locked, by)
        _ensure_open(locked)
        document = _store_document(
            locked,
            by=by,
            kind=kind,
            title=str(title),
            pages=_pdf_pages(pdf),
            origin=DossierDocument.Origin.GENERATED,
            data=pdf,
            content_type="application/pdf",
            name=f"{kind}-{dispute.pk}.pdf",
            sensitive=sensitive,
            session=session if kind == DocumentKind.MINUTES else None,
        )
        # The printout's download row, written only with the filing it belongs to: a refused
        # filing leaves no trace of a document never stored (review 2 #7).
        for row in downloads:
            record("mediation.document", **row)
        return document


def _pdf_pages(pdf: bytes) -> int:
    import io

    from pypdf import PdfReader

    try:
        return len(PdfReader(io.BytesIO(pdf)).pages)
    except Exception:
        return 1


def open_document(document: DossierDocument, *, by: Any) -> Any:
    """The document's file for download, opened; one `mediation.dossier_document` audit row each.

    Scoping is the caller's (`queries.get_document_for_user`); a `sensitive` file (uploads, and
    documents printed with identifiers in full) needs `view_sensitive` (PermissionDenied).
    """
    from fengqiao.core.masking import may_see_sensitive

    if not document.file:
        raise MediationError(
            _("This document is a paper copy: there is no file."), code="no_file", http_status=404
        )
    if document.sensitive and not may_see_sensitive(by):
        raise PermissionDenied(_("This document may show identifiers in full: you may not open it."))
    handle = document.file.open("rb")
    record(
        "mediation.dossier_document",
        by=by,
        obj=document.dispute,
        changes={"document": document.pk, "kind": document.kind},
    )
    return handle


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
    # The generic verify and close are refused for a dispute under mediation (the app's KindGuard):
    # this service, having checked the dossier, takes them itself.
    with workflow.vouch(case, "verify", "close"):
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
