from django.urls import include, path

app_name = "discipline"

urlpatterns = [
    path("", include("discipline.urls_intake")),
    path("", include("discipline.urls_cases")),
]
