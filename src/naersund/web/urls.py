from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import include, path

from naersund.web.accounts.views import LoginView
from naersund.web.admin_site import site
from naersund.web.dashboard.views_front import home
from naersund.web.params import bad_request

handler400 = bad_request

urlpatterns = [
    path("", home, name="home"),
    path("log-ind/", LoginView.as_view(), name="login"),
    path("log-ud/", auth_views.LogoutView.as_view(), name="logout"),
    path("katalog/", include("naersund.web.catalogue.urls")),
    path("status/", include("naersund.web.survey.urls")),
    path("indikatorer/", include("naersund.web.dashboard.urls")),
    path("api/", include("naersund.web.api.urls")),
    path("rapporter/", include("naersund.web.report_views")),
    path("oekonomi/", include("naersund.web.economy.urls")),
    path("god-praksis/", include("naersund.web.practice.urls")),
    path("admin/", site.urls),
]
