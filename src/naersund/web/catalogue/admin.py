"""The catalogue in the admin, for national administrators (see ``admin_site``)."""

from __future__ import annotations

from naersund.web.admin_site import RoleAdmin, RoleInline, site
from naersund.web.catalogue import models as db


class NationalGoalInline(RoleInline):
    model = db.NationalGoal
    fields = ("position", "slug", "title_da", "indicators")


class FocusAreaInline(RoleInline):
    model = db.FocusArea
    fields = ("position", "slug", "title_da")


class GoalInline(RoleInline):
    model = db.Goal
    fields = ("position", "number", "slug", "title_da")
    show_change_link = True


class InitiativeInline(RoleInline):
    model = db.Initiative
    fk_name = "goal"
    fields = (
        "position",
        "slug",
        "kind",
        "title_da",
        "short_da",
        "deadline_year",
        "pilot",
        "cross_municipal",
    )


class BaselineInline(RoleInline):
    model = db.Baseline
    fields = (
        "position",
        "slug",
        "text_da",
        "unit",
        "value",
        "value_max",
        "of",
        "year",
        "survey_question",
        "survey_answers",
        "survey_region",
    )


class TargetInline(RoleInline):
    model = db.Target
    fields = (
        "position",
        "indicator",
        "baseline_year",
        "target_year",
        "target_value",
        "relative_change_pct",
        "scope",
        "kommunekode",
    )


class CatalogueVersionAdmin(RoleAdmin):
    list_display = ("version", "title_da", "is_current", "loaded_at")
    inlines = [NationalGoalInline, FocusAreaInline]


class KkrAdmin(RoleAdmin):
    list_display = ("name_da", "region_code", "catalogue")
    list_filter = ("catalogue",)
    inlines = [GoalInline]


class GoalAdmin(RoleAdmin):
    list_display = ("title_da", "number", "kkr")
    list_filter = ("kkr__catalogue", "kkr")
    search_fields = ("title_da", "slug")
    inlines = [InitiativeInline, BaselineInline, TargetInline]


class InitiativeAdmin(RoleAdmin):
    list_display = ("title_da", "kind", "deadline_year", "pilot", "goal", "action_plan")
    list_filter = ("kind", "pilot", "goal__kkr")
    search_fields = ("title_da", "slug")


site.register(db.CatalogueVersion, CatalogueVersionAdmin)
site.register(db.Kkr, KkrAdmin)
site.register(db.Goal, GoalAdmin)
site.register(db.Initiative, InitiativeAdmin)
for _model in (db.NationalGoal, db.FocusArea, db.ActionPlan, db.Baseline, db.Target):
    site.register(_model, RoleAdmin)
