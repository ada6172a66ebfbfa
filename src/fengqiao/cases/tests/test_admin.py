"""The admin edits case policy, administrators only, audited."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.cases.models import SLAPolicy
from fengqiao.core.models import AuditEvent


def test_an_administrator_changes_a_time_limit_and_it_is_audited(client, administrator):
    policy = SLAPolicy.objects.get(kind="appeal", urgency="")
    client.force_login(administrator)
    url = reverse("admin:cases_slapolicy_change", args=[policy.pk])
    response = client.post(
        url, {"kind": "appeal", "urgency": "", "ack_hours": 4, "resolve_days": 7, "warn_share": "0.75"}
    )
    assert response.status_code == 302, response.content[:500]
    policy.refresh_from_db()
    assert (policy.ack_hours, policy.resolve_days) == (4, 7)
    row = AuditEvent.objects.get(action="slapolicy.admin_change")
    assert row.changes["resolve_days"] == [10, 7]


def test_a_clerk_cannot_open_the_policy_admin(client, clerk):
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    response = client.get(reverse("admin:cases_slapolicy_changelist"))
    assert response.status_code in (302, 403)
