"""User administration in the Django admin, for administrators, every change through the services.

The admin's own saving is bypassed: `save_model` hands the form's values to `create_user` /
`update_user`, and the password form to `set_password`, so each change writes its audit row.
"""

from __future__ import annotations

import contextvars
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    UserChangeForm,
    UsernameField,
)
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts import services
from fengqiao.accounts.models import User
from fengqiao.core.admin_site import AdministratorsOnlyMixin

# The admin builds the password form without the request; the view that does have it lends the
# acting administrator to the form's save() for the length of that one request.
_acting_admin: contextvars.ContextVar[Any] = contextvars.ContextVar("acting_admin", default=None)


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("username",)
        field_classes = {"username": UsernameField}


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


class PasswordForm(AdminPasswordChangeForm):
    """Set a password, always a usable one, through `services.set_password`."""

    def __init__(self, user: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields.pop("usable_password", None)
        self.fields["password1"].required = True
        self.fields["password2"].required = True

    def save(self, commit: bool = True) -> Any:
        return services.set_password(
            self.user, by=_acting_admin.get(), password=self.cleaned_data["password1"]
        )


@admin.register(User)
class UserAdmin(AdministratorsOnlyMixin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    change_password_form = PasswordForm
    list_display = ("username", "full_name", "role", "department", "is_active", "last_login")
    list_filter = ("role", "is_active", "department")
    search_fields = ("username", "full_name", "phone", "email")
    ordering = ("username",)
    filter_horizontal = ("regions", "grids")
    readonly_fields = ("last_login", "date_joined")
    _profile = ("full_name", "phone", "email")
    _scope = ("role", "department", "regions", "grids", "view_sensitive")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Profile"), {"fields": _profile}),
        (_("Role and scope"), {"fields": _scope}),
        (_("Status"), {"fields": ("is_active", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        (_("Profile"), {"fields": _profile}),
        (_("Role and scope"), {"fields": _scope}),
    )

    actions = ["unlock"]

    @admin.action(description=_("Unlock the selected accounts (clear failed log-ins)"))
    def unlock(self, request: HttpRequest, queryset: Any) -> None:
        cleared = [services.unlock_user(user, by=request.user) for user in queryset]
        self.message_user(
            request, _("%(count)d account(s) unlocked.") % {"count": sum(1 for n in cleared if n)}
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The username is the login and the audit trail's name for the person: it does not change.
        return (*self.readonly_fields, "username") if obj is not None else self.readonly_fields

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        scope = {
            "role": obj.role,
            "full_name": obj.full_name,
            "phone": obj.phone,
            "email": obj.email,
            "department": obj.department,
            "regions": data.get("regions", []),
            "grids": data.get("grids", []),
            "view_sensitive": obj.view_sensitive,
        }
        if change:
            services.update_user(obj, by=request.user, is_active=obj.is_active, **scope)
            obj.refresh_from_db()
            return
        password = data.get("password1") if data.get("set_usable_password", True) else None
        user = services.create_user(by=request.user, username=obj.username, password=password, **scope)
        # The admin goes on with its own instance (the log entry, the redirect): make it the new row.
        obj.pk, obj.password, obj.is_staff = user.pk, user.password, user.is_staff
        obj._state.adding = False
        obj._state.db = user._state.db

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        # Regions and grids were saved (and audited) by the service; only inline formsets remain.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        token = _acting_admin.set(request.user)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _acting_admin.reset(token)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Accounts are deactivated, never deleted: the audit trail and the cases name them.
        return False
