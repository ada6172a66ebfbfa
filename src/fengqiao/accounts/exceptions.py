"""Domain errors of the accounts app."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class AccountError(DomainError):
    """A change to a user account broke a rule (duplicate username, missing department, ...)."""
