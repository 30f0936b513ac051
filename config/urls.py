from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

admin.site.site_header = "换届通 系统管理"
admin.site.site_title = "换届通"

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("", include("renewal.urls")),
    path("", include("renewal.aftercare.urls")),
    path("", include("candidates.urls")),
    path("", include("ballots.urls")),
    path("villagers/", include("ballots.urls_villagers")),
    path("", include("discipline.urls")),
    path("villagers-results/", include("ballots.urls_villagers_vote")),
    path("", include("renewal.rollup.urls")),
]
