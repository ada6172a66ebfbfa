"""Template helpers of the case pages: Bootstrap classes on form fields, durations, status badges."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.forms import BoundField
from django.utils.translation import gettext as _

register = template.Library()

_SELECTS = {"select", "selectmultiple"}
_CHECKS = {"checkbox", "radioselect", "checkboxselectmultiple"}


@register.filter
def bs(field: BoundField, size: str = "") -> Any:
    """Render a form field with Bootstrap's class (and `is-invalid` when it has errors)."""
    widget_type = field.widget_type
    if widget_type in _CHECKS:
        css = "form-check-input"
    elif widget_type in _SELECTS:
        css = "form-select"
    else:
        css = "form-control"
    if size:
        css += f" {css}-{size}" if css != "form-check-input" else ""
    if field.errors:
        css += " is-invalid"
    return field.as_widget(attrs={"class": css})


@register.filter
def duration(value: dt.timedelta | None) -> str:
    """A step's duration on the route map: "3 d 2 h", "2 h 5 min", "40 s"."""
    if value is None:
        return "—"
    seconds = int(value.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d min") % {"m": minutes}
    return _("%(s)d s") % {"s": seconds}


_SLA_STYLES = {"normal": "success", "warning": "warning", "overdue": "danger"}
_STATUS_STYLES = {
    "reported": "info",
    "accepted": "primary",
    "dispatched": "primary",
    "in_progress": "primary",
    "suspended": "secondary",
    "resolved": "warning",
    "verified": "success",
    "closed": "dark",
    "rejected": "secondary",
    "escalated": "secondary",
    "duplicate": "light",
    "merged": "light",
}


@register.filter
def sla_style(value: str) -> str:
    return _SLA_STYLES.get(value, "secondary")


@register.filter
def status_style(value: str) -> str:
    return _STATUS_STYLES.get(value, "secondary")


def _event_labels() -> dict[str, Any]:
    from django.utils.translation import gettext_lazy

    from fengqiao.cases.workflow import TRANSITIONS

    labels: dict[str, Any] = {action: t.label for action, t in TRANSITIONS.items()}
    labels.update(
        {
            "report": gettext_lazy("report"),
            "attach": gettext_lazy("attach a file"),
            "cancel_assignment": gettext_lazy("cancel an assignment"),
            "rework_assignment": gettext_lazy("rework"),
            "supervise": gettext_lazy("supervision order"),
            "answer_supervision": gettext_lazy("answer the supervision order"),
            "relocate": gettext_lazy("move to another grid"),
            "duplicate_received": gettext_lazy("duplicate received"),
            "merged_in": gettext_lazy("case merged in"),
        }
    )
    return labels


@register.filter
def event_label(action: str) -> str:
    """The route map's name of a timeline action (the workflow's label, or a known extra step)."""
    return str(_event_labels().get(action, action.replace("_", " ")))
