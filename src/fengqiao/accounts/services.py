"""Changes to user accounts (账号管理): each one function, one transaction, one audit row.

Passwords never reach the audit trail: `set_password` records that a password was set, by whom
and from where, and nothing of its value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from fengqiao.accounts.exceptions import AccountError
from fengqiao.accounts.models import Role, User, assignment_error
from fengqiao.center.models import Department
from fengqiao.core import audit
from fengqiao.core.scoping import forget_scope
from fengqiao.core.validators import normalize_phone
from fengqiao.regions.models import Grid, Region

#: Plain fields a service writes and the audit diff compares (never `password`).
_FIELDS = ["role", "full_name", "phone", "email", "department", "view_sensitive", "is_active", "is_staff"]


def _check_assignment(role: str, department: Department | None) -> None:
    error = assignment_error(role, department.pk if department else None)
    if error:
        raise AccountError(error, code="invalid_assignment")


def _clean_phone(phone: str) -> str:
    return normalize_phone(phone) if phone.strip() else ""


def _names(objects: Iterable[Region | Grid]) -> list[str]:
    return sorted(f"{obj.pk}:{obj}" for obj in objects)


@transaction.atomic
def create_user(
    *,
    by: Any,
    username: str,
    role: str,
    password: str | None = None,
    full_name: str = "",
    phone: str = "",
    email: str = "",
    department: Department | None = None,
    regions: Iterable[Region] = (),
    grids: Iterable[Grid] = (),
    view_sensitive: bool = False,
    is_active: bool = True,
) -> User:
    """Open an account (开通账号) with its role and scope.

    Only administrators get `is_staff` (the Django admin). Without a password the account cannot
    log in until `set_password`. Writes one `user.create` audit row.
    """
    username = username.strip()
    if not username:
        raise AccountError(_("A username is required."), code="username_required")
    if User.objects.filter(username__iexact=username).exists():
        raise AccountError(_("This username is taken."), code="username_taken")
    regions, grids = list(regions), list(grids)
    _check_assignment(role, department)
    user = User(
        username=username,
        role=role,
        full_name=full_name.strip(),
        phone=_clean_phone(phone),
        email=email.strip(),
        department=department,
        view_sensitive=view_sensitive,
        is_active=is_active,
        is_staff=role == Role.ADMINISTRATOR,
    )
    if password:
        password_validation.validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    user.regions.set(regions)
    user.grids.set(grids)
    changes: dict[str, Any] = audit.diff(user, {}, [f for f in _FIELDS if getattr(user, f) not in ("", None)])
    changes["regions"] = [[], _names(regions)]
    changes["grids"] = [[], _names(grids)]
    changes["password_set"] = bool(password)
    audit.record("user.create", by=by, obj=user, changes=changes)
    return user


@transaction.atomic
def update_user(
    user: User,
    *,
    by: Any,
    role: str,
    full_name: str,
    phone: str,
    email: str,
    department: Department | None,
    regions: Iterable[Region],
    grids: Iterable[Grid],
    view_sensitive: bool,
    is_active: bool,
) -> User:
    """Change an account's role, scope, rights or status; every argument is the new whole state.

    Writes one `user.update` audit row with the changed fields (nothing when nothing changed).
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    regions, grids = list(regions), list(grids)
    _check_assignment(role, department)
    if user.pk == getattr(by, "pk", None) and not is_active:
        raise AccountError(_("You cannot deactivate your own account."), code="self_deactivation")
    before = audit.snapshot(user, _FIELDS)
    regions_before, grids_before = _names(user.regions.all()), _names(user.grids.all())
    user.role = role
    user.full_name = full_name.strip()
    user.phone = _clean_phone(phone)
    user.email = email.strip()
    user.department = department
    user.view_sensitive = view_sensitive
    user.is_active = is_active
    user.is_staff = role == Role.ADMINISTRATOR or user.is_superuser
    changes = audit.diff(user, before, _FIELDS)
    if changes:
        user.save(update_fields=[*_FIELDS])
    if _names(regions) != regions_before:
        user.regions.set(regions)
        changes["regions"] = [regions_before, _names(regions)]
    if _names(grids) != grids_before:
        user.grids.set(grids)
        changes["grids"] = [grids_before, _names(grids)]
    if changes:
        audit.record("user.update", by=by, obj=user, changes=changes)
    forget_scope(user)
    return user


@transaction.atomic
def set_password(user: User, *, by: Any, password: str) -> User:
    """Set a new password (重置密码 / 修改密码) after the password rules, and revoke API tokens.

    Writes one `user.set_password` audit row that records who set it, never the password.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    password_validation.validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    revoked, _deleted_by_model = Token.objects.filter(user=user).delete()
    audit.record(
        "user.set_password",
        by=by,
        obj=user,
        changes={"by_self": getattr(by, "pk", None) == user.pk, "tokens_revoked": revoked},
    )
    return user


@transaction.atomic
def unlock_user(user: User, *, by: Any) -> int:
    """Lift a login lockout (解除锁定) before its time, as the lockout page promises.

    Clears the account's failed attempts in django-axes; writes one `user.unlock` audit row with
    how many attempts were cleared. Returns that number.
    """
    from axes.utils import reset as reset_login_failures

    cleared = reset_login_failures(username=user.get_username())
    audit.record("user.unlock", by=by, obj=user, changes={"attempts_cleared": cleared})
    return cleared
