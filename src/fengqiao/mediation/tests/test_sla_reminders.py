"""The judicial-confirmation reminder reaches every mediator of the dispute, or the organisation's
mediators when none is named, once each (audit #7: the lead is optional at registration)."""

from __future__ import annotations

import pytest
import time_machine

from fengqiao.cases.models import Notification
from fengqiao.mediation import sla
from fengqiao.mediation.models import Dispute
from fengqiao.testing import builders

from .conftest import agree, local, make_dispute

pytestmark = pytest.mark.django_db


def _signed(by, organization, **fields):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(by, organization, **fields)
        agree(dispute, by, signed_on="2026-11-02")
    return Dispute.objects.get(pk=dispute.pk)


def _remind_twice():
    with time_machine.travel(local(2026, 11, 25, 10, 0), tick=False):
        assert len(sla.sweep().reminded) == 1
        assert sla.sweep().reminded == []


def reminded(dispute):
    rows = Notification.objects.filter(case=dispute.case, text__contains="judicial confirmation")
    return sorted(rows.values_list("user__username", flat=True))


def test_every_mediator_of_the_dispute_is_reminded_once(mediator, other_mediator, committee):
    dispute = _signed(mediator, committee)
    dispute.mediators.add(other_mediator, mediator)
    _remind_twice()
    assert reminded(dispute) == sorted([mediator.username, other_mediator.username])


def test_without_a_lead_the_named_mediators_are(mediator, other_mediator, committee):
    dispute = _signed(mediator, committee)
    Dispute.objects.filter(pk=dispute.pk).update(lead_mediator=None)
    dispute.mediators.add(other_mediator)
    _remind_twice()
    assert reminded(dispute) == [other_mediator.username]


def test_with_nobody_named_the_organisations_mediators_are(town, clerk, mediator, other_mediator, committee):
    committee.members.add(other_mediator)
    gone = builders.make_user("mediator3", "mediator", regions=[town.town])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    committee.members.add(gone)
    dispute = _signed(clerk, committee)
    Dispute.objects.filter(pk=dispute.pk).update(lead_mediator=None)
    dispute.mediators.clear()
    _remind_twice()
    assert reminded(dispute) == sorted([mediator.username, other_mediator.username])
