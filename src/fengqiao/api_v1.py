"""REST API v1: every app registers its endpoints on one router here."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from fengqiao.accounts import api as accounts_api
from fengqiao.cases import api as cases_api
from fengqiao.center import api as center_api
from fengqiao.core import api as core_api
from fengqiao.mediation import api as mediation_api
from fengqiao.regions import api as regions_api
from fengqiao.registry import api as registry_api
from fengqiao.surveillance import api as surveillance_api

router = DefaultRouter()
for app_api in (regions_api, center_api, core_api, cases_api, mediation_api, surveillance_api, registry_api):
    app_api.register(router)

urlpatterns = [
    *accounts_api.urlpatterns,
    *regions_api.urlpatterns,
    *center_api.urlpatterns,
    path("", include(router.urls)),
]
