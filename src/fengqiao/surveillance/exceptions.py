"""Domain errors of video surveillance."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class SurveillanceError(DomainError):
    """A camera or monitoring-room rule refused the input (400), with the field it is about."""

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        http_status: int | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.fields = {field: message} if field else {}
