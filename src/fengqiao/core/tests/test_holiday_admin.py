"""Administrators correct the working-day calendar in the admin; every change is audited."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from fengqiao.core.calendar import is_workday
from fengqiao.core.models import AuditEvent, Holiday


def test_an_administrator_adds_an_adjusted_working_saturday(client, administrator):
    client.force_login(administrator)
    saturday = dt.date(2031, 2, 8)
    assert not is_workday(saturday)
    response = client.post(
        reverse("admin:core_holiday_add"),
        {"date": saturday.isoformat(), "is_workday": "on", "name": "春节调休"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Holiday.objects.get(date=saturday).is_workday
    assert is_workday(saturday)
    assert AuditEvent.objects.filter(
        action="holiday.set", object_id=str(Holiday.objects.get(date=saturday).pk)
    ).exists()


def test_deleting_an_exception_restores_the_plain_week_and_is_audited(client, administrator):
    day = dt.date(2031, 1, 1)  # a Wednesday
    Holiday.objects.create(date=day, is_workday=False, name="元旦")
    assert not is_workday(day)
    client.force_login(administrator)
    holiday = Holiday.objects.get(date=day)
    response = client.post(reverse("admin:core_holiday_delete", args=[holiday.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Holiday.objects.filter(date=day).exists()
    assert is_workday(day)
    assert AuditEvent.objects.filter(action="holiday.delete", object_id=str(day)).exists()


def test_the_calendar_is_not_open_to_other_roles(client, clerk):
    clerk.is_staff = True
    clerk.save(update_fields=["is_staff"])
    client.force_login(clerk)
    assert client.get(reverse("admin:core_holiday_changelist")).status_code in (302, 403)


def test_the_audit_trail_is_not_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "auditevent" not in response.content.decode().lower()
