"""Domain errors of dispute mediation."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class MediationError(DomainError):
    """A rule of mediation refused the request (400 bad input, 409 not possible in this state).

    `fields` maps field names to messages for 400s.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.fields = fields or {}
