from django.urls import path

from fengqiao.field import api, views

app_name = "field"

urlpatterns = [
    path("", views.field_page, name="home"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/today/", api.TodayView.as_view(), name="api_today"),
    path("api/cases/<int:pk>/photos/", api.PhotoView.as_view(), name="api_photos"),
]
