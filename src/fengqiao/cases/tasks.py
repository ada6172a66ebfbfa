"""Background tasks of case handling (django-tasks): they take ids, load fresh rows, call services.

Without a worker (`TASK_BACKEND=immediate`, the demo and the tests) a task runs inline when it is
enqueued, which services do after commit; production runs `fengqiao worker`.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def deliver_notifications(notification_ids: list[int]) -> int:
    """Send these in-app notifications through the outbound channels (`cases.notify`)."""
    from fengqiao.cases import notify

    return notify.deliver(notification_ids)


@task()
def check_clocks() -> dict[str, Any]:
    """Sweep the case clocks and retry failed deliveries (what `fengqiao checkclocks` does once)."""
    from fengqiao.cases import notify, sla

    result = sla.sweep_clocks().as_dict()
    result["redelivered"] = notify.retry_undelivered()
    return result


def enqueue_delivery(notification_ids: list[int]) -> None:
    """Queue the delivery; never fails the caller (the rows stay undelivered and are retried)."""
    try:
        deliver_notifications.enqueue(list(notification_ids))
    except Exception:
        logger.exception("could not queue the delivery of notifications %s", notification_ids)
