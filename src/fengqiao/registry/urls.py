from django.urls import path

from fengqiao.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.todo, name="todo"),
    path("search/", views.search, name="search"),
    *views.kind_urls(),
    path("key-persons/<int:pk>/visits/", views.visit_create, name="visit_create"),
    path("visit-photos/<int:pk>/", views.visit_photo, name="visit_photo"),
    path("patrols/", views.patrol_list, name="patrol_list"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol_detail"),
    path("patrols/<int:pk>/checkin/", views.patrol_checkin, name="patrol_checkin"),
    path("patrols/<int:pk>/end/", views.patrol_end, name="patrol_end"),
    path("patrols/<int:pk>/finding/", views.patrol_finding, name="patrol_finding"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
]
