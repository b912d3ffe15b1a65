from __future__ import annotations

from django.urls import path

from naersund.web.economy import views

app_name = "economy"

urlpatterns = [
    path("", views.oekonomi, name="page"),
    path("diagram.csv", views.chart_numbers, name="chart_csv"),
    path("indlaes/", views.upload, name="upload"),
]
