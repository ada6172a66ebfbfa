"""Read helpers for accounts, always scoped."""

from __future__ import annotations

from typing import Any

from fengqiao.accounts.models import User
from fengqiao.core.scoping import get_for_user


def get_user_for_user(viewer: Any, pk: Any) -> User:
    """The account if the viewer may see it; 404 if it is missing or out of scope alike."""
    user: User = get_for_user(User.objects, viewer, pk)
    return user
