from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ballots.villagers.views import legacy as villagers_legacy

admin.site.site_header = "换届通 系统管理"
admin.site.site_title = "换届通"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("renewal.urls")),
    path("", include("renewal.roster.urls")),
    path("", include("renewal.aftercare.urls")),
    path("", include("candidates.urls")),
    path("", include("ballots.congress.urls")),
    path("villagers/", include("ballots.villagers.urls")),
    path("", include("discipline.urls")),
    path("villagers-results/", villagers_legacy.results_redirect, name="villagers-results"),
    path(
        "villagers-results/<path:rest>",
        villagers_legacy.results_redirect,
        name="villagers-results-page",
    ),
    path("", include("renewal.rollup.urls")),
]
