from django.db import models


class Plant(models.Model):
    """A tenant's plant: tenant_id came in migration 0002, as in ProjectMeats' apps/plants."""

    name = models.CharField(max_length=200)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE)
