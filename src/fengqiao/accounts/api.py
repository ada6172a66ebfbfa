"""Token login for API clients: POST /api/v1/auth/token/ with username and password.

The same lockout as the login page applies: the request goes to `authenticate`, where
django-axes counts failures by username and refuses a locked account even with the right
password. A refusal answers 429 with a message; it never reveals whether the password was right.
"""

from __future__ import annotations

from typing import Any

from axes.utils import reset as reset_login_failures
from django.conf import settings
from django.contrib.auth import authenticate
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from fengqiao.core import audit


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (login lockout applies)."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: inline_serializer("TokenResponse", {"token": serializers.CharField()}),
            400: OpenApiResponse(description="Wrong username or password"),
            429: OpenApiResponse(description="Account locked after too many failures"),
        },
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        # The DRF request goes to axes: it reads the client from it and marks it locked out, and
        # the mark stays on this object, so AxesMiddleware does not swap our JSON for its HTML page.
        user = authenticate(
            request=request, username=username, password=serializer.validated_data["password"]
        )
        if getattr(request, "axes_locked_out", False):
            minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
            return Response(
                {
                    "detail": _(
                        "Too many failed log-in attempts: this account is locked for %(minutes)d minutes."
                    )
                    % {"minutes": minutes},
                    "code": "locked_out",
                },
                status=status.HTTP_429_TOO_MANY_REQUESTS,
            )
        if user is None or not user.is_active:
            return Response(
                {
                    "detail": _("Unable to log in with the username and password given."),
                    "code": "invalid_login",
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        # A token login is a successful login: clear the failure count as the login page does.
        reset_login_failures(username=user.get_username())
        token, created = Token.objects.get_or_create(user=user)
        audit.record("auth.token", by=user, obj=user, changes={"new_token": created})
        return Response({"token": token.key})


urlpatterns = [path("auth/token/", ObtainTokenView.as_view(), name="api_token")]
