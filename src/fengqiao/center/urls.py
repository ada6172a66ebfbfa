from django.urls import path

from fengqiao.center import views

app_name = "center"

urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("hall/", views.hall, name="hall"),
    path("duty/", views.duty_roster, name="duty_roster"),
]
