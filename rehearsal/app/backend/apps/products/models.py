from django.db import models


class Product(models.Model):
    """A tenant's product: tenant_id came in migration 0002, as in ProjectMeats' apps/products."""

    name = models.CharField(max_length=200)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE)
