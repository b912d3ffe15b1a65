from __future__ import annotations

from django.urls import path

from naersund.web.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.index, name="index"),
    path("kommune/", views.kommune_redirect, name="kommune_redirect"),
    path("kommune/<int:kommunekode>/", views.kommune, name="kommune"),
    path("sammenlign/", views.sammenlign, name="sammenlign"),
    path("udvikling/", views.udvikling, name="udvikling"),
    path("kkr/<int:region_code>/", views.kkr, name="kkr"),
    path("definition/<slug:indicator>/", views.definition, name="definition"),
    path("udgivelser/", views.udgivelser, name="udgivelser"),
    path("udgivelser/<int:old>/<int:new>/", views.diff, name="diff"),
]
