"""Sessions planned ahead (date and time, room or place, planned participants), then held with
minutes, or cancelled / postponed with a reason; a room is never booked twice at once."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fengqiao.cases.models import CaseEvent
from fengqiao.center.models import Room
from fengqiao.mediation import queries, services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import MediationSession
from fengqiao.testing.builders import api_client

from .conftest import local, make_dispute

pytestmark = pytest.mark.django_db

NOW = local(2026, 11, 2, 9, 0)


def plan(dispute, by, room, hour, minute=0, **fields):
    return services.plan_session(
        dispute,
        by=by,
        held_at=local(2026, 11, 2, hour, minute),
        room=room,
        participants="李春花、王大山",
        **fields,
    )


def test_a_session_is_planned_without_minutes_then_held(mediator, committee, room):
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        session = plan(dispute, mediator, room, 14)
        assert (session.status, session.minutes, session.place) == ("planned", "", room.name)
        assert session.ends_at == local(2026, 11, 2, 15, 0)
        assert session.planned_participants == "李春花、王大山"
        assert not any(item.present for item in queries.dossier_checklist(dispute) if item.kind == "minutes")
    with time_machine.travel(local(2026, 11, 2, 15, 30), tick=False):
        held = services.hold_session(session, by=mediator, minutes="双方同意改沟", outcome="agreement")
    assert (held.status, held.participants, held.outcome) == ("held", "李春花、王大山", "agreement")
    assert [e.action for e in CaseEvent.objects.filter(case=dispute.case)][-2:] == [
        "plan_session",
        "record_session",
    ]
    assert any(item.present for item in queries.dossier_checklist(dispute) if item.kind == "minutes")


def test_holding_needs_minutes_and_a_planned_session(mediator, committee, room):
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        session = plan(dispute, mediator, room, 10)
        with pytest.raises(MediationError) as error:
            services.hold_session(session, by=mediator, minutes="  ")
        assert error.value.fields == {"minutes": "This field is required."}
        with pytest.raises(MediationError) as error:
            services.hold_session(session, by=mediator, minutes="m", held_at=local(2026, 11, 2, 11, 0))
        assert "held_at" in error.value.fields  # not in the future
        services.cancel_session(session, by=mediator, reason="申请人生病")
        with pytest.raises(MediationError) as error:
            services.hold_session(session, by=mediator, minutes="m")
        assert error.value.http_status == 409 and error.value.current_status == "cancelled"


def test_planning_is_ahead_and_names_a_room_or_place(mediator, committee):
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        with pytest.raises(MediationError) as error:
            services.plan_session(dispute, by=mediator, held_at=local(2026, 11, 2, 8, 0), place="村委会")
        assert "held_at" in error.value.fields
        with pytest.raises(MediationError) as error:
            services.plan_session(dispute, by=mediator, held_at=local(2026, 11, 2, 10, 0))
        assert "place" in error.value.fields
        with pytest.raises(MediationError) as error:
            services.plan_session(
                dispute,
                by=mediator,
                held_at=local(2026, 11, 2, 10, 0),
                ends_at=local(2026, 11, 2, 10, 0),
                place="村委会",
            )
        assert "ends_at" in error.value.fields
        session = services.plan_session(
            dispute, by=mediator, held_at=local(2026, 11, 2, 10, 0), place="村委会"
        )
        assert session.room is None and session.place == "村委会"


def test_a_room_is_not_booked_twice_at_overlapping_times(mediator, committee, room, town):
    with time_machine.travel(NOW, tick=False):
        first = make_dispute(mediator, committee)
        second = make_dispute(mediator, committee)
        plan(first, mediator, room, 10)  # 10:00-11:00
        for hour, minute in ((10, 0), (10, 30), (9, 30)):
            with pytest.raises(MediationError) as error:
                plan(second, mediator, room, hour, minute)
            assert error.value.http_status == 409 and error.value.code == "room_booked"
            assert "知心姐姐调解室" in str(error.value) and "10:00" in str(error.value)
        with pytest.raises(MediationError):  # a held session books the room too
            services.record_session(
                second,
                by=mediator,
                participants="双方",
                minutes="m",
                held_at=local(2026, 11, 2, 10, 15),
                room=room,
            )
        # Back to back is fine, and so is another room at the same time.
        assert plan(second, mediator, room, 11).status == "planned"
        other = Room.objects.create(town=town.town, name="第二调解室", purpose="mediation")
        assert plan(second, mediator, other, 10).status == "planned"


def test_cancelling_frees_the_room_and_postponing_moves_the_booking(mediator, committee, room):
    with time_machine.travel(NOW, tick=False):
        first = make_dispute(mediator, committee)
        second = make_dispute(mediator, committee)
        booked = plan(first, mediator, room, 10)
        with pytest.raises(MediationError) as error:
            services.cancel_session(booked, by=mediator, reason="")
        assert "reason" in error.value.fields
        services.cancel_session(booked, by=mediator, reason="被申请人外出")
        taken = plan(second, mediator, room, 10)
        moved = services.postpone_session(
            taken, by=mediator, reason="调解员临时出差", held_at=local(2026, 11, 3, 10, 0)
        )
        taken.refresh_from_db()
        assert (taken.status, taken.status_reason, taken.postponed_to) == (
            "postponed",
            "调解员临时出差",
            moved,
        )
        assert (moved.status, moved.room, moved.held_at) == ("planned", room, local(2026, 11, 3, 10, 0))
        assert moved.planned_participants == "李春花、王大山"
        # The old slot is free again; the new one is taken.
        assert plan(first, mediator, room, 10).status == "planned"
        with pytest.raises(MediationError):
            services.plan_session(first, by=mediator, held_at=local(2026, 11, 3, 10, 30), room=room)
    actions = list(CaseEvent.objects.filter(case=second.case).values_list("action", flat=True))
    assert actions[-2:] == ["plan_session", "postpone_session"]
    assert "cancel_session" in CaseEvent.objects.filter(case=first.case).values_list("action", flat=True)


def test_sessions_today_lists_the_planned_and_the_held(mediator, committee, room):
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        held = services.record_session(
            dispute, by=mediator, participants="双方", minutes="第一次", held_at=local(2026, 11, 2, 8, 0)
        )
        planned = plan(dispute, mediator, room, 15)
        cancelled = plan(dispute, mediator, room, 10)
        services.cancel_session(cancelled, by=mediator, reason="改期")
        replanned = plan(dispute, mediator, room, 10)
        services.plan_session(dispute, by=mediator, held_at=local(2026, 11, 3, 10, 0), place="村委会")
        bench = queries.workbench(mediator)
    # Tomorrow's and the cancelled session are not today's.
    assert [s.pk for s in bench.sessions_today] == [held.pk, replanned.pk, planned.pk]
    assert [s.status for s in bench.sessions_today] == ["held", "planned", "planned"]


def test_the_workbench_page_shows_todays_planned_session(client, mediator, committee, room):
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        plan(dispute, mediator, room, 14)
        client.force_login(mediator)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the page's words are translated now
        page = client.get(reverse("mediation:workbench")).content.decode()
    listed = page.split('data-testid="sessions-today"')[1].split("</ul>")[0]
    assert dispute.dossier_number in listed and "14:00" in listed and "Planned" in listed


def test_sessions_through_the_api(mediator, committee, room):
    api = api_client(mediator)
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        other = make_dispute(mediator, committee)
        response = api.post(
            f"/api/v1/disputes/{dispute.pk}/sessions/",
            {
                "status": "planned",
                "held_at": "2026-11-02T14:00:00+08:00",
                "ends_at": "2026-11-02T15:30:00+08:00",
                "room": room.pk,
                "participants": "李春花、王大山",
            },
            format="json",
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["status"], body["minutes"], body["planned_participants"]) == (
            "planned",
            "",
            "李春花、王大山",
        )
        session = body["id"]
        response = api.post(
            f"/api/v1/disputes/{other.pk}/sessions/",
            {"status": "planned", "held_at": "2026-11-02T15:00:00+08:00", "room": room.pk},
            format="json",
        )
        assert response.status_code == 409 and response.json()["code"] == "room_booked"
        # Without a status the endpoint keeps its contract: a held session needs its minutes.
        response = api.post(
            f"/api/v1/disputes/{dispute.pk}/sessions/", {"participants": "双方"}, format="json"
        )
        assert response.status_code == 400 and "minutes" in response.json()["fields"]
        assert api.get(f"/api/v1/mediation-sessions/{session}/").json()["status"] == "planned"
    with time_machine.travel(local(2026, 11, 2, 16, 0), tick=False):
        response = api.post(
            f"/api/v1/mediation-sessions/{session}/hold/",
            {"minutes": "双方达成一致", "outcome": "agreement"},
            format="json",
        )
        assert response.status_code == 200, response.json()
        assert (response.json()["status"], response.json()["participants"]) == ("held", "李春花、王大山")
        response = api.post(f"/api/v1/mediation-sessions/{session}/cancel/", {"reason": "x"}, format="json")
        assert response.status_code == 409 and response.json()["current_status"] == "held"
        response = api.post(
            f"/api/v1/disputes/{other.pk}/sessions/",
            {"status": "planned", "held_at": "2026-11-03T09:00:00+08:00", "place": "村委会"},
            format="json",
        )
        planned = response.json()["id"]
        response = api.post(
            f"/api/v1/mediation-sessions/{planned}/postpone/",
            {"reason": "下雪", "held_at": "2026-11-04T09:00:00+08:00"},
            format="json",
        )
        assert response.status_code == 200 and response.json()["id"] != planned
        response = api.post(f"/api/v1/mediation-sessions/{response.json()['id']}/cancel/", {"reason": "撤回"})
        assert response.json()["status"] == "cancelled"
    assert MediationSession.objects.filter(dispute=other).count() == 2


def test_a_session_out_of_scope_is_404(mediator, other_mediator, village_committee, clerk, room):
    with time_machine.travel(NOW, tick=False):
        foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
        session = services.plan_session(foreign, by=clerk, held_at=local(2026, 11, 2, 10, 0), room=room)
        api = api_client(mediator)
        assert api.get(f"/api/v1/mediation-sessions/{session.pk}/").status_code == 404
        response = api.post(
            f"/api/v1/mediation-sessions/{session.pk}/cancel/", {"reason": "x"}, format="json"
        )
        assert response.status_code == 404


def test_plan_hold_and_refuse_on_the_page(client, mediator, committee, room):
    client.force_login(mediator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the message is translated when it is made
    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        other = make_dispute(mediator, committee)
        url = reverse("mediation:dispute_plan_session", args=[dispute.pk])
        data = {"held_at": "2026-11-02T14:00", "duration": 90, "room": room.pk, "participants": "双方"}
        assert client.post(url, data).status_code == 302
        session = dispute.sessions.get()
        assert (session.status, session.ends_at) == ("planned", local(2026, 11, 2, 15, 30))
        response = client.post(reverse("mediation:dispute_plan_session", args=[other.pk]), data, follow=True)
        assert "already booked" in response.content.decode() and not other.sessions.exists()
        detail = client.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
        assert f'data-testid="hold-form-{session.pk}"' in detail
    with time_machine.travel(local(2026, 11, 2, 16, 0), tick=False):
        client.force_login(mediator)  # the idle session ran out meanwhile
        response = client.post(
            reverse("mediation:dispute_hold_session", args=[dispute.pk]),
            {
                "session": session.pk,
                "participants": "李春花、王大山",
                "minutes": "和解",
                "outcome": "agreement",
            },
        )
        assert response.status_code == 302
        session.refresh_from_db()
        assert (session.status, session.minutes) == ("held", "和解")
        assert client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, session.pk])).status_code == 200
        planned = services.plan_session(
            dispute, by=mediator, held_at=local(2026, 11, 3, 9, 0), place="村委会"
        )
        # A planned session has no minutes to print.
        assert client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, planned.pk])).status_code == 404
        client.post(
            reverse("mediation:dispute_postpone_session", args=[dispute.pk]),
            {"session": planned.pk, "held_at": "2026-11-05T09:00", "duration": 60, "reason": "下雪"},
        )
        planned.refresh_from_db()
        assert planned.status == "postponed" and planned.postponed_to.held_at == local(2026, 11, 5, 9, 0)
        client.post(
            reverse("mediation:dispute_cancel_session", args=[dispute.pk]),
            {"session": planned.postponed_to.pk, "reason": "已和解"},
        )
        assert MediationSession.objects.get(pk=planned.postponed_to.pk).status == "cancelled"


def test_the_duration_default_is_an_hour(mediator, committee, room, settings):
    settings.MEDIATION_SESSION_MINUTES = 45
    with time_machine.travel(NOW, tick=False):
        session = plan(make_dispute(mediator, committee), mediator, room, 10)
    assert session.ends_at - session.held_at == dt.timedelta(minutes=45)


@pytest.mark.parametrize("outcome", ["agreement", "failure"])
def test_the_outcome_cancels_the_sessions_still_planned(mediator, committee, room, outcome):
    from .conftest import agree

    with time_machine.travel(NOW, tick=False):
        dispute = make_dispute(mediator, committee)
        held = services.record_session(dispute, by=mediator, participants="双方", minutes="和解")
        planned = plan(dispute, mediator, room, 14)
        if outcome == "agreement":
            agree(dispute, mediator)
        else:
            services.record_failure(dispute, by=mediator, reason="双方分歧太大", route="litigation")
        planned.refresh_from_db()
        assert planned.status == "cancelled" and planned.status_reason
        held.refresh_from_db()
        assert held.status == "held"
        assert [s.pk for s in queries.workbench(mediator).sessions_today] == [held.pk]
        # The room is free again for another dispute.
        assert plan(make_dispute(mediator, committee), mediator, room, 14).status == "planned"
