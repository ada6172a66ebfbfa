"""URL configuration: pages per app, the REST API v1 under /api/v1/, OpenAPI at /api/schema/."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from fengqiao.core.admin_site import restrict_admin_to_administrators

restrict_admin_to_administrators(admin.site)

urlpatterns = [
    path("", include("fengqiao.core.urls")),
    path("accounts/", include("fengqiao.accounts.urls")),
    path("regions/", include("fengqiao.regions.urls")),
    path("center/", include("fengqiao.center.urls")),
    path("cases/", include("fengqiao.cases.urls")),
    path("field/", include("fengqiao.field.urls")),
    path("mediation/", include("fengqiao.mediation.urls")),
    path("registry/", include("fengqiao.registry.urls")),
    path("surveillance/", include("fengqiao.surveillance.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("fengqiao.api_v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api_docs"),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
