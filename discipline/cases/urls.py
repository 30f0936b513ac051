from django.urls import path

from discipline.cases import views

urlpatterns = [
    path("discipline/cases/", views.case_list, name="case-list"),
    path("discipline/cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("discipline/cases/<int:pk>/<str:action>/", views.case_action, name="case-action"),
    path("discipline/dashboard/", views.dashboard, name="dashboard"),
]
