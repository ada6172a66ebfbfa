"""API plumbing shared by every app (the exception handler for domain errors) and the audit API."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter
from rest_framework.views import exception_handler as drf_exception_handler

from fengqiao.core.exceptions import DomainError
from fengqiao.core.filters import AuditEventFilter
from fengqiao.core.models import AuditEvent


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": str(exc), "code": exc.code}
        # A refused transition names the state it found (409); bad input names its fields (400).
        current_status = getattr(exc, "current_status", None)
        if current_status:
            body["current_status"] = current_status
        fields = getattr(exc, "fields", None)
        if fields:
            body["fields"] = {name: [str(message)] for name, message in fields.items()}
        return Response(body, status=exc.http_status)
    if isinstance(exc, DjangoValidationError):
        detail: Any = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response({"detail": detail}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoPermissionDenied):
        return Response({"detail": str(exc) or "permission denied"}, status=status.HTTP_403_FORBIDDEN)
    return drf_exception_handler(exc, context)


class IsAuditor(permissions.BasePermission):
    """Only auditors read the audit trail; everyone else gets 403 (not an empty list)."""

    message = "Only auditors may read the audit trail."

    def has_permission(self, request: Request, view: Any) -> bool:
        from fengqiao.accounts.models import Role

        user: Any = request.user
        return bool(user and user.is_authenticated and user.is_active and user.role == Role.AUDITOR)


class AuditEventSerializer(serializers.ModelSerializer[AuditEvent]):
    class Meta:
        model = AuditEvent
        fields = [
            "id",
            "at",
            "actor",
            "actor_name",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "changes",
            "ip_address",
            "user_agent",
        ]
        read_only_fields = fields


class AuditEventViewSet(viewsets.ReadOnlyModelViewSet[AuditEvent]):
    """The audit trail (审计日志), read-only, for auditors; filters as on the audit page."""

    serializer_class = AuditEventSerializer
    permission_classes = [permissions.IsAuthenticated, IsAuditor]
    filterset_class = AuditEventFilter

    def get_queryset(self) -> Any:
        return AuditEvent.objects.visible_to(self.request.user)


def register(router: BaseRouter) -> None:
    router.register("audit", AuditEventViewSet, basename="auditevent")


urlpatterns: list[Any] = []
