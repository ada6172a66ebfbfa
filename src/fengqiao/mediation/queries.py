"""Read helpers for mediation, always scoped (`visible_to`); 404 alike for missing and out of scope."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.functional import Promise

from fengqiao.cases.models import Case, Kind, Status
from fengqiao.core.masking import reveal
from fengqiao.core.scoping import get_for_user
from fengqiao.mediation.models import (
    GENERATED_DOCUMENTS,
    REQUIRED_DOCUMENTS,
    Agreement,
    Dispute,
    DocumentKind,
    DossierDocument,
    FollowUp,
    MediationSession,
    Party,
    Screening,
)


def get_dispute_for_user(user: Any, pk: Any) -> Dispute:
    """The dispute if the user may see it; Http404 if it is missing or out of scope."""
    dispute: Dispute = get_for_user(
        Dispute.objects.select_related("case", "organization", "lead_mediator", "room"), user, pk
    )
    return dispute


def get_party_for_user(user: Any, pk: Any) -> Party:
    party: Party = get_for_user(Party.objects.select_related("dispute"), user, pk)
    return party


def get_session_for_user(user: Any, pk: Any) -> MediationSession:
    """A session of a dispute in the user's scope; Http404 otherwise."""
    session: MediationSession = get_object_or_404(
        MediationSession.objects.filter(
            dispute__in=Dispute.objects.visible_to(user).values("pk")
        ).select_related("dispute", "room"),
        pk=pk,
    )
    return session


def get_document_for_user(user: Any, pk: Any) -> DossierDocument:
    """A dossier document of a dispute in the user's scope; Http404 otherwise."""
    document: DossierDocument = get_for_user(DossierDocument.objects.select_related("dispute"), user, pk)
    return document


def get_screening_for_user(user: Any, pk: Any) -> Screening:
    screening: Screening = get_for_user(Screening.objects.select_related("grid"), user, pk)
    return screening


@dataclass(frozen=True)
class PartyView:
    """A party as this viewer may see it: ID number, phone and exact address masked without
    `view_sensitive` (unmasked reads audited, `core.masking.reveal`)."""

    party: Party
    resident_id: str
    phone: str
    address: str


def parties_for(dispute: Dispute, viewer: Any) -> list[PartyView]:
    return [
        PartyView(
            party=party,
            resident_id=reveal(
                party.resident_id, kind="resident_id", viewer=viewer, obj=party, field="resident_id"
            ),
            phone=reveal(party.phone, kind="phone", viewer=viewer, obj=party, field="phone"),
            address=reveal(party.address, kind="address", viewer=viewer, obj=party, field="address"),
        )
        for party in dispute.parties.select_related("represents").order_by("role", "id")
    ]


@dataclass(frozen=True)
class ChecklistItem:
    kind: str
    label: str | Promise
    required: bool
    present: bool
    #: Documents of this kind filed in the dossier (uploaded, attached or noted as paper copies).
    filed: int = 0
    #: The system prints this document and can attach it in one step (`attach_generated_document`).
    generated: bool = False
    #: Pages of the documents of this kind filed (the index's page column).
    pages: int = 0


def dossier_checklist(dispute: Dispute) -> list[ChecklistItem]:
    """The dossier's documents (卷宗目录): generated ones count when their data exists, others when filed.

    An agreement is required only when mediation reached one (a failed dispute's dossier has none),
    and it is present only once in effect: a written agreement counts when the parties signed it.
    """
    filed: Counter[str] = Counter()
    pages: Counter[str] = Counter()
    for kind, count in dispute.documents.values_list("kind", "pages"):
        filed[kind] += 1
        pages[kind] += count
    agreement = dispute.current_agreement
    generated = {
        DocumentKind.REGISTRATION: True,
        DocumentKind.COVER: True,
        DocumentKind.RIGHTS_NOTICE: dispute.rights_notice_given,
        # Planned, cancelled or postponed sessions have no minutes.
        DocumentKind.MINUTES: dispute.sessions.filter(status=MediationSession.Status.HELD).exists(),
        DocumentKind.AGREEMENT: agreement is not None and agreement.effective_on is not None,
        DocumentKind.INVESTIGATION: dispute.investigations.exists(),
        DocumentKind.FOLLOW_UP: dispute.follow_ups.filter(done_at__isnull=False).exists(),
        DocumentKind.CONFIRMATION: bool(agreement and agreement.confirmation_applied_on),
    }
    items = []
    for kind in DocumentKind:
        required = kind in REQUIRED_DOCUMENTS
        if kind == DocumentKind.AGREEMENT and dispute.outcome == "failure":
            required = False
        items.append(
            ChecklistItem(
                kind=kind.value,
                label=kind.label,
                required=required,
                present=filed[kind] > 0 or generated.get(kind, False),
                filed=filed[kind],
                pages=pages[kind],
                generated=kind in GENERATED_DOCUMENTS,
            )
        )
    return items


def waiting_registration(user: Any) -> QuerySet[Case]:
    """Dispute cases taken in (e.g. found in screening) but not yet registered for mediation."""
    return (
        Case.objects.visible_to(user)
        .filter(kind=Kind.DISPUTE, status=Status.REPORTED, dispute__isnull=True)
        .select_related("grid")
        .order_by("created_at")
    )


@dataclass
class Workbench:
    disputes: list[Dispute]
    sessions_today: list[MediationSession]
    awaiting_signature: list[Agreement]
    follow_ups_due: list[FollowUp]
    confirmations_due: list[Agreement]
    to_register: list[Case]


def workbench(user: Any, *, today: dt.date | None = None) -> Workbench:
    """The mediator's workbench: their open disputes and what is due today or soon."""
    today = today or timezone.localdate()
    mine = Dispute.objects.visible_to(user)
    if getattr(user, "role", None) == "mediator":
        mine = mine.filter(
            Q(lead_mediator=user) | Q(mediators=user) | Q(organization__members=user)
        ).distinct()
    dispute_ids = mine.values("pk")
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(today, dt.time.min, tzinfo=tz)
    return Workbench(
        disputes=list(
            mine.filter(archived_at__isnull=True)
            .select_related("case", "organization")
            .order_by("settle_due_on", "id")[:50]
        ),
        sessions_today=list(
            MediationSession.objects.filter(
                dispute__in=dispute_ids,
                status__in=(MediationSession.Status.PLANNED, MediationSession.Status.HELD),
                held_at__gte=start,
                held_at__lt=start + dt.timedelta(days=1),
            )
            .select_related("dispute", "room")
            .order_by("held_at")
        ),
        awaiting_signature=list(
            Agreement.objects.filter(
                dispute__in=dispute_ids, form=Agreement.Form.WRITTEN, signed_on__isnull=True
            )
            .select_related("dispute")
            .order_by("created_at")
        ),
        follow_ups_due=list(
            FollowUp.objects.filter(
                dispute__in=dispute_ids, done_at__isnull=True, due_on__lte=today + dt.timedelta(days=7)
            )
            .select_related("dispute")
            .order_by("due_on")
        ),
        confirmations_due=list(confirmations_due(user, today=today)),
        to_register=list(waiting_registration(user)[:20]),
    )


def confirmations_due(user: Any, *, today: dt.date | None = None) -> QuerySet[Agreement]:
    """Written agreements in effect whose 30 days to apply for judicial confirmation are running."""
    today = today or timezone.localdate()
    return (
        Agreement.objects.filter(
            dispute__in=Dispute.objects.visible_to(user).values("pk"),
            form=Agreement.Form.WRITTEN,
            effective_on__isnull=False,
            effective_on__gte=today - dt.timedelta(days=30),
            confirmation_applied_on__isnull=True,
        )
        .select_related("dispute")
        .order_by("effective_on")
    )
