from __future__ import annotations

from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from naersund.web.accounts.models import Membership
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
