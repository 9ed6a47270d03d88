"""The tenant middleware, with the defect of ProjectMeats' apps/tenants/middleware.py (issue 17,
fact 7): it resolves the tenant (X-Tenant-ID header; the health and ready paths are skipped, as there)
and then runs `SET LOCAL app.current_tenant_id` on the request's connection. There is no
ATOMIC_REQUESTS, so the connection is in autocommit: SET LOCAL runs in a transaction of its own, which
ends at once, and PostgreSQL only warns ("SET LOCAL can only be used in transaction blocks"). The
tenant tables FORCE row-level security on tenant_id = current_setting('app.current_tenant_id'), so for
a role without BYPASSRLS every insert fails and every read returns nothing."""
import logging

from django.db import connection

from .models import Tenant

logger = logging.getLogger(__name__)

SKIPPED = ("/api/v1/health/", "/api/v1/ready/")


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        if request.path.startswith(SKIPPED):
            return self.get_response(request)
        tenant_id = request.headers.get("X-Tenant-ID")
        if tenant_id:
            try:
                request.tenant = Tenant.objects.get(id=tenant_id, is_active=True)
            except (Tenant.DoesNotExist, ValueError, Exception):  # noqa: BLE001 - an unknown or malformed id resolves nothing
                logger.warning("no tenant %s", tenant_id)
        if request.tenant is not None:
            with connection.cursor() as cursor:
                # Outside a transaction: no effect (the defect emulated here).
                cursor.execute("SET LOCAL app.current_tenant_id = %s", [str(request.tenant.id)])
        return self.get_response(request)
