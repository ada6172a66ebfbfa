"""Account pages: log-in comes from Django (with axes); changing one's password goes through audit."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from fengqiao.accounts import services


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = "/"

    def form_valid(self, form: Any) -> HttpResponse:
        user = services.set_password(
            form.user, by=self.request.user, password=form.cleaned_data["new_password1"]
        )
        # Keep this session (the hash changed with the password); other sessions end.
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return super(auth_views.PasswordChangeView, self).form_valid(form)


class LogoutView(auth_views.LogoutView):
    """Log out and tell the browser to wipe this site's storage.

    A grid worker's phone may hold the field page's offline outbox (IndexedDB) and its service
    worker caches; `Clear-Site-Data` removes them whichever page the user logs out from, so
    nothing of one user stays on a shared phone.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
