from django.urls import path

from fengqiao.regions import views

app_name = "regions"

urlpatterns = [
    path("map/", views.grid_map, name="grid_map"),
    path("grids/<int:pk>/", views.grid_detail, name="grid_detail"),
    path("boundaries/import/", views.boundary_import, name="boundary_import"),
    path("boundaries/export/", views.boundary_export, name="boundary_export"),
    path("boundaries/export/grids.geojson", views.boundary_export_geojson, name="boundary_export_geojson"),
    path("boundaries/export/grids.zip", views.boundary_export_shapefile, name="boundary_export_shapefile"),
]
