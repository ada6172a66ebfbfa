"""The login audit (登录审计): success, failure, lockout and logout, from the auth signals.

STYLE.md keeps core logic out of signals. These receivers are the one exception: Django's login
and logout views and django-axes announce what happened only through signals, so listening is the
only way to audit them without rewriting those views. They write audit rows and nothing else.
"""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from fengqiao.accounts.models import User
from fengqiao.core import audit


def _account(username: str) -> User | None:
    return User.objects.filter(username=username).first() if username else None


def _record_attempt(action: str, username: str, **changes: Any) -> None:
    account = _account(username)
    # The actor of a failed attempt is whoever typed the name: we record the name, not the account.
    audit.record(
        action,
        by=username or None,
        obj=account,
        object_type="" if account else "accounts.user",
        object_repr="" if account else username,
        changes={"username": username, **changes},
    )


@receiver(user_logged_in, dispatch_uid="fengqiao_audit_login")
def audit_login(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    audit.record("auth.login", by=user, obj=user)


def _refused_while_locked(request: Any) -> bool:
    """Whether django-axes refused this attempt because the account was already locked.

    The axes backend marks a request locked before checking the password; a failure that only
    now reaches the limit is marked by axes' own failure handler, which also stores the count.
    Either order of the receivers gives the same answer.
    """
    return bool(
        request is not None
        and getattr(request, "axes_locked_out", False)
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_login_failed, dispatch_uid="fengqiao_audit_login_failed")
def audit_login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # Django has already replaced the password in `credentials` with stars; only the name is kept.
    username = str(credentials.get("username") or "")[:150]
    if _refused_while_locked(request):
        _record_attempt("auth.login_refused", username, reason="locked_out")
    else:
        _record_attempt("auth.login_failed", username)


@receiver(user_locked_out, dispatch_uid="fengqiao_audit_lockout")
def audit_lockout(sender: Any, request: Any = None, username: str | None = None, **kwargs: Any) -> None:
    # axes signals again for every refused attempt; those are audited as `auth.login_refused`.
    if not _refused_while_locked(request):
        _record_attempt("auth.lockout", str(username or "")[:150])


@receiver(user_logged_out, dispatch_uid="fengqiao_audit_logout")
def audit_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("auth.logout", by=user, obj=user)
