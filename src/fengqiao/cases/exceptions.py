"""Domain errors of case handling."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class CaseError(DomainError):
    """A rule of case handling refused the request.

    `http_status` is 409 when the action does not fit the case's current status (the message names
    it, and `current_status` carries its code for API bodies), 400 for missing or bad input, 422
    for an idempotency key reused with a different body.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        current_status: str | None = None,
        fields: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.current_status = current_status
        #: For 400s: the missing or invalid fields, each with its message.
        self.fields = fields or {}


class AttachmentError(CaseError):
    """An uploaded file was refused (empty, too large, or not an allowed type)."""
