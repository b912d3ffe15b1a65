from __future__ import annotations

from django.urls import path

from naersund.web.practice import views

app_name = "practice"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("ny/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="entry"),
    path("<int:pk>/rediger/", views.edit, name="edit"),
    path("<int:pk>/handling/", views.step, name="step"),
]
