"""Every change of state in case handling (STYLE.md): `verb_noun(obj, *, by, ...)`, one transaction,
the timeline row (and the audit row for administrative decisions) written inside it, notifications
after commit.

Split by domain: `intake` (create, locate, attach), `dispatch` (dispatch and the departments'
answers), `lifecycle` (the case's own transitions), `supervision` (督办 and the inbox), `policy`
(categories, SLA, number prefixes). Import from here: ``from fengqiao.cases import services``.
"""

from fengqiao.cases.services.dispatch import (
    acknowledge_assignment,
    complete_assignment,
    dispatch_case,
    return_assignment,
)
from fengqiao.cases.services.intake import add_attachment, create_case, next_case_number, relocate_case
from fengqiao.cases.services.lifecycle import (
    accept_case,
    close_case,
    escalate_case,
    extend_deadline,
    mark_duplicate,
    merge_case,
    record_feedback,
    reject_case,
    reopen_case,
    resolve_case,
    resolve_case_on_spot,
    resume_case,
    suspend_case,
    verify_case,
)
from fengqiao.cases.services.policy import save_category, save_sla_policy, set_case_number_prefix
from fengqiao.cases.services.supervision import (
    answer_supervision,
    mark_all_notifications_read,
    mark_notification_read,
    raise_supervision,
)

__all__ = [
    "accept_case",
    "acknowledge_assignment",
    "add_attachment",
    "answer_supervision",
    "close_case",
    "complete_assignment",
    "create_case",
    "dispatch_case",
    "escalate_case",
    "extend_deadline",
    "mark_all_notifications_read",
    "mark_duplicate",
    "mark_notification_read",
    "merge_case",
    "next_case_number",
    "raise_supervision",
    "record_feedback",
    "reject_case",
    "relocate_case",
    "reopen_case",
    "resolve_case",
    "resolve_case_on_spot",
    "resume_case",
    "return_assignment",
    "save_category",
    "save_sla_policy",
    "set_case_number_prefix",
    "suspend_case",
    "verify_case",
]
