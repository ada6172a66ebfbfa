"""Outbound notifications (消息推送): one interface, `send(notification)`, over configured channels.

Every notification is first a row in the user's in-app inbox (`Notification`), written in the
transaction of the change. After commit a task (`cases.tasks.deliver_notifications`) calls `send`
for each row, which pushes it through every channel in `settings.NOTIFY_CHANNELS`:

* ``logging`` (the default): a log line, for the demo and for installations without gateways;
* ``sms``: an HTTP POST of ``{"phone", "text"}`` as JSON to `NOTIFY_SMS_URL` (the township's SMS
  gateway), with `NOTIFY_SMS_TOKEN` as a bearer token; users without a phone are skipped;
* ``webhook``: a WeCom (企业微信) or DingTalk (钉钉) group robot at `NOTIFY_WEBHOOK_URL`, which both
  accept ``{"msgtype": "text", "text": {"content": ...}}``;
* ``email``: Django's `send_mail` to the user's address; users without one are skipped.

`send` never raises: a failing channel is logged, counted in `attempts` with its error in
`last_error`, and retried by `retry_undelivered` (run by `fengqiao checkclocks`) with an
exponential back-off, until `NOTIFY_MAX_ATTEMPTS`. Each attempt is claimed with a conditional
UPDATE, so two workers never send the same attempt twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.request
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import F
from django.utils import timezone

from fengqiao.cases.models import Notification

logger = logging.getLogger(__name__)

CHANNELS = ("logging", "sms", "webhook", "email")


class ChannelError(Exception):
    """A channel could not deliver (gateway down, refused, bad answer)."""


def _post_json(url: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise ChannelError(f"not an HTTP URL: {url[:60]}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(payload, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.NOTIFY_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(65536)
    except OSError as exc:  # URLError, HTTPError, timeouts and refused connections are all OSErrors
        raise ChannelError(str(exc)) from None
    try:
        answer = json.loads(body or b"{}")
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _send_logging(notification: Notification) -> None:
    logger.info("notify %s [%s] %s", notification.user, notification.verb, notification.text)


def _send_sms(notification: Notification) -> None:
    phone = getattr(notification.user, "phone", "")
    if not phone:
        return
    headers = {"Authorization": f"Bearer {settings.NOTIFY_SMS_TOKEN}"} if settings.NOTIFY_SMS_TOKEN else {}
    _post_json(settings.NOTIFY_SMS_URL, {"phone": phone, "text": notification.text}, headers)


def _send_webhook(notification: Notification) -> None:
    name = getattr(notification.user, "display_name", str(notification.user))
    answer = _post_json(
        settings.NOTIFY_WEBHOOK_URL,
        {"msgtype": "text", "text": {"content": f"{name}: {notification.text}"}},
    )
    # Both robots answer HTTP 200 with {"errcode": 0, ...} on success and a non-zero code on error.
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"robot refused: {answer.get('errcode')} {str(answer.get('errmsg', ''))[:100]}")


def _send_email(notification: Notification) -> None:
    address = getattr(notification.user, "email", "")
    if not address:
        return
    try:
        send_mail(notification.text[:78], notification.text, None, [address])
    except Exception as exc:  # SMTP errors come in many classes; all mean "not delivered"
        raise ChannelError(str(exc)) from None


SENDERS: dict[str, Callable[[Notification], None]] = {
    "logging": _send_logging,
    "sms": _send_sms,
    "webhook": _send_webhook,
    "email": _send_email,
}


def send(notification: Notification, *, now: dt.datetime | None = None) -> bool:
    """Push one notification through every configured channel; True when all delivered.

    Never raises. Claims the attempt first, so a notification already delivered, or being sent by
    another worker at this very attempt, is left alone (returns False).
    """
    now = now or timezone.now()
    claimed = Notification.objects.filter(
        pk=notification.pk, delivered_at__isnull=True, attempts=notification.attempts
    ).update(attempts=F("attempts") + 1, last_attempt_at=now)
    if not claimed:
        return False
    errors = []
    for channel in settings.NOTIFY_CHANNELS:
        try:
            SENDERS[channel](notification)
        except Exception as exc:  # one broken channel must not stop the others, nor the caller
            logger.warning("notification %s: channel %s failed: %s", notification.pk, channel, exc)
            errors.append(f"{channel}: {exc}")
    if errors:
        Notification.objects.filter(pk=notification.pk).update(last_error="; ".join(errors)[:300])
        return False
    Notification.objects.filter(pk=notification.pk).update(delivered_at=now, last_error="")
    return True


def deliver(ids: list[int]) -> int:
    """Send the notifications with these ids; the number delivered."""
    delivered = 0
    for notification in Notification.objects.filter(pk__in=ids, delivered_at__isnull=True).select_related(
        "user"
    ):
        delivered += send(notification)
    return delivered


def retry_undelivered(now: dt.datetime | None = None, *, batch: int = 500) -> int:
    """Send again what failed before, after 2**attempts minutes, up to `NOTIFY_MAX_ATTEMPTS` tries."""
    now = now or timezone.now()
    candidates = (
        Notification.objects.filter(
            delivered_at__isnull=True, attempts__gte=1, attempts__lt=settings.NOTIFY_MAX_ATTEMPTS
        )
        .select_related("user")
        .order_by("last_attempt_at")[:batch]
    )
    delivered = 0
    for notification in candidates:
        wait = dt.timedelta(minutes=2**notification.attempts)
        if notification.last_attempt_at is None or notification.last_attempt_at + wait <= now:
            delivered += send(notification, now=now)
    return delivered
