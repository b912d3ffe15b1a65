from __future__ import annotations

from django.urls import path

import naersund.web.params  # noqa: F401  (registers <number:...>)
from naersund.web.survey import views, views_money, views_new_round, views_results

app_name = "survey"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("ny/", views_new_round.create_round, name="new_round"),
    path("<slug:slug>/kommune/<number:kommunekode>/", views.questionnaire, name="questionnaire"),
    path("<slug:slug>/kommune/<number:kommunekode>/historik/", views.history, name="history"),
    path(
        "<slug:slug>/kommune/<number:kommunekode>/besvarelse.pdf",
        views.answers_pdf,
        name="answers_pdf",
    ),
    path("<slug:slug>/overblik/", views.overview, name="overview"),
    path("<slug:slug>/import/", views.import_answers, name="import"),
    path("<slug:slug>/import/skabelon.csv", views.import_template, name="import_template"),
    path("<slug:slug>/resultater/", views_results.results, name="results"),
    path("<slug:slug>/offentliggoer/", views_results.publish, name="publish"),
    path(
        "<slug:slug>/resultater.<str:fmt>",
        views_results.results_download,
        name="results_download",
    ),
    path("<slug:slug>/bilag1/<number:region_code>/", views_results.bilag1, name="bilag1"),
    path(
        "<slug:slug>/bilag1/<number:region_code>.<str:fmt>",
        views_results.bilag1_download,
        name="bilag1_download",
    ),
    path("<slug:slug>/oekonomi/", views_money.round_money, name="money"),
    path("<slug:slug>/oekonomi.xlsx", views_money.round_money_xlsx, name="money_xlsx"),
    path("<slug:slug>/piloter/<number:region_code>/", views_results.pilots, name="pilots"),
]
