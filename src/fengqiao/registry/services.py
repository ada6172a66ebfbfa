"""Every change of state in the grid registry (STYLE.md): one transaction, one audit row each.

Saving a record (`save_person`, `save_household`, ...), revealing one masked field
(`reveal_field`), recording a visit (`record_visit`, idempotent), patrols (`start_patrol`,
`checkin_patrol`, `end_patrol`, `report_patrol_finding`), exports (`record_export`) and imports
(`start_import`, which queues `tasks.run_import` after commit).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import GRID_ROLES
from fengqiao.core import audit, idempotency
from fengqiao.core.masking import may_see_sensitive
from fengqiao.core.validators import normalize_phone
from fengqiao.regions.models import Grid
from fengqiao.registry import privacy, sla
from fengqiao.registry.exceptions import RegistryError
from fengqiao.registry.models import (
    House,
    Household,
    ImportJob,
    KeyPerson,
    Organization,
    Patrol,
    PatrolCheckin,
    PatrolFinding,
    Person,
    Place,
    Visit,
    VisitPhoto,
    VisitState,
)

_M = TypeVar("_M", bound=models.Model)

#: Fields whose values never go into the audit trail (only the fact that they changed).
#: A house's `building` is part of its exact address and the birth date completes a masked ID
#: (privacy.py rule 2): their values stay out too (audit #15).
_PERSONAL = frozenset({"resident_id", "phone", "contact_phone", "address", "building", "birth_date"})
_PHONE_FIELDS = ("phone", "contact_phone")
#: The `core.idempotency` scopes of the registry's keyed requests (each key is the sender's own).
SCOPE_VISIT = "registry.visit"
SCOPE_PATROL_START = "registry.patrol_start"
SCOPE_PATROL_CHECKIN = "registry.patrol_checkin"
SCOPE_PATROL_END = "registry.patrol_end"
SCOPE_PATROL_FINDING = "registry.patrol_finding"
#: A phone's clock may run a little ahead of the server's.
_FUTURE_TOLERANCE = dt.timedelta(minutes=10)


def _invalid(field: str, message: str) -> RegistryError:
    return RegistryError(message, code="invalid", http_status=400, fields={field: message})


def _from_validation(exc: ValidationError) -> RegistryError:
    if hasattr(exc, "error_dict"):
        fields = {name: " ".join(str(m) for m in messages) for name, messages in exc.message_dict.items()}
    else:
        fields = {"non_field_errors": " ".join(exc.messages)}
    return RegistryError(next(iter(fields.values())), code="invalid", http_status=400, fields=fields)


def _require_editor(by: Any) -> None:
    if not privacy.edits_registry(by):
        raise PermissionDenied(_("Your role may not change the registry."))


def _require_grid(by: Any, grid: Grid | None) -> None:
    if grid is None or not Grid.objects.visible_to(by).filter(pk=grid.pk).exists():
        raise PermissionDenied(_("This grid is not in your area."))


def _audit_changes(changes: dict[str, Any]) -> dict[str, Any]:
    return {key: ("changed" if key in _PERSONAL else value) for key, value in changes.items()}


def _save(instance: _M, *, by: Any, fields: dict[str, Any]) -> _M:
    """Apply `fields` to the instance (new or existing), validate, save, audit."""
    _require_editor(by)
    creating = instance.pk is None
    if not creating:
        _require_grid(by, instance.grid)  # type: ignore[attr-defined]
    names = list(fields)
    before = audit.snapshot(instance, names) if not creating else {}
    for name, value in fields.items():
        if name in _PHONE_FIELDS and value:
            try:
                value = normalize_phone(str(value))
            except ValidationError as exc:
                raise _invalid(name, str(exc.messages[0])) from None
        setattr(instance, name, value)
    _require_grid(by, getattr(instance, "grid", None))
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise _from_validation(exc) from None
    instance.save()
    label = instance._meta.model_name
    if creating:
        audit.record(f"registry.{label}.create", by=by, obj=instance)
    else:
        changes = audit.diff(instance, before, names)
        if changes:
            audit.record(f"registry.{label}.update", by=by, obj=instance, changes=_audit_changes(changes))
    return instance


@transaction.atomic
def save_person(person: Person | None, *, by: Any, **fields: Any) -> Person:
    """Register or update a resident (实有人口登记); sex and birth date follow the ID. Audited."""
    return _save(person or Person(), by=by, fields=fields)


@transaction.atomic
def save_household(household: Household | None, *, by: Any, **fields: Any) -> Household:
    """Register or update a household (户); `wardens` sets the safety wardens covering it. Audited."""
    wardens = fields.pop("wardens", None)
    household = _save(household or Household(), by=by, fields=fields)
    if wardens is not None:
        _set_people(household, "wardens", wardens, by=by, verb="registry.household.wardens")
    return household


def _set_people(obj: Any, relation: str, users: Any, *, by: Any, verb: str) -> None:
    """Set a many-to-many of users (a warden's coverage, a watch team) and audit who came and
    went (ids; audit #15): who covers a household decides who reads it."""
    manager = getattr(obj, relation)
    before = set(manager.values_list("pk", flat=True))
    manager.set(users)
    after = set(manager.values_list("pk", flat=True))
    if before != after:
        audit.record(
            verb, by=by, obj=obj, changes={"added": sorted(after - before), "removed": sorted(before - after)}
        )


@transaction.atomic
def save_house(house: House | None, *, by: Any, **fields: Any) -> House:
    """Register or update a house (房屋). Audited."""
    return _save(house or House(), by=by, fields=fields)


@transaction.atomic
def save_place(place: Place | None, *, by: Any, **fields: Any) -> Place:
    """Register or update a place (场所). Audited."""
    if fields.get("credit_code"):
        fields["credit_code"] = str(fields["credit_code"]).strip().upper()
    return _save(place or Place(), by=by, fields=fields)


@transaction.atomic
def save_organization(organization: Organization | None, *, by: Any, **fields: Any) -> Organization:
    """Register or update an organisation (组织). Audited."""
    members = fields.pop("members", None)
    organization = _save(organization or Organization(), by=by, fields=fields)
    if members is not None:
        _set_people(organization, "members", members, by=by, verb="registry.organization.members")
    return organization


@transaction.atomic
def save_key_person(key_person: KeyPerson | None, *, by: Any, **fields: Any) -> KeyPerson:
    """Put a person under care as a key person (重点人员), or change the record. Audited.

    Starts (or, when the rhythm changes, restarts) the visit clock from the last visit.
    """
    _require_editor(by)
    key_person = key_person or KeyPerson()
    creating = key_person.pk is None
    person = fields.get("person") or (key_person.person if not creating else None)
    if person is None or not Person.objects.visible_to(by).filter(pk=person.pk).exists():
        raise PermissionDenied(_("This person is not in your area."))
    category = fields.get("category", key_person.category)
    if category in privacy.SENSITIVE_CATEGORIES and not privacy.sees_all_sensitive_categories(by):
        raise PermissionDenied(_("Your role may not record this category."))
    names = list(fields)
    before = audit.snapshot(key_person, names) if not creating else {}
    old_rhythm = key_person.visit_every_days
    for name, value in fields.items():
        setattr(key_person, name, value)
    try:
        key_person.full_clean()
    except ValidationError as exc:
        raise _from_validation(exc) from None
    _require_keeper(key_person, person)
    # It has a keeper now (or needs none): a later loss of the keeper is told to the center again.
    key_person.keeper_missing_noticed_at = None
    now = timezone.now()
    if creating or key_person.visit_every_days != old_rhythm or key_person.next_visit_due_at is None:
        sla.schedule(key_person, since=key_person.last_visit_at or now, now=now)
    key_person.save()
    if creating:
        audit.record("registry.keyperson.create", by=by, obj=key_person, changes={"category": category})
    elif changes := audit.diff(key_person, before, names):
        audit.record("registry.keyperson.update", by=by, obj=key_person, changes=changes)
    return key_person


def _require_keeper(key_person: KeyPerson, person: Person) -> None:
    """A sensitive key person is seen by few: one of them must keep the visits (audit #6)."""
    if key_person.category not in privacy.SENSITIVE_CATEGORIES:
        return
    keepers = [u for u in (key_person.controller, key_person.case_owner) if u is not None]
    if not any(privacy.keeps_to_do_for(u, person.grid_id) for u in keepers):
        raise _invalid(
            "controller",
            _(
                "A key person of this category needs a controller or case owner who works in "
                "their grid (a grid worker or center staff), so that missed visits reach someone."
            ),
        )


@transaction.atomic
def reveal_field(obj: models.Model, field: str, *, by: Any, purpose: str) -> str:
    """Show one masked field of one record in full (查看明文), for a stated purpose.

    Only for users holding `view_sensitive`, on a record in their scope. Writes one
    `registry.reveal` audit row (who, whose record, which field, the purpose; never the value).
    """
    label = obj._meta.label_lower
    if field not in privacy.REVEALABLE.get(label, ()):
        raise _invalid("field", _("This field cannot be revealed."))
    if not may_see_sensitive(by):
        raise PermissionDenied(_("You may not see unmasked personal data."))
    manager: Any = type(obj)._default_manager
    if not manager.visible_to(by).filter(pk=obj.pk).exists():
        raise PermissionDenied(_("This record is not in your area."))
    purpose = (purpose or "").strip()
    if len(purpose) < 2:
        raise _invalid("purpose", _("Say why you need to see this."))
    audit.record("registry.reveal", by=by, obj=obj, changes={"field": field, "purpose": purpose[:200]})
    return str(getattr(obj, field) or "")


class ResidentIdSearchLimited(RegistryError):
    """The user's budget of full-ID searches is spent (429; `wait`: seconds until one is free)."""

    http_status = 429
    code = "throttled"

    def __init__(self, wait: float | None) -> None:
        super().__init__(_("You have searched by resident ID too often. Try again later, or search by name."))
        self.wait = wait


def match_resident_id(
    queryset: models.QuerySet[Person], text: str, *, by: Any
) -> models.QuerySet[Person] | None:
    """THE way a full resident ID is matched (search page and API, the persons list filter on the
    page, in the API and in exports): the persons of `queryset` (already scoped) with exactly
    that ID, or None when `text` is not a full ID (nothing spent, nothing audited).

    Whether an ID lives here is what a match tells, masked or not, so each one spends one of the
    user's `privacy.RESIDENT_ID_SEARCH_RATE` (one budget whichever path: ResidentIdSearchLimited
    beyond it) and writes a `registry.search.resident_id` audit row (the ID masked, how many
    matched)."""
    from fengqiao.core.masking import mask_resident_id
    from fengqiao.core.validators import normalize_resident_id

    text = (text or "").strip()
    if not privacy.is_resident_id_search(text):
        return None
    if by is None or not getattr(by, "pk", None):
        return queryset.none()  # nobody to hold to the limit: no match
    budget = privacy.ResidentIdSearchThrottle(by)
    no_request: Any = None  # bound to the user, the throttle reads no request
    if not budget.allow_request(no_request, no_request):
        raise ResidentIdSearchLimited(budget.wait())
    matches = queryset.filter(resident_id=normalize_resident_id(text))
    audit.record(
        "registry.search.resident_id",
        by=by,
        object_type="registry.person",
        object_repr=mask_resident_id(text.upper()),
        changes={"found": matches.count()},
    )
    return matches


def search(*, by: Any, text: str) -> dict[str, list[Any]]:
    """Search persons and places in scope (`queries.search`); a full resident ID is matched
    through `match_resident_id` (limited and audited)."""
    from fengqiao.registry import queries

    text = (text or "").strip()
    id_matches = match_resident_id(Person.objects.visible_to(by), text, by=by) if text else None
    return queries.search(by, text, id_matches=id_matches)


@transaction.atomic
def record_visit(
    *,
    by: Any,
    key_person: KeyPerson | None = None,
    household: Household | None = None,
    at: dt.datetime | None = None,
    note: str = "",
    lon: float | None = None,
    lat: float | None = None,
    idempotency_key: str | None = None,
) -> tuple[Visit, bool]:
    """Record a visit (走访记录) to a key person or a household; restarts the key person's clock.

    Returns (visit, created). With an `idempotency_key`, the same visitor sending the same body
    again gets the first visit back (created False); the same key with another body is a 422.
    Writes the visit, updates the key person's next due time and state, and an audit row.
    """
    from fengqiao.regions import geo
    from fengqiao.regions.exceptions import CoordinateError

    if not privacy.reads_registry(by):
        raise PermissionDenied(_("Your role may not record visits."))
    if (key_person is None) == (household is None):
        raise _invalid("key_person", _("A visit is to one key person or one household."))
    now = timezone.now()
    sent_at = at  # the body is compared as sent: a retry without `at` is the same request
    at = at or now
    if at > now + _FUTURE_TOLERANCE:
        raise _invalid("at", _("A visit cannot be in the future."))
    if lon not in (None, "") or lat not in (None, ""):
        try:
            lon, lat = geo.validate_point(lon, lat)
        except CoordinateError as exc:
            raise _invalid("lon", str(exc)) from None
    else:
        lon = lat = None
    body = {
        "key_person": key_person.pk if key_person else None,
        "household": household.pk if household else None,
        "at": sent_at.isoformat() if sent_at else None,
        "note": note or "",
        "lon": lon,
        "lat": lat,
    }

    def create() -> Visit:
        subject_person = key_person
        if subject_person is not None:
            if not KeyPerson.objects.visible_to(by).filter(pk=subject_person.pk).exists():
                raise PermissionDenied(_("This key person is not in your area."))
            subject_person = (
                KeyPerson.objects.select_for_update().select_related("person").get(pk=subject_person.pk)
            )
            grid_id = subject_person.person.grid_id
        else:
            assert household is not None
            if not Household.objects.visible_to(by).filter(pk=household.pk).exists():
                raise PermissionDenied(_("This household is not in your area."))
            grid_id = household.grid_id
        visit = Visit.objects.create(
            key_person=subject_person,
            household=household,
            grid_id=grid_id,
            by=by,
            at=at,
            note=note or "",
            lon=lon,
            lat=lat,
        )
        if subject_person is not None and (
            subject_person.last_visit_at is None or at >= subject_person.last_visit_at
        ):
            subject_person.last_visit_at = at
            sla.schedule(subject_person, since=at, now=now)
            subject_person.save(
                update_fields=[
                    "last_visit_at",
                    "next_visit_due_at",
                    "visit_warn_at",
                    "visit_state",
                    "updated_at",
                ]
            )
        audit.record("registry.visit.create", by=by, obj=visit)
        return visit

    return idempotency.once(
        by=by,
        scope=SCOPE_VISIT,
        key=idempotency_key,
        body=body,
        create=create,
        conflict=lambda: _conflict(_("This idempotency key was already used for a different visit.")),
        # Visits keyed before bodies were compared as sent hashed the time the server filled in.
        also_matches=lambda v: [{**body, "at": v.at.isoformat()}] if body["at"] is None else [],
    )


#: A phone sends photos shrunk to 1280 px (a few hundred KB); this is for a camera's original.
VISIT_PHOTO_MAX_BYTES = 10 * 1024 * 1024


@transaction.atomic
def add_visit_photo(visit: Visit, *, by: Any, file: Any, idempotency_key: str) -> VisitPhoto:
    """Add a photo to a visit the user recorded (走访照片); idempotent by `idempotency_key`.

    JPEG or PNG only (sniffed from the bytes), re-encoded so that no EXIF (GPS, camera) is kept.
    A retry with the same key answers the first photo (`replayed` True); the key used before for
    another visit is a 422. Writes the photo and a `registry.visit.photo` audit row.
    """
    from django.core.files.base import ContentFile

    from fengqiao.cases.services.intake import clean_image, sniff_content_type
    from fengqiao.core.exceptions import DomainError

    scoped_key = _scoped_key(by, idempotency_key)
    if scoped_key and (existing := VisitPhoto.objects.filter(idempotency_key=scoped_key).first()):
        if existing.visit_id != visit.pk:
            raise _conflict(_("This idempotency key was already used for a photo of another visit."))
        existing.replayed = True
        return existing
    if visit.by_id != getattr(by, "pk", None):
        raise PermissionDenied(_("Photos can be added only to visits you recorded."))
    data = file.read(VISIT_PHOTO_MAX_BYTES + 1) if hasattr(file, "read") else bytes(file)
    if not data:
        raise _invalid("file", _("The file is empty."))
    if len(data) > VISIT_PHOTO_MAX_BYTES:
        raise _invalid("file", _("The photo is larger than %(mb)s MB.") % {"mb": VISIT_PHOTO_MAX_BYTES >> 20})
    content_type = sniff_content_type(data[:16])
    if content_type not in ("image/jpeg", "image/png"):
        raise _invalid("file", _("Only photos (JPEG, PNG) can be added to a visit."))
    try:
        data = clean_image(data, content_type)
    except DomainError as exc:
        raise _invalid("file", str(exc)) from None
    photo = VisitPhoto(
        visit=visit,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
        idempotency_key=scoped_key,
    )
    try:
        with transaction.atomic():
            photo.file.save("photo.jpg", ContentFile(data), save=False)
            photo.save()
    except IntegrityError:
        photo.file.delete(save=False)
        existing = VisitPhoto.objects.filter(idempotency_key=scoped_key).first() if scoped_key else None
        if existing is None or existing.visit_id != visit.pk:
            raise
        existing.replayed = True
        return existing
    audit.record("registry.visit.photo", by=by, obj=visit, changes={"photo": photo.pk, "bytes": photo.size})
    return photo


def _scoped_key(by: Any, idempotency_key: str | None) -> str | None:
    return f"{by.pk}:{idempotency_key}"[:200] if idempotency_key else None


def _conflict(message: str) -> RegistryError:
    return RegistryError(message, code="idempotency_conflict", http_status=422)


def _phone_time(
    field: str, sent: dt.datetime | None, *, now: dt.datetime, earliest: Any = None
) -> dt.datetime:
    """A time taken on the phone (the patrol was offline): refused well in the future, never
    after the server's now, never before `earliest` (a check-in before its patrol started)."""
    if sent is None:
        return now
    if sent > now + _FUTURE_TOLERANCE:
        raise _invalid(field, _("This time lies in the future."))
    at = min(sent, now)
    return max(at, earliest) if earliest is not None else at


@transaction.atomic
def start_patrol(
    *,
    by: Any,
    grid: Grid,
    note: str = "",
    started_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Patrol:
    """Start a patrol (开始巡查) of one of the worker's grids; one open patrol per worker. Audited.

    `started_at` is the phone's time when the patrol was started offline. With an
    `idempotency_key` (the patrol's key, made on the phone) a retry of the same body answers the
    same patrol (`replayed` True), even once it has ended; another body with that key is a 422.
    """
    body = {"grid": grid.pk, "note": note or "", "started_at": started_at.isoformat() if started_at else None}

    def create() -> Patrol:
        if getattr(by, "role", None) not in GRID_ROLES:
            raise PermissionDenied(_("Only grid workers, watch members and wardens patrol."))
        if not by.grids.filter(pk=grid.pk).exists():
            raise PermissionDenied(_("This grid is not yours."))
        if Patrol.objects.filter(worker=by, status=Patrol.Status.ACTIVE).exists():
            raise _already_on_patrol()
        at = _phone_time("started_at", started_at, now=timezone.now())
        patrol = Patrol.objects.create(worker=by, grid=grid, started_at=at, note=note or "")
        audit.record("registry.patrol.start", by=by, obj=patrol)
        return patrol

    try:
        with transaction.atomic():
            patrol, created = idempotency.once(
                by=by,
                scope=SCOPE_PATROL_START,
                key=idempotency_key,
                body=body,
                create=create,
                conflict=lambda: _conflict(
                    _("This idempotency key was already used for a different patrol.")
                ),
            )
    except IntegrityError:
        # Another patrol of this worker was opened meanwhile (one active patrol per worker).
        raise _already_on_patrol() from None
    patrol.replayed = not created
    return patrol


def _already_on_patrol() -> RegistryError:
    return RegistryError(
        _("You are already on a patrol: end it first."), code="wrong_status", http_status=409
    )


def _own_active(patrol: Patrol, by: Any) -> Patrol:
    patrol = Patrol.objects.select_for_update().get(pk=patrol.pk)
    if patrol.worker_id != getattr(by, "pk", None):
        raise PermissionDenied(_("This is not your patrol."))
    if patrol.status != Patrol.Status.ACTIVE:
        raise RegistryError(_("This patrol has ended."), code="wrong_status", http_status=409)
    return patrol


@transaction.atomic
def checkin_patrol(
    patrol: Patrol,
    *,
    by: Any,
    lon: Any,
    lat: Any,
    note: str = "",
    at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> PatrolCheckin:
    """Check in on a patrol (巡查打卡) with a GPS position, at the phone's time. Writes the row.

    With an `idempotency_key` a retry of the same body answers the same check-in (`replayed`
    True), also after the patrol has ended (the end was queued behind it on the phone).
    """
    from fengqiao.regions import geo
    from fengqiao.regions.exceptions import CoordinateError

    try:
        lon, lat = geo.validate_point(lon, lat)
    except CoordinateError as exc:
        raise _invalid("lon", str(exc)) from None
    body = {
        "patrol": patrol.pk,
        "lon": lon,
        "lat": lat,
        "note": (note or "")[:200],
        "at": at.isoformat() if at else None,
    }

    def create() -> PatrolCheckin:
        active = _own_active(patrol, by)
        when = _phone_time("at", at, now=timezone.now(), earliest=active.started_at)
        return PatrolCheckin.objects.create(patrol=active, lon=lon, lat=lat, at=when, note=body["note"])

    checkin, created = idempotency.once(
        by=by,
        scope=SCOPE_PATROL_CHECKIN,
        key=idempotency_key,
        body=body,
        create=create,
        conflict=lambda: _conflict(_("This idempotency key was already used for a different check-in.")),
    )
    checkin.replayed = not created
    return checkin


@transaction.atomic
def end_patrol(
    patrol: Patrol,
    *,
    by: Any,
    note: str = "",
    ended_at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> Patrol:
    """End a patrol (结束巡查) at the phone's time (never before its start or last check-in).
    Audited. With an `idempotency_key` a retry answers the ended patrol (`replayed` True)."""

    def create() -> Patrol:
        active = _own_active(patrol, by)
        last_checkin = active.checkins.aggregate(last=models.Max("at"))["last"]
        earliest = max(filter(None, [active.started_at, last_checkin]))
        active.ended_at = _phone_time("ended_at", ended_at, now=timezone.now(), earliest=earliest)
        active.status = Patrol.Status.ENDED
        if note:
            active.note = f"{active.note}\n{note}".strip()
        active.save(update_fields=["status", "ended_at", "note", "updated_at"])
        audit.record("registry.patrol.end", by=by, obj=active)
        return active

    ended, created = idempotency.once(
        by=by,
        scope=SCOPE_PATROL_END,
        key=idempotency_key,
        body={"patrol": patrol.pk},
        create=create,
        conflict=lambda: _conflict(_("This idempotency key was already used to end another patrol.")),
    )
    ended.replayed = not created
    return ended


@transaction.atomic
def _coordinate(value: Any) -> Any:
    """A longitude or latitude as a fingerprint compares it: 106.805 sent as a number or text alike."""
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return str(value)


def report_patrol_finding(
    patrol: Patrol,
    *,
    by: Any,
    kind: str,
    title: str,
    description: str = "",
    category: Any = None,
    lon: Any = None,
    lat: Any = None,
    at: dt.datetime | None = None,
    idempotency_key: str | None = None,
) -> PatrolFinding:
    """Turn a patrol finding into a case in one step (巡查发现上报), channel "patrol".

    Calls `cases.services.create_case` (which writes the case, its timeline and starts its
    acceptance clock) and links the case to the patrol, at the phone's time `at`. Idempotent with
    a key: a retry returns the same finding (`replayed` True), also after the patrol has ended.
    """
    from fengqiao.cases import services as case_services
    from fengqiao.cases.models import Channel

    fresh = {"finding": True}  # False: the case's own intake key answered a finding made before

    def create() -> PatrolFinding:
        active = _own_active(patrol, by)
        when = _phone_time("at", at, now=timezone.now(), earliest=active.started_at)
        has_point = lon not in (None, "") or lat not in (None, "")
        case = case_services.create_case(
            by=by,
            kind=kind,
            channel=Channel.PATROL,
            title=title,
            description=description,
            category=category,
            lon=lon,
            lat=lat,
            grid=None if has_point else active.grid,
            idempotency_key=f"patrol:{idempotency_key}" if idempotency_key else None,
        )
        finding, fresh["finding"] = PatrolFinding.objects.get_or_create(
            case=case, defaults={"patrol": active, "at": when}
        )
        return finding

    # The finding as sent (not `at`, which the phone may fill in again on a retry): the same key
    # with another title, kind, category, description or point is another finding, a 422.
    body = {
        "patrol": patrol.pk,
        "kind": str(kind),
        "category": getattr(category, "pk", category),
        "title": (title or "").strip(),
        "description": (description or "").strip(),
        "point": [_coordinate(lon), _coordinate(lat)],
    }
    finding, created = idempotency.once(
        by=by,
        scope=SCOPE_PATROL_FINDING,
        key=idempotency_key,
        body=body,
        create=create,
        conflict=lambda: _conflict(
            _("This idempotency key was already used for another finding or on another patrol.")
        ),
        # Receipts carried over by migration 0006 hold only the patrol (the rows kept no body):
        # those keys still replay on their patrol, whatever the body.
        also_matches=({"patrol": patrol.pk},),
    )
    finding.replayed = not (created and fresh["finding"])
    return finding


def record_export(
    *, by: Any, what: str, count: int, personal: bool, filters: dict[str, Any], unmasked: bool = False
) -> None:
    """Write the audit row of an export (导出): what, how many rows, whether it holds personal data
    (`personal_data`, masked or not), whether identifiers are unmasked, the filters."""
    audit.record(
        "registry.export",
        by=by,
        object_type=f"registry.{what}",
        object_repr=what,
        changes={"rows": count, "personal_data": personal, "unmasked": unmasked, "filters": filters},
    )


@transaction.atomic
def start_import(*, by: Any, kind: str, filename: str, content: bytes) -> ImportJob:
    """Queue an Excel import (导入): the job row now, `tasks.run_import` after commit. Audited."""
    _require_editor(by)
    if kind not in ImportJob.Kind.values:
        raise _invalid("kind", _("Unknown kind of import."))
    if kind == ImportJob.Kind.KEY_PERSONS and not privacy.edits_registry(by):
        raise PermissionDenied
    job = ImportJob.objects.create(kind=kind, filename=filename[:200], content=content, by=by)
    audit.record("registry.import.start", by=by, obj=job, changes={"kind": kind, "bytes": len(content)})

    def enqueue() -> None:
        from fengqiao.registry import tasks

        tasks.run_import.enqueue(job.pk)

    transaction.on_commit(enqueue)
    return job


__all__ = [
    "VisitState",
    "add_visit_photo",
    "checkin_patrol",
    "end_patrol",
    "record_export",
    "record_visit",
    "report_patrol_finding",
    "reveal_field",
    "save_house",
    "save_household",
    "save_key_person",
    "save_organization",
    "save_person",
    "save_place",
    "start_import",
    "start_patrol",
]
