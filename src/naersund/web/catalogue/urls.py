from __future__ import annotations

from django.urls import path

import naersund.web.params  # noqa: F401  (registers <number:...>)
from naersund.web.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("kkr/<number:region_code>/", views.kkr_detail, name="kkr"),
    path(
        "kkr/<number:region_code>/centrale-indikatorer/",
        views.central_indicators,
        name="central",
    ),
]
