"""/api/: the JSON API (see ``views``); the OpenAPI schema at /api/schema/."""

from __future__ import annotations

from django.urls import path, re_path

import naersund.web.params  # noqa: F401  (registers <number:...>)
from naersund.web.api import docs, errors, views, views_economy, views_practice

app_name = "api"
urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", docs.docs, name="docs"),
    path("catalogue/", views.CatalogueView.as_view(), name="catalogue"),
    path("rounds/", views.RoundListView.as_view(), name="rounds"),
    path("rounds/<slug:slug>/", views.RoundDetailView.as_view(), name="round"),
    path("rounds/<slug:slug>/questions/", views.QuestionListView.as_view(), name="questions"),
    path("rounds/<slug:slug>/answers/", views.ResponseListView.as_view(), name="responses"),
    path(
        "rounds/<slug:slug>/answers/<number:kommunekode>/",
        views.ResponseDetailView.as_view(),
        name="response",
    ),
    path(
        "rounds/<slug:slug>/answers/<number:kommunekode>/submit/",
        views.SubmitView.as_view(),
        name="submit",
    ),
    path(
        "rounds/<slug:slug>/answers/<number:kommunekode>/reopen/",
        views.ReopenView.as_view(),
        name="reopen",
    ),
    path("releases/", views.ReleaseListView.as_view(), name="releases"),
    path(
        "releases/<number:release_id>/rows/",
        views.ReleaseRowsView.as_view(),
        name="release-rows",
    ),
    path("results/", views.ResultListView.as_view(), name="results"),
    path("effects/", views.EffectListView.as_view(), name="effects"),
    path("practice/", views_practice.PracticeListView.as_view(), name="practice"),
    path(
        "practice/<number:pk>/", views_practice.PracticeDetailView.as_view(), name="practice-entry"
    ),
    path("economy/", views_economy.EconomyView.as_view(), name="economy"),
    path("rounds/<slug:slug>/money/", views_economy.RoundMoneyView.as_view(), name="money"),
    # [\s\S], not ".": an address with a newline (%0A) must get the JSON 404 too
    re_path(r"^(?P<rest>[\s\S]*)$", errors.not_found, name="not-found"),
]
