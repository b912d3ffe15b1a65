from __future__ import annotations

from django.urls import path

from naersund.web.survey import views

app_name = "survey"
urlpatterns = [
    path("", views.round_list, name="rounds"),
    path("<slug:slug>/kommune/<int:kommunekode>/", views.questionnaire, name="questionnaire"),
    path("<slug:slug>/kommune/<int:kommunekode>/historik/", views.history, name="history"),
    path("<slug:slug>/overblik/", views.overview, name="overview"),
    path("<slug:slug>/import/", views.import_answers, name="import"),
    path("<slug:slug>/import/skabelon.csv", views.import_template, name="import_template"),
]
