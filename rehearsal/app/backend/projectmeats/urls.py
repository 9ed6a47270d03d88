"""URLs: health and readiness at ProjectMeats' paths (backend/projectmeats/urls.py), the admin, and the
API the rehearsal writes through: tenants, suppliers (a FORCE row-level-security table) and uploads."""
from django.contrib import admin
from django.urls import path

from apps.core import views
from projectmeats import health

urlpatterns = [
    path("api/v1/health/", health.health_check),
    path("api/v1/ready/", health.ready_check),
    path("api/v1/tenants/", views.tenants),
    path("api/v1/suppliers/", views.suppliers),
    path("api/v1/uploads/", views.upload),
    path("api/v1/uploads/<str:name>", views.uploaded),
    path("admin/", admin.site.urls),
]
