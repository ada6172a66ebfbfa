from django.urls import path

from fengqiao.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path("audit/", views.audit_list, name="audit_list"),
]
