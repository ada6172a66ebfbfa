"""Request-scoped context for the audit trail."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from fengqiao.core.audit import audit_context


def client_ip(request: HttpRequest) -> str | None:
    # Behind a proxy, gunicorn's forwarded-allow-ips and the proxy set REMOTE_ADDR correctly;
    # trusting X-Forwarded-For here would let anyone forge the audit trail's "from where".
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_context(client_ip(request), request.META.get("HTTP_USER_AGENT", "")):
            return self.get_response(request)
