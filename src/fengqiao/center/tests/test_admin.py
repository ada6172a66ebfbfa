"""Django admin for the organisation: administrators only; every add, change and delete audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from fengqiao.center.models import Department, DutyShift
from fengqiao.center.tests.conftest import audit_rows
from fengqiao.testing import builders


def test_only_administrators_reach_the_center_admin(client, town, clerk):
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    response = client.get(reverse("admin:center_department_changelist"))
    assert response.status_code == 302  # to the admin login: not an administrator


def test_admin_changes_to_a_department_are_audited(client, town, administrator):
    client.force_login(administrator)
    assert client.get(reverse("admin:center_department_changelist")).status_code == 200
    url = reverse("admin:center_department_change", args=[town.police_station.pk])
    assert client.get(url).status_code == 200
    data = {
        "name": "安国派出所",
        "kind": "police",
        "stationing": "permanent",
        "region": town.town.pk,
        "contact_name": "",
        "contact_phone": "",
        "is_active": "on",
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [row] = audit_rows("department.admin_change")
    assert row.changes == {"stationing": ["on_call", "permanent"]}
    assert row.actor == administrator


def test_admin_add_and_delete_are_audited(client, town, administrator):
    client.force_login(administrator)
    data = {
        "name": "安国教育办",
        "kind": "education",
        "stationing": "on_call",
        "region": town.town.pk,
        "is_active": "on",
        "windows-TOTAL_FORMS": "0",
        "windows-INITIAL_FORMS": "0",
        "windows-MIN_NUM_FORMS": "0",
        "windows-MAX_NUM_FORMS": "1000",
    }
    assert client.post(reverse("admin:center_department_add"), data).status_code == 302
    department = Department.objects.get(name="安国教育办")
    [row] = audit_rows("department.admin_add")
    assert row.changes["kind"] == [None, "education"]
    url = reverse("admin:center_department_delete", args=[department.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Department.objects.filter(pk=department.pk).exists()
    [row] = audit_rows("department.admin_delete")
    assert row.changes["name"] == ["安国教育办", None]


def test_admin_bulk_delete_audits_each_row(client, town, administrator, duty_leader):
    shifts = [
        DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, day), leader=duty_leader)
        for day in (2, 3)
    ]
    client.force_login(administrator)
    response = client.post(
        reverse("admin:center_dutyshift_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in shifts], "post": "yes"},
    )
    assert response.status_code == 302
    assert not DutyShift.objects.exists()
    assert len(audit_rows("dutyshift.admin_delete")) == 2


def test_the_admin_applies_the_duty_leader_rule(client, town, administrator, worker_a, duty_leader):
    client.force_login(administrator)
    url = reverse("admin:center_dutyshift_add")
    data = {"town": town.town.pk, "date": "2026-11-02", "leader": worker_a.pk, "note": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert not DutyShift.objects.exists()
    assert not audit_rows("dutyshift.admin_add")
    response = client.post(url, {**data, "leader": duty_leader.pk})
    assert response.status_code == 302
    [row] = audit_rows("dutyshift.admin_add")
    assert row.changes["leader"] == [None, "值班甲"]


def test_the_admin_applies_the_window_rule(client, town, administrator):
    other_town = builders.make_region("620802102000", "别镇", "town", parent=town.county)
    client.force_login(administrator)
    data = {"town": other_town.pk, "number": 1, "name": "窗口", "department": town.police_station.pk}
    response = client.post(reverse("admin:center_window_add"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "does not work in" in str(response.context["adminform"].form.errors)
