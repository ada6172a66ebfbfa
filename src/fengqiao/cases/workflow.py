"""The case lifecycle (办理流程): THE table of transitions, and the one check every service calls.

Each action names the statuses it may start from, the status it leads to, the roles that may ever
take it and the fields it needs. `check(case, action, by=..., **fields)` answers, in this order:

1. a role that may never take the action: `PermissionDenied`;
2. a case (or assignment) in a status the action does not start from: `CaseError`, HTTP 409, with a
   translated message naming the current status;
3. an action the case's own app keeps to its services (`KIND_GUARDS`, e.g. closing a dispute under
   mediation outside `archive_dossier`): `CaseError`, HTTP 409, with the guard's code;
4. a required field missing or blank: `CaseError`, HTTP 400, naming the fields.

and returns a `Step` whose `target` is the status the case moves to. Services set `case.status`
from `Step.target` and from nowhere else.

Roles: the center (window clerk, duty leader, town leaders, administrators) runs the case; leaders
approve suspensions and extensions; department officers work their assignments; grid workers
verify on site; the public (`by=None`, through the portal) rates a closed case.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from fengqiao.accounts.models import GRID_ROLES, Role
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Assignment, Case, Feedback, Status

#: The pseudo-role of an anonymous member of the public (`by=None`).
PUBLIC = "public"
CENTER = frozenset({Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR})
LEADERS = frozenset({Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR})
OFFICERS = frozenset({Role.DEPARTMENT_OFFICER})
GRID = frozenset(GRID_ROLES)
#: Who may take a case in: the center, the grids, and the public through the portal.
INTAKE_ROLES = CENTER | GRID | {PUBLIC}

Target = str | None | Callable[[Case, Mapping[str, Any]], str | None]

#: Roles an app adds for one kind of case, by (kind, action): `mediation` lets mediators take in,
#: accept, resolve, verify and close disputes (``"report"`` stands for `create_case`). Filled once
#: at start-up by the app's `ready()`; empty otherwise.
KIND_ROLES: dict[tuple[str, str], frozenset[str]] = {}


@dataclass(frozen=True)
class KindGuard:
    """An action on cases of one kind that only the owning app's own service may take.

    `applies(case)` says whether the case is the app's (e.g. a dispute case under mediation); the
    generic action on such a case is refused with a 409 of `code` and `message`, unless the owning
    service vouches for it (`vouch`). Checked after the role and the status.
    """

    applies: Callable[[Case], bool]
    code: str
    message: Promise | str


#: Guards an app adds by (kind, action): `mediation` lets a dispute under mediation be verified
#: and closed only by archiving its dossier. Filled once at start-up by the app's `ready()`.
KIND_GUARDS: dict[tuple[str, str], KindGuard] = {}

#: The (case id, action) pairs the owning service is taking right now (see `vouch`).
_vouched: ContextVar[frozenset[tuple[int, str]]] = ContextVar("fengqiao_cases_vouched", default=frozenset())
#: The roles a vouching service lets take those actions too, by (case id, action).
_vouched_roles: ContextVar[dict[tuple[int, str], frozenset[str]]] = ContextVar("fengqiao_cases_vouched_roles")


@contextmanager
def vouch(case: Case | int, *actions: str, roles: Iterable[str] = ()) -> Iterator[None]:
    """Inside the block, `check` lets these actions on this case past its kind's guard: the
    owning app's service (which checked its own rules first) takes them itself. `roles` may take
    them inside the block only (e.g. mediators extend a dispute's clock with the parties'
    consent), not through the generic action (`KIND_ROLES` would widen that)."""
    pk = case.pk if isinstance(case, Case) else case
    keys = {(pk, action) for action in actions}
    token = _vouched.set(_vouched.get() | keys)
    extra = dict(_vouched_roles.get({}))
    for key in keys:
        extra[key] = extra.get(key, frozenset()) | frozenset(roles)
    roles_token = _vouched_roles.set(extra)
    try:
        yield
    finally:
        _vouched_roles.reset(roles_token)
        _vouched.reset(token)


def guard_of(case: Case, action: str) -> KindGuard | None:
    """The guard refusing the generic `action` on `case` now, if any."""
    guard = KIND_GUARDS.get((case.kind, action))
    if guard is None or (case.pk, action) in _vouched.get():
        return None
    return guard if guard.applies(case) else None


def roles_for(kind: str, action: str) -> frozenset[str]:
    """The roles that may take `action` on a case of this kind (the table's, plus any `KIND_ROLES`)."""
    base = INTAKE_ROLES if action == "report" else TRANSITIONS[action].roles
    return base | KIND_ROLES.get((kind, action), frozenset())


@dataclass(frozen=True)
class Transition:
    """One row of the table. `target` None keeps the status; a callable decides from the fields."""

    action: str
    label: Promise
    sources: frozenset[str]
    target: Target
    roles: frozenset[str]
    required: tuple[str, ...] = ()
    #: For assignment actions: the assignment statuses the action starts from.
    assignment_sources: frozenset[str] | None = None
    #: Administrative decisions also get a row in the audit trail.
    audited: bool = False


@dataclass(frozen=True)
class Step:
    """What `check` allows: the transition, and the case's status before and after."""

    transition: Transition
    source: str
    target: str

    @property
    def action(self) -> str:
        return self.transition.action

    @property
    def changes_status(self) -> bool:
        return self.source != self.target


def _dispatch_target(case: Case, fields: Mapping[str, Any]) -> str:
    # Dispatching more items to a case already being worked on does not set it back.
    return Status.IN_PROGRESS if case.status == Status.IN_PROGRESS else Status.DISPATCHED


def _is_lead(fields: Mapping[str, Any]) -> bool:
    assignment = fields.get("assignment")
    return assignment is not None and assignment.role == Assignment.Role.LEAD


def _return_target(case: Case, fields: Mapping[str, Any]) -> str | None:
    # A returned lead sends the case back to the center to be dispatched again.
    return Status.ACCEPTED if _is_lead(fields) else None


def _complete_target(case: Case, fields: Mapping[str, Any]) -> str | None:
    return Status.RESOLVED if _is_lead(fields) else None


def _verify_target(case: Case, fields: Mapping[str, Any]) -> str:
    return Status.VERIFIED if fields.get("passed") else Status.IN_PROGRESS


def _resume_target(case: Case, fields: Mapping[str, Any]) -> str:
    return case.suspended_from or Status.ACCEPTED


def _feedback_target(case: Case, fields: Mapping[str, Any]) -> str | None:
    # "Unsatisfied" reopens a case once; after that the rating is recorded and the case stays closed.
    if fields.get("rating") == Feedback.Rating.UNSATISFIED and case.reopen_count == 0:
        return Status.IN_PROGRESS
    return None


_WORKING = frozenset({Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS})
_ASSIGNED = frozenset({Status.DISPATCHED, Status.IN_PROGRESS})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("accept", gettext_lazy("accept"), frozenset({Status.REPORTED}), Status.ACCEPTED, CENTER),
        Transition(
            "reject",
            gettext_lazy("decline"),
            frozenset({Status.REPORTED}),
            Status.REJECTED,
            CENTER,
            required=("reason",),
            audited=True,
        ),
        Transition(
            "resolve_on_spot",
            gettext_lazy("resolve on the spot"),
            frozenset({Status.REPORTED, Status.ACCEPTED}),
            Status.RESOLVED,
            CENTER,
            required=("result",),
        ),
        Transition(
            "dispatch",
            gettext_lazy("dispatch"),
            _WORKING,
            _dispatch_target,
            CENTER,
            required=("assignments",),
        ),
        Transition(
            "acknowledge",
            gettext_lazy("acknowledge"),
            _ASSIGNED,
            Status.IN_PROGRESS,
            OFFICERS,
            required=("assignment",),
            assignment_sources=frozenset({Assignment.Status.PENDING}),
        ),
        Transition(
            "return",
            gettext_lazy("return"),
            _ASSIGNED,
            _return_target,
            OFFICERS,
            required=("assignment", "reason"),
            assignment_sources=frozenset(Assignment.OPEN_STATUSES),
        ),
        Transition(
            "complete",
            gettext_lazy("complete"),
            # An assisting department may still finish its part after the lead resolved the case.
            _ASSIGNED | {Status.RESOLVED},
            _complete_target,
            OFFICERS,
            required=("assignment", "result"),
            assignment_sources=frozenset({Assignment.Status.ACKNOWLEDGED}),
        ),
        Transition(
            "resolve",
            gettext_lazy("resolve"),
            _WORKING,
            Status.RESOLVED,
            CENTER | OFFICERS,
            required=("result",),
        ),
        Transition(
            "verify",
            gettext_lazy("verify"),
            frozenset({Status.RESOLVED}),
            _verify_target,
            CENTER | GRID,
            required=("passed",),
        ),
        Transition(
            "close",
            gettext_lazy("close"),
            frozenset({Status.VERIFIED, Status.ESCALATED}),
            Status.CLOSED,
            CENTER,
        ),
        Transition(
            "reopen",
            gettext_lazy("reopen"),
            frozenset({Status.CLOSED}),
            Status.IN_PROGRESS,
            CENTER,
            required=("reason",),
            audited=True,
        ),
        Transition(
            "escalate",
            gettext_lazy("escalate"),
            frozenset({Status.REPORTED, Status.SUSPENDED}) | _WORKING,
            Status.ESCALATED,
            CENTER,
            required=("reason",),
            audited=True,
        ),
        Transition(
            "suspend",
            gettext_lazy("suspend"),
            _WORKING,
            Status.SUSPENDED,
            LEADERS,
            required=("reason",),
            audited=True,
        ),
        Transition(
            "resume",
            gettext_lazy("resume"),
            frozenset({Status.SUSPENDED}),
            _resume_target,
            LEADERS,
            audited=True,
        ),
        Transition(
            "extend_deadline",
            gettext_lazy("extend the deadline of"),
            _WORKING,
            None,
            LEADERS,
            required=("days", "reason"),
            audited=True,
        ),
        Transition(
            "mark_duplicate",
            gettext_lazy("mark as duplicate"),
            frozenset({Status.REPORTED, Status.ACCEPTED}),
            Status.DUPLICATE,
            CENTER,
            required=("duplicate_of",),
            audited=True,
        ),
        Transition(
            "merge",
            gettext_lazy("merge"),
            frozenset({Status.REPORTED}) | _WORKING,
            Status.MERGED,
            CENTER,
            required=("into",),
            audited=True,
        ),
        Transition(
            "record_feedback",
            gettext_lazy("record feedback on"),
            frozenset({Status.CLOSED}),
            _feedback_target,
            CENTER | {PUBLIC},
            required=("rating",),
        ),
    )
}


def role_of(user: Any) -> str:
    """The role the table knows the user by; `PUBLIC` for no user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return PUBLIC
    if not getattr(user, "is_active", False):
        return ""
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    return str(getattr(user, "role", ""))


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | dict):
        return not value
    return False


def may(by: Any, action: str) -> bool:
    """Whether the user's role may ever take the action (regardless of any case's status)."""
    return role_of(by) in TRANSITIONS[action].roles


def check(case: Case, action: str, *, by: Any, **fields: Any) -> Step:
    """The step `action` takes on `case` for `by`, or the reason it may not (see the module docstring)."""
    try:
        transition = TRANSITIONS[action]
    except KeyError:
        raise ValueError(f"unknown case action {action!r}") from None
    vouched_roles = _vouched_roles.get({}).get((case.pk, action), frozenset())
    if role_of(by) not in roles_for(case.kind, action) | vouched_roles:
        raise PermissionDenied(_("Your role may not do this: %(action)s.") % {"action": transition.label})
    if case.status not in transition.sources:
        raise CaseError(
            _("The case is “%(status)s”: it cannot %(action)s now.")
            % {"status": case.get_status_display(), "action": _action_phrase(transition)},
            code="wrong_status",
            http_status=409,
            current_status=case.status,
        )
    guard = guard_of(case, action)
    if guard is not None:
        raise CaseError(str(guard.message), code=guard.code, http_status=409, current_status=case.status)
    assignment = fields.get("assignment")
    if transition.assignment_sources is not None and assignment is not None:
        if assignment.case_id != case.pk:
            raise ValueError("the assignment belongs to another case")
        if assignment.status not in transition.assignment_sources:
            raise CaseError(
                _("The assignment is “%(status)s”: it cannot %(action)s now.")
                % {"status": assignment.get_status_display(), "action": _action_phrase(transition)},
                code="wrong_status",
                http_status=409,
                # The status the message names: the assignment's, not the case's.
                current_status=assignment.status,
            )
    missing = [name for name in transition.required if _missing(fields.get(name))]
    if missing:
        raise CaseError(
            _("Required: %(fields)s.") % {"fields": ", ".join(missing)},
            code="required",
            http_status=400,
            current_status=case.status,
            fields={name: str(_("This field is required.")) for name in missing},
        )
    target = transition.target(case, fields) if callable(transition.target) else transition.target
    return Step(transition=transition, source=case.status, target=target or case.status)


def _action_phrase(transition: Transition) -> str:
    return _("be %(action)s") % {"action": _PAST.get(transition.action, transition.label)}


_PAST: dict[str, Promise] = {
    "accept": gettext_lazy("accepted"),
    "reject": gettext_lazy("declined"),
    "resolve_on_spot": gettext_lazy("resolved on the spot"),
    "dispatch": gettext_lazy("dispatched"),
    "acknowledge": gettext_lazy("acknowledged"),
    "return": gettext_lazy("returned"),
    "complete": gettext_lazy("completed"),
    "resolve": gettext_lazy("resolved"),
    "verify": gettext_lazy("verified"),
    "close": gettext_lazy("closed"),
    "reopen": gettext_lazy("reopened"),
    "escalate": gettext_lazy("escalated"),
    "suspend": gettext_lazy("suspended"),
    "resume": gettext_lazy("resumed"),
    "extend_deadline": gettext_lazy("given more time"),
    "mark_duplicate": gettext_lazy("marked as a duplicate"),
    "merge": gettext_lazy("merged"),
    "record_feedback": gettext_lazy("rated"),
}


def allowed_actions(case: Case, by: Any, *, assignments: list[Assignment] | None = None) -> list[str]:
    """The actions `by` may take on `case` now (for the buttons of the case page).

    Assignment actions count only with an assignment of the user's department in the right
    status; required fields are not asked for here.
    """
    role = role_of(by)
    found = []
    for action, transition in TRANSITIONS.items():
        if role not in roles_for(case.kind, action) or case.status not in transition.sources:
            continue
        if transition.assignment_sources is not None:
            department_id = getattr(by, "department_id", None)
            if not any(
                a.department_id == department_id and a.status in transition.assignment_sources
                for a in (assignments if assignments is not None else case.assignments.all())
            ):
                continue
        if guard_of(case, action) is not None:
            continue
        found.append(action)
    return found
