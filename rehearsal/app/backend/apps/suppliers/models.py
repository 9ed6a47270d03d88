from django.db import models


class Supplier(models.Model):
    """A tenant's supplier: tenant_id came in migration 0002, as in ProjectMeats' apps/suppliers."""

    name = models.CharField(max_length=200)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE)
