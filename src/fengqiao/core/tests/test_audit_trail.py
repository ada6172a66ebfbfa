"""The audit trail (审计日志): written by services with who, what, which object, when, from where;
append-only in Python and, below it, in the database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from fengqiao.accounts import services
from fengqiao.accounts.models import Role
from fengqiao.core import audit
from fengqiao.core.models import AuditEvent, AuditTrailError
from fengqiao.testing.builders import PASSWORD

NOW = dt.datetime(2026, 5, 6, 1, 2, 3, tzinfo=dt.UTC)
NEW_PASSWORD = "violet-harbour-kettle-9"


@pytest.fixture
def event(administrator, clerk) -> AuditEvent:
    return audit.record(
        "user.update", by=administrator, obj=clerk, changes={"role": ["clerk", "duty_leader"]}
    )


def test_a_request_records_who_what_which_object_when_and_from_where(client, clerk):
    client.force_login(clerk)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
            REMOTE_ADDR="203.0.113.7",
            HTTP_USER_AGENT="Mozilla/5.0 test",
        )
    assert response.status_code == 302
    row = AuditEvent.objects.get(action="user.set_password")
    assert (row.actor, row.actor_name) == (clerk, "clerk")
    assert (row.object_type, row.object_id, row.object_repr) == ("accounts.user", str(clerk.pk), "clerk")
    assert row.at == NOW
    assert (row.ip_address, row.user_agent) == ("203.0.113.7", "Mozilla/5.0 test")


def test_forwarded_for_headers_do_not_forge_where_from(client, clerk):
    client.post(
        reverse("accounts:login"),
        {"username": "clerk", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.1",
        HTTP_X_FORWARDED_FOR="10.0.0.99",
    )
    assert AuditEvent.objects.get(action="auth.login").ip_address == "198.51.100.1"


def test_outside_a_request_there_is_no_address_and_the_actor_may_be_the_system(administrator, db):
    user = services.create_user(by=administrator, username="w1", role=Role.GRID_WORKER)
    row = AuditEvent.objects.get(action="user.create")
    assert row.ip_address is None
    assert row.object_id == str(user.pk)
    assert audit.record("nightly.sweep", by=None).actor_name == "system"


def test_the_context_is_reset_after_a_block(db):
    with audit.audit_context("192.0.2.1", "x" * 400):
        inside = audit.record("test.inside", by=None)
    outside = audit.record("test.outside", by=None)
    assert inside.ip_address == "192.0.2.1"
    assert len(inside.user_agent) == 300
    assert outside.ip_address is None


def test_a_row_cannot_be_saved_again(event):
    event.action = "user.nothing"
    with pytest.raises(AuditTrailError):
        event.save()
    event.refresh_from_db()
    assert event.action == "user.update"


def test_a_row_cannot_be_deleted(event):
    with pytest.raises(AuditTrailError):
        event.delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_querysets_cannot_update_or_delete(event):
    with pytest.raises(AuditTrailError):
        AuditEvent.objects.filter(pk=event.pk).update(action="user.nothing")
    with pytest.raises(AuditTrailError):
        AuditEvent.objects.all().delete()
    event.action = "user.nothing"
    with pytest.raises(AuditTrailError):
        AuditEvent.objects.bulk_update([event], ["action"])
    assert AuditEvent.objects.get(pk=event.pk).action == "user.update"


def test_raw_sql_update_is_refused_by_the_database(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = %s WHERE id = %s", ["user.nothing", event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "user.update"


def test_raw_sql_delete_is_refused_by_postgresql(event):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE, so test teardown needs DELETE (see migration core/0002)")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_triggers_exist(db):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'"
            )
        names = {row[0] for row in cursor.fetchall()}
    assert names & {"core_auditevent_no_update", "core_auditevent_no_change"}


def test_diff_and_snapshot_give_json_safe_changes(clerk, town):
    before = audit.snapshot(clerk, ["role", "department", "full_name"])
    clerk.role, clerk.department = Role.DEPARTMENT_OFFICER, town.police_station
    assert audit.diff(clerk, before, ["role", "department", "full_name"]) == {
        "role": ["clerk", "department_officer"],
        "department": [None, "安国派出所"],
    }
