"""Request-scoped context for the audit trail."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from fengqiao.core.audit import audit_context


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for the audit trail.

    With PROXY_COUNT = N trusted reverse proxies in front, the client is the N-th address from the
    right of X-Forwarded-For (each proxy appends the address it received the request from).
    Addresses further left were written by the client and could be forged, so they are ignored;
    with no proxies configured the header is not trusted at all.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = settings.PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return remote
    return candidate


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(client_ip(request), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)
