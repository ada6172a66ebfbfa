from django.urls import path

from fengqiao.surveillance import views

app_name = "surveillance"

urlpatterns = [
    path("rooms/", views.room_list, name="room_list"),
    path("rooms/new/", views.room_form, name="room_create"),
    path("rooms/<int:pk>/", views.room_detail, name="room_detail"),
    path("rooms/<int:pk>/edit/", views.room_form, name="room_edit"),
    path("cameras/", views.camera_list, name="camera_list"),
    path("cameras/new/", views.camera_form, name="camera_create"),
    path("cameras/import/", views.camera_import, name="camera_import"),
    path("cameras/import/template/", views.camera_import_template, name="camera_import_template"),
    path("cameras/<int:pk>/", views.camera_detail, name="camera_detail"),
    path("cameras/<int:pk>/edit/", views.camera_form, name="camera_edit"),
    path("cameras/<int:pk>/status/", views.camera_status, name="camera_status"),
    path("cameras/<int:pk>/findings/new/", views.camera_finding, name="camera_finding"),
]
