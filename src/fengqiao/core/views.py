"""Shell pages: the home page of each role, the health endpoint and the auditors' trail."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from fengqiao import __version__
from fengqiao.accounts.models import Role
from fengqiao.core.filters import AuditEventFilter
from fengqiao.core.models import AuditEvent
from fengqiao.core.queries import home_context


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's own home page (templates core/home_<kind>.html), limited to the user's scope."""
    context = home_context(request.user)
    return render(request, f"core/home_{context['home_kind']}.html", context)


@require_GET
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "unhealthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "version": __version__})


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The audit trail for auditors (403 for everyone else); read-only, filtered, 50 a page."""
    user: Any = request.user
    if user.role != Role.AUDITOR:
        raise PermissionDenied
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.visible_to(user))
    events = filterset.qs if filterset.is_valid() else AuditEvent.objects.none()
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {"page": page, "filter": filterset, "query": query.urlencode()},
    )
