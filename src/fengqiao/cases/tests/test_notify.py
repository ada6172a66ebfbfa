"""Notifications: the in-app inbox, and the outbound channels after commit (a fake local gateway,
never the network), retried, never failing the request."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail

from fengqiao.cases import notify, queries, services, tasks
from fengqiao.cases.models import Notification
from fengqiao.cases.tests.conftest import lead, local, make_case


class Gateway:
    """A fake SMS gateway and robot webhook on 127.0.0.1, answering with `status` and `body`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self.status = 200
        self.body: dict[str, Any] = {"errcode": 0}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers["Content-Length"])
                gateway.requests.append((self.path, json.loads(self.rfile.read(length)), dict(self.headers)))
                self.send_response(gateway.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps(gateway.body).encode())

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def gateway(settings):
    server = Gateway()
    settings.NOTIFY_CHANNELS = ["logging", "sms", "webhook", "email"]
    settings.NOTIFY_SMS_URL = f"{server.url}/sms"
    settings.NOTIFY_SMS_TOKEN = "t0ken"
    settings.NOTIFY_WEBHOOK_URL = f"{server.url}/robot"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    yield server
    server.close()


@pytest.fixture
def accepted(frozen, clerk):
    return services.accept_case(make_case(clerk), by=clerk)


def test_dispatch_notifies_the_department_in_app_and_outbound_after_commit(
    accepted, town, clerk, police, gateway, django_capture_on_commit_callbacks
):
    police.phone, police.email = "13800000002", "police@example.invalid"
    police.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_case(accepted, by=clerk, assignments=[lead(town.police_station)])
        # Nothing leaves before the commit.
        assert gateway.requests == [] and mail.outbox == []

    notification = Notification.objects.get(user=police)
    assert notification.verb == "assigned" and notification.delivered_at is not None
    assert queries.unread_count(police) == 1
    paths = sorted(path for path, _body, _headers in gateway.requests)
    assert paths == ["/robot", "/sms"]
    sms = next(body for path, body, _h in gateway.requests if path == "/sms")
    assert sms["phone"] == "13800000002" and accepted.number in sms["text"]
    headers = next(h for path, _b, h in gateway.requests if path == "/sms")
    assert headers["Authorization"] == "Bearer t0ken"
    robot = next(body for path, body, _h in gateway.requests if path == "/robot")
    assert robot["msgtype"] == "text" and accepted.number in robot["text"]["content"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["police@example.invalid"]


def test_a_failing_gateway_is_retried_later_and_never_fails_the_request(
    accepted, town, clerk, police, gateway, django_capture_on_commit_callbacks, frozen
):
    gateway.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_case(accepted, by=clerk, assignments=[lead(town.police_station)])
    notification = Notification.objects.get(user=police)
    assert notification.delivered_at is None and notification.attempts == 1
    assert "webhook" in notification.last_error

    gateway.status = 200
    # Back-off: not before 2 minutes after the first attempt.
    assert notify.retry_undelivered(local(2026, 11, 2, 10, 1)) == 0
    assert notify.retry_undelivered(local(2026, 11, 2, 10, 2)) == 1
    notification.refresh_from_db()
    assert (
        notification.delivered_at is not None and notification.attempts == 2 and notification.last_error == ""
    )


def test_a_robot_error_code_counts_as_not_delivered(accepted, police, gateway):
    gateway.body = {"errcode": 93000, "errmsg": "invalid webhook url"}
    row = Notification.objects.create(user=police, verb="other", case=accepted, text="测试")
    assert notify.send(row) is False
    row.refresh_from_db()
    assert "93000" in row.last_error


def test_retries_stop_after_the_maximum(accepted, police, settings):
    settings.NOTIFY_MAX_ATTEMPTS = 3
    row = Notification.objects.create(user=police, verb="other", case=accepted, text="x", attempts=3)
    assert notify.retry_undelivered(local(2026, 12, 1, 10, 0)) == 0
    row.refresh_from_db()
    assert row.attempts == 3


def test_a_delivered_notification_is_not_sent_twice(accepted, police, gateway):
    row = Notification.objects.create(user=police, verb="other", case=accepted, text="x")
    assert notify.send(row) is True
    stale = Notification.objects.get(pk=row.pk)
    stale.attempts = 0  # a second worker holding an old copy
    assert notify.send(stale) is False
    assert len([r for r in gateway.requests if r[0] == "/robot"]) == 1


def test_a_broken_task_queue_does_not_fail_the_service(
    accepted, town, clerk, police, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenQueue:
        def enqueue(self, *args: Any) -> None:
            raise ConnectionError("queue down")

    monkeypatch.setattr(tasks, "deliver_notifications", BrokenQueue())
    with django_capture_on_commit_callbacks(execute=True):
        services.dispatch_case(accepted, by=clerk, assignments=[lead(town.police_station)])
    assert Notification.objects.get(user=police).delivered_at is None


def test_the_inbox_marks_read(accepted, police, clerk):
    rows = [
        Notification.objects.create(user=police, verb="other", case=accepted, text=str(i)) for i in range(3)
    ]
    services.mark_notification_read(rows[0], by=police)
    assert queries.unread_count(police) == 2
    with pytest.raises(Exception, match="someone else"):
        services.mark_notification_read(rows[1], by=clerk)
    assert services.mark_all_notifications_read(by=police) == 2
    assert queries.unread_count(police) == 0


def test_the_check_clocks_task_sweeps(frozen, clerk, django_capture_on_commit_callbacks):
    case = make_case(clerk)
    frozen.move_to(local(2026, 11, 3, 10, 0))
    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.check_clocks.enqueue()
    assert result.return_value["overdue"] == 1
    case.refresh_from_db()
    assert case.sla_state == "overdue"


def test_the_settings_refuse_an_unknown_channel(monkeypatch):
    import importlib

    from django.core.exceptions import ImproperlyConfigured

    import fengqiao.settings as project_settings

    monkeypatch.setenv("NOTIFY_CHANNELS", "logging,pigeon")
    with pytest.raises(ImproperlyConfigured, match="pigeon"):
        importlib.reload(project_settings)
    monkeypatch.setenv("NOTIFY_CHANNELS", "sms")
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_SMS_URL"):
        importlib.reload(project_settings)
    monkeypatch.delenv("NOTIFY_CHANNELS")
    importlib.reload(project_settings)


def test_supervision_orders_are_answered_once(frozen, town, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    supervision = services.raise_supervision(case, by=leader, note="请本周内办结")
    assert supervision.automatic is False
    services.answer_supervision(supervision, by=leader, answer="已协调派出所")
    from fengqiao.cases.exceptions import CaseError

    with pytest.raises(CaseError) as error:
        services.answer_supervision(supervision, by=leader, answer="again")
    assert error.value.http_status == 409
    assert case.events.filter(action__in=["supervise", "answer_supervision"]).count() == 2
    assert dt.timedelta(0) == supervision.raised_at - local(2026, 11, 2, 10, 0)
