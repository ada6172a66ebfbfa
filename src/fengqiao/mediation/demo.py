"""The demo town's mediation history: 78 disputes since 2023, all resolved (the published figure).

Neighbours, family and marriage, and debts, mediated jointly by the town committee (judicial
office), the police station and the village committees, many in 知心姐姐调解室. Every row comes from
one seeded `random.Random` and fixed dates (2023-01 to 2026-09), so two loads give the same
history; each dispute is known by its case's tracking code (`_tracking_code(N)`, derived from its
position), so loading again adds nothing and an interrupted load is completed.

The timing is a township committee's: a dispute is mediated within one to three working days of
its registration, and the dossier archived the working day after the agreement is signed, so a
month's table (as at the month's end) shows its disputes resolved, except one registered in the
month's last days, which is settled and archived the next month (pending in its own month's table).
Demo rows loaded before this timing (archived 20 days after the agreement, so the monthly tables
showed almost nothing resolved) are moved onto it by the next load, unless someone has worked on
them since (their timeline has rows the demo did not write): those are left as they are.

This is imported history, so it writes the rows as they were at the time (timeline rows dated
then) rather than replaying the services today; no audit rows (the demo load has its own).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from fengqiao.cases.models import Case, CaseEvent, Channel, Kind, Status
from fengqiao.cases.services.intake import TRACKING_ALPHABET, next_case_number
from fengqiao.center.models import Department, Room
from fengqiao.core.validators import resident_id_check_char
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    DocumentKind,
    DossierDocument,
    FollowUp,
    MediationOrganization,
    MediationSession,
    Outcome,
    Party,
    Screening,
    ScreeningItem,
)
from fengqiao.mediation.services import next_dossier_number
from fengqiao.regions.models import Grid

SEED = 78
TOTAL = 78
FIRST_DAY = dt.date(2023, 1, 4)
LAST_DAY = dt.date(2026, 9, 28)
ROOM_NAME = "知心姐姐调解室"
DOCKING_ROOM = "诉调对接室"

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
)
_GIVEN = "建国秀英春花明亮志强桂兰海燕玉梅红霞国庆金凤德胜永红丽娟小军文华彩霞福生淑珍俊杰雪梅长青"
_OCCUPATIONS = ("农民", "个体户", "务工人员", "退休职工", "教师", "司机", "养殖户")

_STORIES: dict[str, list[tuple[str, str, str, list[str]]]] = {
    "neighbour": [
        (
            "宅前排水沟纠纷",
            "两户因排水沟走向发生争执，雨水流入邻院。",
            "排水沟走向及损失承担",
            ["被申请人将排水沟改至自家院墙外侧", "被申请人赔偿申请人院墙修缮费"],
        ),
        (
            "院墙滴水纠纷",
            "被申请人新建房屋屋檐滴水落入申请人院内。",
            "屋檐滴水及加装雨槽",
            ["被申请人加装雨水槽并引向公共排水渠"],
        ),
        (
            "通行道路纠纷",
            "被申请人堆放柴草占用两户共用通道。",
            "共用通道的使用",
            ["被申请人清理通道堆放物", "双方共同维护通道畅通"],
        ),
        (
            "树木遮光纠纷",
            "被申请人所植杨树遮挡申请人房屋采光。",
            "树木修剪及补偿",
            ["被申请人修剪杨树枝干", "被申请人补偿申请人损失"],
        ),
    ],
    "marriage_family": [
        (
            "赡养老人纠纷",
            "兄妹之间就父母赡养费分担发生争执。",
            "赡养费分担及照料安排",
            ["双方按月各支付父母赡养费", "双方轮流照料父母生活起居"],
        ),
        (
            "婚姻家庭矛盾",
            "夫妻因家庭琐事长期争吵，一方提出分居。",
            "家庭开支及子女抚养",
            ["双方共同承担子女教育费用", "双方互相尊重，不再争吵打骂"],
        ),
        (
            "分家析产纠纷",
            "兄弟之间就老宅分配发生争执。",
            "老宅分配及补偿",
            ["老宅归申请人所有", "申请人补偿被申请人房屋折价款"],
        ),
    ],
    "debt": [
        (
            "民间借贷纠纷",
            "被申请人向申请人借款逾期未还。",
            "借款本金及归还期限",
            ["被申请人分期归还借款本金"],
        ),
        (
            "劳务费拖欠纠纷",
            "被申请人拖欠申请人务工劳务费。",
            "劳务费数额及支付方式",
            ["被申请人一次性支付劳务费"],
        ),
        ("货款拖欠纠纷", "被申请人购买农资后拖欠货款。", "货款数额", ["被申请人分两次付清货款"]),
    ],
}


@dataclass(frozen=True)
class DemoMediationSummary:
    created: int
    disputes: int


def _working_days_after(day: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `day`; fixed, whatever the holiday table holds."""
    while days > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _tracking_code(index: int) -> str:
    """The demo's mark on its dispute cases: a fixed code per position (0-based) in the history."""
    digest = hashlib.sha256(f"fengqiao-demo-mediation-{index}".encode()).digest()
    return "".join(TRACKING_ALPHABET[b % len(TRACKING_ALPHABET)] for b in digest[:12])


def _resident_id(rng: random.Random, female: bool) -> str:
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
    order = rng.randrange(0, 50) * 2 + (0 if female else 1)
    first17 = f"620802{birth:%Y%m%d}{rng.randrange(0, 10)}{order:02d}"
    return first17 + resident_id_check_char(first17)


def _person(rng: random.Random, role: str, village: str) -> dict[str, Any]:
    female = rng.random() < 0.5
    return {
        "role": role,
        "name": rng.choice(_SURNAMES) + "".join(rng.sample(_GIVEN, rng.choice((1, 2)))),
        "gender": "female" if female else "male",
        "ethnicity": "汉族",
        "resident_id": _resident_id(rng, female),
        "phone": f"+86139{rng.randrange(10_000_000, 99_999_999)}",
        "occupation": rng.choice(_OCCUPATIONS),
        "address": f"{village}{rng.randrange(1, 9)}组",
    }


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0), tzinfo=timezone.get_default_timezone())


def _organizations(
    town: Any, mediators: list[Any]
) -> tuple[MediationOrganization, list[MediationOrganization]]:
    judicial = Department.objects.filter(region=town, kind=Department.Kind.JUDICIAL).first()
    main, _created = MediationOrganization.objects.get_or_create(
        town=town,
        name=f"{town.name}人民调解委员会",
        defaults={"abbreviation": f"{town.name[:1]}人调", "department": judicial},
    )
    main.members.add(*mediators)
    villages = []
    for committee in (
        Department.objects.filter(region__parent=town, kind=Department.Kind.VILLAGE_COMMITTEE)
        .select_related("region")
        .order_by("region__code")
    ):
        village = committee.region
        organization, _created = MediationOrganization.objects.get_or_create(
            town=town,
            name=f"{village.name}人民调解委员会",
            defaults={"abbreviation": f"{village.name[:2]}人调", "department": committee},
        )
        villages.append(organization)
    return main, villages


def load_demo_mediation(town: Any) -> DemoMediationSummary:
    """Load (or complete) the demo town's mediation history; idempotent and deterministic."""
    from fengqiao.accounts.models import Role, User

    codes = _demo_codes()
    state = Case.objects.filter(town=town, tracking_code__in=codes).aggregate(
        done=Count("pk"),
        # Rows of an older demo that lack their grid, risk grade or screening report, or that
        # were archived 20 days after their agreement.
        unlinked=Count("pk", filter=_unlinked_q() | _old_timing_q()),
    )
    done = state["done"]
    if done >= TOTAL and not state["unlinked"]:
        return DemoMediationSummary(created=0, disputes=done)  # complete: one query
    mediators = list(User.objects.filter(role=Role.MEDIATOR, regions=town).order_by("username"))
    clerk = User.objects.filter(role=Role.CLERK, regions=town).order_by("username").first()
    with transaction.atomic():
        main, villages = _organizations(town, mediators)
        rooms = {
            room.name: room for room in Room.objects.filter(town=town, name__in=[ROOM_NAME, DOCKING_ROOM])
        }
        police = Department.objects.filter(region=town, kind=Department.Kind.POLICE).first()
        existing = {
            codes[dispute.case.tracking_code]: dispute
            for dispute in Dispute.objects.filter(
                case__town=town, case__tracking_code__in=codes
            ).select_related("case")
        }
        links = _Links.of(villages, clerk)
        rng = random.Random(SEED)  # noqa: S311 - invented demo data, reproducible on purpose
        span = (LAST_DAY - FIRST_DAY).days
        created = 0
        for index in range(TOTAL):
            # Every draw happens whether or not the dispute exists, so a resumed load matches.
            plan = _plan(rng, index, span, villages)
            if index in existing:
                _link(existing[index], plan, links)
                _retime(existing[index], plan)
                continue
            _create(
                plan,
                index,
                town=town,
                main=main,
                rooms=rooms,
                police=police,
                mediators=mediators,
                clerk=clerk,
                links=links,
            )
            created += 1
    return DemoMediationSummary(
        created=created,
        disputes=Dispute.objects.filter(case__town=town, case__tracking_code__in=codes).count(),
    )


def _demo_codes() -> dict[str, int]:
    return {_tracking_code(index): index for index in range(TOTAL)}


def _old_timing_q() -> Q:
    """Demo dispute cases of a load before the committee's timing: archived 20 days after the
    agreement (now within a few days)."""
    return Q(closed_at__gt=F("resolved_at") + dt.timedelta(days=10))


def _unlinked_q() -> Q:
    """Demo dispute cases still missing the grid of their village, the risk grade of a flag, or the
    screening report that found them (rows of a demo loaded before these were written)."""
    return (
        Q(grid__isnull=True)
        | Q(dispute__source="screening", dispute__screening__isnull=True)
        | Q(dispute__risk_criminal=True, dispute__risk_grade="")
    )


@dataclass
class _Links:
    """Each village committee's grid (the village's grid) and who reports its screening."""

    grids: dict[int, Grid]
    reporters: dict[int, Any]

    @classmethod
    def of(cls, villages: list[MediationOrganization], clerk: Any) -> _Links:
        from fengqiao.accounts.models import Role, User

        regions = {org.pk: org.department.region_id for org in villages if org.department is not None}
        by_village: dict[int, Grid] = {}
        for grid in Grid.objects.filter(village_id__in=regions.values()).order_by("code"):
            by_village.setdefault(grid.village_id, grid)
        grids = {org: by_village[region] for org, region in regions.items() if region in by_village}
        reporters: dict[int, Any] = {}
        for worker in (
            User.objects.filter(role=Role.GRID_WORKER, grids__in=[g.pk for g in grids.values()])
            .prefetch_related("grids")
            .order_by("username")
        ):
            for grid in worker.grids.all():
                reporters.setdefault(grid.pk, worker)
        return cls(grids=grids, reporters={g.pk: reporters.get(g.pk, clerk) for g in grids.values()})

    def grid(self, plan: dict[str, Any]) -> Grid | None:
        org = plan["village_org"]
        return self.grids.get(org.pk) if org is not None else None


def _screening(dispute: Dispute, plan: dict[str, Any], grid: Grid, links: _Links) -> Screening:
    """The grid's weekly screening report that found the dispute, submitted the morning it was registered."""
    from fengqiao.mediation import sla

    start, end = sla.period_of(plan["day"])
    report = Screening.objects.filter(grid=grid, period_start=start).first()
    if report is None:
        warn, due = sla.deadlines(start, end)
        report = Screening.objects.create(
            grid=grid,
            period_start=start,
            period_end=end,
            warn_at=warn,
            due_at=due,
            submitted_at=_at(plan["day"], 8),
            submitted_by=links.reporters.get(grid.pk),
            note="网格员入户走访排查发现矛盾纠纷，已报送镇综治中心。",
        )
    ScreeningItem.objects.get_or_create(
        case=dispute.case,
        defaults={
            "screening": report,
            "dispute_type": plan["kind"],
            "people_count": plan["people"],
            "risk_grade": plan["risk"],
        },
    )
    return report


def _link(dispute: Dispute, plan: dict[str, Any], links: _Links) -> None:
    """Complete a dispute of an older demo load: its grid, risk grade and screening report."""
    grid = links.grid(plan)
    if dispute.case.grid_id is None and grid is not None:
        Case.objects.filter(pk=dispute.case_id).update(grid=grid)
    changed = []
    if dispute.risk_grade != plan["risk"] and (dispute.risk_criminal or dispute.risk_group_petition):
        dispute.risk_grade = plan["risk"]
        changed.append("risk_grade")
    if dispute.source == "screening" and dispute.screening_id is None and grid is not None:
        dispute.screening = _screening(dispute, plan, grid, links)
        changed.append("screening")
    if changed:
        Dispute.objects.filter(pk=dispute.pk).update(**{name: getattr(dispute, name) for name in changed})


def _plan(rng: random.Random, index: int, span: int, villages: list[MediationOrganization]) -> dict[str, Any]:
    # 38 neighbours, 20 family and marriage, 20 debts, interleaved over the years.
    kind = (
        ("neighbour", "marriage_family", "debt", "neighbour")[index % 4]
        if index < 72
        else ("neighbour", "marriage_family", "debt", "marriage_family", "debt", "neighbour")[index - 72]
    )
    title, facts, points, terms = rng.choice(_STORIES[kind])
    day = FIRST_DAY + dt.timedelta(days=round(index * span / (TOTAL - 1)))
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    village_org = villages[rng.randrange(len(villages))] if villages else None
    source = rng.choices(["application", "referral", "screening", "initiative"], weights=[55, 20, 15, 10])[0]
    referral = rng.choice(["police", "court", "petition"]) if source == "referral" else ""
    village_name = village_org.name.removesuffix("人民调解委员会") if village_org else ""
    plan = {
        "kind": kind,
        "title": title,
        "facts": facts,
        "points": points,
        "terms": terms,
        "day": day,
        "settled_after": rng.randrange(3, 25),
        "village_org": village_org,
        "by_village": village_org if (village_org and index % 5 == 4) else None,
        "village_name": village_name,
        "source": source,
        "referral": referral,
        "amount": Decimal(rng.randrange(5, 400) * 100) if kind != "marriage_family" else None,
        "people": rng.randrange(2, 7),
        "risk": rng.choices(["", "yellow", "orange"], weights=[70, 20, 10])[0],
        "risk_criminal": rng.random() < 0.08,
        "risk_group_petition": rng.random() < 0.05,
        "applicant": _person(rng, "applicant", village_name),
        "respondent": _person(rng, "respondent", village_name),
        "confirm": kind == "debt" and rng.random() < 0.4,
    }
    # Derived after every draw (the sequence of draws stays that of earlier loads): a dispute
    # flagged at risk of turning criminal or of a group petition carries a risk grade.
    if plan["risk_criminal"] and plan["risk"] in ("", "yellow"):
        plan["risk"] = "orange"
    elif plan["risk_group_petition"] and not plan["risk"]:
        plan["risk"] = "yellow"
    # Mediated within one to three working days, archived the working day after the signing.
    plan["settled_day"] = _working_days_after(day, 1 + plan["settled_after"] % 3)
    plan["archived_day"] = _working_days_after(plan["settled_day"], 1)
    return plan


def _times(plan: dict[str, Any]) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """Registered, settled (agreement signed) and archived."""
    return _at(plan["day"], 9), _at(plan["settled_day"], 15), _at(plan["archived_day"], 10)


def _event(
    case: Case,
    at: dt.datetime,
    by: Any,
    action: str,
    source: str,
    target: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    CaseEvent.objects.create(
        case=case,
        at=at,
        actor=by,
        actor_name=by.get_username() if by else "system",
        action=action,
        from_status=source,
        to_status=target,
        note=note,
        data=data or {},
    )


#: The timeline the demo writes for each dispute (as `mediation.services` would have, dated then).
TIMELINE = (
    "report",
    "accept",
    "register_dispute",
    "record_session",
    "resolve",
    "record_agreement",
    "verify",
    "close",
)
#: The timeline of demo rows loaded before the outcome rows (`services.OUTCOME_EVENTS`) existed.
_OLD_TIMELINE = tuple(action for action in TIMELINE if action != "record_agreement")


def _timeline(dispute: Dispute, agreement: Agreement, plan: dict[str, Any], actor: Any) -> None:
    registered, settled, closed = _times(plan)
    case, number = dispute.case, dispute.dossier_number
    steps = [
        (registered, "report", "", Status.REPORTED, plan["facts"], None),
        (registered, "accept", Status.REPORTED, Status.ACCEPTED, "受理登记", None),
        (registered, "register_dispute", Status.ACCEPTED, Status.ACCEPTED, number, None),
        (settled - dt.timedelta(hours=4), "record_session", Status.ACCEPTED, Status.ACCEPTED, "", None),
        (settled, "resolve", Status.ACCEPTED, Status.RESOLVED, case.result, None),
        (
            settled,
            "record_agreement",
            Status.RESOLVED,
            Status.RESOLVED,
            "",
            {"agreement": agreement.pk, "form": agreement.form},
        ),
        (closed, "verify", Status.RESOLVED, Status.VERIFIED, "卷宗归档", None),
        (closed, "close", Status.VERIFIED, Status.CLOSED, f"卷宗{number}归档", None),
    ]
    for at, action, source, target, note, data in steps:
        _event(case, at, actor, action, source, target, note, data)


def _dated(dispute: Dispute, agreement: Agreement, plan: dict[str, Any]) -> None:
    """Date the outcome, the dossier and what follows from the plan (the agreement's creation too:
    the statistics as at a month's end count an agreement recorded before it)."""
    _registered, settled, closed = _times(plan)
    settled_day = plan["settled_day"]
    Case.objects.filter(pk=dispute.case_id).update(resolved_at=settled, verified_at=closed, closed_at=closed)
    Dispute.objects.filter(pk=dispute.pk).update(outcome_at=settled, archived_at=closed)
    MediationSession.objects.filter(dispute=dispute).update(
        held_at=settled - dt.timedelta(hours=4), ends_at=settled - dt.timedelta(hours=3)
    )
    Agreement.objects.filter(pk=agreement.pk).update(
        created_at=settled,
        updated_at=settled,
        signed_on=settled_day,
        effective_on=settled_day,
        confirmation_applied_on=settled_day + dt.timedelta(days=5) if plan["confirm"] else None,
        decided_on=settled_day + dt.timedelta(days=12) if plan["confirm"] else None,
    )
    AgreementTerm.objects.filter(agreement=agreement).update(due_on=settled_day + dt.timedelta(days=10))
    follow_up = settled_day + dt.timedelta(days=17)
    FollowUp.objects.filter(dispute=dispute).update(due_on=follow_up, done_at=_at(follow_up, 10))


def _retime(dispute: Dispute, plan: dict[str, Any]) -> None:
    """Move a dispute of an older load onto the committee's timing, only while its timeline is the
    demo's own (nobody has worked on it since): the rows are imported history, rewritten whole."""
    registered, _settled, closed = _times(plan)
    if dispute.archived_at == closed:
        return
    events = list(CaseEvent.objects.filter(case=dispute.case_id).order_by("at", "pk"))
    agreements = list(dispute.agreements.all())
    if tuple(event.action for event in events) != _OLD_TIMELINE or len(agreements) != 1:
        return
    if dispute.registered_at != registered or dispute.sessions.count() != 1:
        return
    actor = events[0].actor
    CaseEvent.objects.filter(case=dispute.case_id).delete()
    _dated(dispute, agreements[0], plan)
    _timeline(dispute, agreements[0], plan, actor)


def _create(
    plan: dict[str, Any],
    index: int,
    *,
    town: Any,
    main: MediationOrganization,
    rooms: dict[str, Room],
    police: Department | None,
    mediators: list[Any],
    clerk: Any,
    links: _Links,
) -> None:
    organization = plan["by_village"] or main
    grid = links.grid(plan)
    mediator = mediators[index % len(mediators)] if mediators else None
    actor = mediator or clerk
    registered, settled, closed = _times(plan)
    settled_day = plan["settled_day"]
    room = (
        rooms.get(DOCKING_ROOM)
        if plan["source"] == "referral"
        else (
            rooms.get(ROOM_NAME)
            if plan["kind"] in ("marriage_family", "neighbour") and index % 3 != 2
            else None
        )
    )
    case = Case.objects.create(
        number=next_case_number(town, plan["day"].year),
        tracking_code=_tracking_code(index),
        kind=Kind.DISPUTE,
        channel=Channel.REFERRAL if plan["source"] == "referral" else Channel.WINDOW,
        title=plan["title"],
        description=plan["facts"],
        town=town,
        grid=grid,
        address=plan["applicant"]["address"],
        reporter_name=plan["applicant"]["name"],
        reported_by=actor,
        status=Status.CLOSED,
        accepted_at=registered,
        resolved_at=settled,
        verified_at=closed,
        closed_at=closed,
        result=f"达成调解协议：{plan['terms'][0]}",
    )
    Case.objects.filter(pk=case.pk).update(created_at=registered)
    seq, number = next_dossier_number(organization, plan["day"].year)
    dispute = Dispute.objects.create(
        case=case,
        dispute_type=plan["kind"],
        amount=plan["amount"],
        people_count=plan["people"],
        source=plan["source"],
        referral=plan["referral"],
        risk_grade=plan["risk"],
        risk_criminal=plan["risk_criminal"],
        risk_group_petition=plan["risk_group_petition"],
        organization=organization,
        lead_mediator=mediator,
        room=room,
        dossier_year=plan["day"].year,
        dossier_seq=seq,
        dossier_number=number,
        registered_at=registered,
        rights_notice_given=True,
        facts=plan["facts"],
        settle_due_on=plan["day"] + dt.timedelta(days=30),
        outcome=Outcome.AGREEMENT,
        outcome_at=settled,
        archived_at=closed,
        archived_by=actor,
    )
    if plan["source"] == "screening" and grid is not None:
        dispute.screening = _screening(dispute, plan, grid, links)
        dispute.save(update_fields=["screening"])
    if police is not None and (plan["referral"] == "police" or plan["risk_criminal"]):
        dispute.invited_units.add(police)
    if plan["by_village"] is not None and plan["by_village"].department_id:
        dispute.invited_units.add(plan["by_village"].department_id)
    for role in ("applicant", "respondent"):
        Party.objects.create(dispute=dispute, **plan[role])
    MediationSession.objects.create(
        dispute=dispute,
        held_at=settled - dt.timedelta(hours=4),
        ends_at=settled - dt.timedelta(hours=3),
        place=room.name if room else f"{plan['village_name']}村委会调解室",
        room=room,
        participants=f"{plan['applicant']['name']}、{plan['respondent']['name']}、调解员",
        minutes=f"双方陈述了{plan['points']}的意见，经调解员释法说理，双方自愿达成协议。",
        outcome=MediationSession.Outcome.AGREEMENT,
        recorded_by=actor,
    )
    agreement = Agreement.objects.create(
        dispute=dispute,
        form=Agreement.Form.WRITTEN,
        facts=plan["facts"],
        points_in_dispute=plan["points"],
        signed_on=settled_day,
        effective_on=settled_day,
        recorded_by=actor,
        confirmation_applied_on=settled_day + dt.timedelta(days=5) if plan["confirm"] else None,
        confirmation_court="崆峒区人民法院" if plan["confirm"] else "",
        court_decision=Agreement.CourtDecision.CONFIRMED if plan["confirm"] else "",
        decided_on=settled_day + dt.timedelta(days=12) if plan["confirm"] else None,
    )
    for position, content in enumerate(plan["terms"], start=1):
        AgreementTerm.objects.create(
            agreement=agreement,
            position=position,
            content=content,
            manner="现金或转账" if plan["amount"] and position == len(plan["terms"]) else "自行履行",
            place=plan["village_name"] or town.name,
            due_on=settled_day + dt.timedelta(days=10),
            amount=plan["amount"] if plan["amount"] and position == len(plan["terms"]) else None,
            performance=AgreementTerm.Performance.DONE,
        )
    FollowUp.objects.create(
        dispute=dispute,
        due_on=settled_day + dt.timedelta(days=17),
        done_at=_at(settled_day + dt.timedelta(days=17), 10),
        method=FollowUp.Method.PHONE,
        content="协议已履行，双方无新的矛盾。",
        by=actor,
    )
    DossierDocument.objects.create(
        dispute=dispute, kind=DocumentKind.IDENTITY, title="当事人身份证复印件", pages=2, added_by=actor
    )
    _dated(dispute, agreement, plan)
    _timeline(dispute, agreement, plan, actor)
