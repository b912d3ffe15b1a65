"""The admin: for national administrators (KL) only, decided by their role, not by Django's
per-model permissions, so that the role is the one place where access is granted."""

from __future__ import annotations

from collections.abc import Callable
from functools import update_wrapper
from typing import Any, TypeVar, cast

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponseBase

from naersund.web.accounts.access import can_use_admin
from naersund.web.accounts.forms import AdminLoginForm

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


class NaersundAdminSite(admin.AdminSite):
    site_header = "Nærsund – administration"
    site_title = "Nærsund"
    index_title = "Katalog og brugere"
    login_form = AdminLoginForm  # says when a throttled login may try again

    def has_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def admin_view(self, view: View, cacheable: bool = False) -> View:
        inner = super().admin_view(view, cacheable)

        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            # A logged-in user without the role gets a plain refusal, not a second login form.
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            return inner(request, *args, **kwargs)

        return cast(View, update_wrapper(guarded, view))


class RoleAdmin(admin.ModelAdmin):
    """Every model's admin: national administrators may do everything, nobody else anything."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_use_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)


class RoleInline(admin.TabularInline):
    extra = 0

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return can_use_admin(request.user)


site = NaersundAdminSite(name="admin")
