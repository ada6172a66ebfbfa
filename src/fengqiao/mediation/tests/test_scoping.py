"""Who sees which dispute, and parties' identifiers masked without `view_sensitive`."""

from __future__ import annotations

import pytest
from django.http import Http404

from fengqiao.core.models import AuditEvent
from fengqiao.mediation.models import Dispute, Party
from fengqiao.mediation.queries import get_dispute_for_user, parties_for
from fengqiao.testing import builders

from .conftest import ID_APPLICANT, make_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputes(mediator, other_mediator, clerk, committee, village_committee):
    own_org = make_dispute(clerk, committee, lead_mediator=None)
    led = make_dispute(clerk, village_committee, lead_mediator=mediator)
    helping = make_dispute(clerk, village_committee, lead_mediator=other_mediator, mediators=[mediator])
    foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    return {"own_org": own_org, "led": led, "helping": helping, "foreign": foreign}


def visible(user):
    return set(Dispute.objects.visible_to(user).values_list("pk", flat=True))


def test_a_mediator_sees_disputes_they_mediate_or_of_their_organisation(mediator, disputes):
    assert visible(mediator) == {disputes[k].pk for k in ("own_org", "led", "helping")}
    with pytest.raises(Http404):
        get_dispute_for_user(mediator, disputes["foreign"].pk)
    with pytest.raises(Http404):
        get_dispute_for_user(mediator, 999999)


def test_center_staff_see_the_town_and_officers_their_organisation(clerk, leader, judicial, police, disputes):
    everything = {d.pk for d in disputes.values()}
    assert visible(clerk) == everything
    assert visible(leader) == everything
    # The judicial office runs the town committee; the police station nothing (until invited).
    assert visible(judicial) == {disputes["own_org"].pk}
    assert visible(police) == set()
    disputes["foreign"].invited_units.add(police.department)
    assert visible(police) == {disputes["foreign"].pk}


def test_another_towns_staff_and_grid_workers_elsewhere_see_nothing(town, disputes, worker_b):
    other_town = builders.make_region("620802102000", "别的镇", "town", parent=town.county)
    stranger = builders.make_user("stranger", "clerk", regions=[other_town])
    assert visible(stranger) == set()
    assert visible(worker_b) == set()


def test_parties_are_masked_without_view_sensitive(mediator, committee):
    dispute = make_dispute(mediator, committee)
    views = {v.party.role: v for v in parties_for(dispute, mediator)}
    assert views["applicant"].resident_id == "620802***********8"
    assert views["applicant"].phone == "139****5678"
    assert not AuditEvent.objects.filter(action="sensitive.read").exists()

    mediator.view_sensitive = True
    mediator.save()
    views = {v.party.role: v for v in parties_for(dispute, mediator)}
    assert views["applicant"].resident_id == ID_APPLICANT
    assert views["applicant"].phone == "+8613912345678"
    assert AuditEvent.objects.filter(action="sensitive.read", object_type="mediation.party").count() == 6


def test_parties_follow_their_dispute(mediator, other_mediator, village_committee, clerk):
    dispute = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    assert not Party.objects.visible_to(mediator).exists()
    assert Party.objects.visible_to(other_mediator).filter(dispute=dispute).count() == 2
