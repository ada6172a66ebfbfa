from django.urls import path

from fengqiao.regions import views

app_name = "regions"

urlpatterns = [
    path("map/", views.grid_map, name="grid_map"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
]
