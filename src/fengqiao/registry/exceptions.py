"""Domain errors of the grid registry."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class RegistryError(DomainError):
    """A rule of the registry refused the request (400 bad input, 409 wrong state, 422 reused key).

    `fields` maps field names to messages for bad input.
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
