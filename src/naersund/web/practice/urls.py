from __future__ import annotations

from django.urls import path

from naersund.web.practice import views, views_attachments, views_export

app_name = "practice"

urlpatterns = [
    path("", views.catalogue, name="list"),
    path("ny/", views.new, name="new"),
    path("katalog.pdf", views_export.booklet_pdf, name="booklet-pdf"),
    path("katalog.xlsx", views_export.booklet_xlsx, name="booklet-xlsx"),
    path("<int:pk>/", views.detail, name="entry"),
    path("<int:pk>/rediger/", views.edit, name="edit"),
    path("<int:pk>/handling/", views.step, name="step"),
    path("<int:pk>/dokumenter/", views_attachments.upload, name="upload"),
    path("<int:pk>/dokumenter/<int:attachment>/", views_attachments.download, name="attachment"),
    path(
        "<int:pk>/dokumenter/<int:attachment>/fjern/",
        views_attachments.remove,
        name="remove-attachment",
    ),
]
