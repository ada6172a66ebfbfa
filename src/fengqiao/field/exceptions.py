"""Domain errors of the field pages."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class FieldError(DomainError):
    """A rule of the field pages refused the request (e.g. a photo key reused for another case)."""
