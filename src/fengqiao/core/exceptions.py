"""The base of every app's domain errors (`CaseError`, `RegionError`, ...)."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the request; the message is translated and shown to the user.

    `http_status` is 400 for bad input and 409 for an action that does not fit the object's
    current state.
    """

    http_status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, http_status: int | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        if http_status is not None:
            self.http_status = http_status
