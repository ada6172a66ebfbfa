"""Errors of the demo loader."""

from __future__ import annotations

from fengqiao.core.exceptions import DomainError


class DemoError(DomainError):
    """The demo town cannot be loaded here (演示数据), e.g. under production settings."""
