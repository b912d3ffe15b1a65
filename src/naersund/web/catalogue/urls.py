from __future__ import annotations

from django.urls import path

from naersund.web.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("kkr/<int:region_code>/", views.kkr_detail, name="kkr"),
]
