from __future__ import annotations

from django.urls import path

import naersund.web.params  # noqa: F401  (registers <number:...>)
from naersund.web.dashboard import (
    views,
    views_area,
    views_breakdowns,
    views_effects,
    views_quality,
    views_release,
)

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("kommune/", views.kommune_redirect, name="kommune_redirect"),
    path("kommune/<number:kommunekode>/", views.kommune, name="kommune"),
    path(
        "kommune/<number:kommunekode>/opdeling/<slug:indicator>/",
        views_breakdowns.opdeling,
        name="opdeling",
    ),
    path("sammenlign/", views_area.sammenlign, name="sammenlign"),
    path("udvikling/", views_area.udvikling, name="udvikling"),
    path("overblik/", views.overblik, name="overblik"),
    path("kkr/<number:region_code>/", views.kkr, name="kkr"),
    path("omraade/", views_area.omraade_valg, name="omraade_valg"),
    path("omraade/<slug:level>/<number:code>/", views_area.omraade, name="omraade"),
    path("definition/<slug:indicator>/", views.definition, name="definition"),
    path("udgivelser/", views_release.udgivelser, name="udgivelser"),
    path("effekter/", views_effects.effekter, name="effects"),
    path("effekter/<slug:initiative>/<slug:indicator>/", views_effects.effekt, name="effect"),
    path("udgivelser/<number:release_id>/", views_release.udgivelse, name="udgivelse"),
    path("udgivelser/<number:release_id>/hent/<slug:fmt>/", views_release.hent, name="hent"),
    path("udgivelser/<number:old>/<number:new>/", views_release.diff, name="diff"),
    path(
        "udgivelser/<number:release_id>/datakvalitet/",
        views_quality.datakvalitet,
        name="datakvalitet",
    ),
]
