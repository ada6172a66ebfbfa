"""Background tasks of the registry (django-tasks): they take ids and load fresh rows.

Inline (`TASK_BACKEND=immediate`, the demo and tests) an import runs when it is enqueued, which
`services.start_import` does after commit.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def run_import(job_id: int) -> str:
    """Check and (when clean) commit one Excel import; progress and report go on the job row."""
    from django.utils import timezone

    from fengqiao.registry import imports
    from fengqiao.registry.models import ImportJob

    job = ImportJob.objects.select_related("by").get(pk=job_id)
    if job.finished:
        ImportJob.objects.filter(pk=job_id).update(content=b"")
        return job.status
    try:
        return imports.run(job).status
    except Exception:
        logger.exception("import %s failed", job_id)
        # The file holds personal data: a failed import drops it as a finished one does (audit #16).
        ImportJob.objects.filter(pk=job_id).update(
            status=ImportJob.Status.FAILED, finished_at=timezone.now(), content=b""
        )
        raise


@task()
def sweep_visits() -> dict[str, Any]:
    """Turn due key-person visits yellow and missed ones red, and tell the center of sensitive key
    persons without a keeper (`registry.sla.sweep`)."""
    from fengqiao.registry import sla

    return sla.sweep()
