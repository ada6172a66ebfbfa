from django.urls import path

from fengqiao.center import views

app_name = "center"

urlpatterns = [
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<int:pk>/", views.department_detail, name="department_detail"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("departments/<int:pk>/active/", views.department_set_active, name="department_set_active"),
    path("hall/", views.hall, name="hall"),
    path("hall/windows/new/", views.window_create, name="window_create"),
    path("hall/windows/<int:pk>/edit/", views.window_edit, name="window_edit"),
    path("hall/rooms/new/", views.room_create, name="room_create"),
    path("hall/rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("duty/", views.duty_roster, name="duty_roster"),
    path("liaisons/", views.liaison_list, name="liaison_list"),
    path("liaisons/<int:pk>/edit/", views.liaison_edit, name="liaison_edit"),
]
