"""Rounds in the admin, for national administrators. Only a round's title and dates are edited
here; questions come from the catalogue (``create_round``), and responses, answers and their
history are shown read-only, because every change of an answer must go through
:mod:`naersund.web.survey.services` (versions and history)."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.http import HttpRequest

from naersund.web.admin_site import RoleAdmin, RoleInline, site
from naersund.web.survey import models as db


class _ReadOnlyInline(RoleInline):
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class QuestionInline(_ReadOnlyInline):
    model = db.Question
    fields = ("position", "qid", "kind", "text_da", "region_code")
    readonly_fields = fields


class RoundAdmin(RoleAdmin):
    list_display = ("title_da", "slug", "year", "opens_on", "closes_on", "catalogue_version")
    fields = (
        "slug",
        "title_da",
        "year",
        "opens_on",
        "closes_on",
        "previous",
        "catalogue_version",
        "published_at",
        "published_by",
    )
    # publishing is a deliberate act on the round's page (services.publish_round), not a field
    readonly_fields = ("slug", "catalogue_version", "published_at", "published_by")
    inlines = [QuestionInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # a round's questions are generated: naersund web create_round


class AnswerInline(_ReadOnlyInline):
    model = db.Answer
    fields = ("question", "value", "version", "updated_by", "updated_at")
    readonly_fields = fields


class ChangeInline(_ReadOnlyInline):
    model = db.Change
    fields = ("changed_at", "changed_by", "source", "field", "question", "old_value", "new_value")
    readonly_fields = fields


class ResponseAdmin(RoleAdmin):
    list_display = ("round", "kommunekode", "state", "submitted_at", "updated_at")
    list_filter = ("round", "state")
    search_fields = ("kommunekode",)
    readonly_fields = (
        "round",
        "kommunekode",
        "state",
        "submitted_at",
        "submitted_by",
        "tilbagemelding",
        "version",
        "updated_at",
        "updated_by",
    )
    fields = readonly_fields
    inlines = [AnswerInline, ChangeInline]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


site.register(db.Round, RoundAdmin)
site.register(db.Response, ResponseAdmin)
