from __future__ import annotations

from typing import Any

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Model
from django.http import HttpRequest

from naersund.web.accounts.models import LoginFailure, Membership
from naersund.web.admin_site import RoleAdmin, RoleInline, site


class MembershipInline(RoleInline):
    model = Membership
    can_delete = False


class NaersundUserAdmin(RoleAdmin, UserAdmin):
    inlines = [MembershipInline]
    list_display = ("username", "first_name", "last_name", "email", "is_active")


class NaersundGroupAdmin(RoleAdmin, GroupAdmin):
    pass


site.register(User, NaersundUserAdmin)
site.register(Group, NaersundGroupAdmin)


class LoginFailureAdmin(RoleAdmin):
    """Who is being locked out (read only; ``naersund web unlock_login`` lifts a lock)."""

    list_display = ("at", "username", "address")
    list_filter = ("at",)
    search_fields = ("username", "address")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


site.register(LoginFailure, LoginFailureAdmin)
