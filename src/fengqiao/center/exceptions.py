"""Domain errors of the center's organisation."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class CenterError(DomainError):
    """A rule of the center's organisation refused the change (e.g. a duty leader out of the town)."""
