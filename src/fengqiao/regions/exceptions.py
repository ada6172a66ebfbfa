"""Domain errors of regions and grids: bad coordinates, bad boundaries, a refused import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

from fengqiao.core.exceptions import DomainError


@dataclass(frozen=True)
class FeatureError:
    """One problem with one feature of an imported boundary file.

    `index` is the feature's position in the file counting from 1 (as a person reading the file, or
    the table on the import page, counts); `code` is the grid code the feature names, "" if none.
    """

    index: int
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class RegionError(DomainError):
    """A rule about regions or grids refused the request (invalid polygon, overlap, bad file ...).

    For a refused boundary import, `errors` lists every bad feature; nothing was imported.
    """

    def __init__(
        self,
        message: str,
        *,
        errors: Sequence[FeatureError] = (),
        code: str | None = None,
        http_status: int | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.errors: list[FeatureError] = list(errors)


class CoordinateError(RegionError, ValueError):
    """A longitude or latitude that is missing, not a number, or out of range."""

    code = "invalid_coordinates"
