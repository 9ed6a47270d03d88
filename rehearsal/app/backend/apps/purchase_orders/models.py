from django.db import models


class PurchaseOrder(models.Model):
    """A tenant's purchaseorder: tenant_id came in migration 0002, as in ProjectMeats' apps/purchase_orders."""

    name = models.CharField(max_length=200)
    tenant = models.ForeignKey("tenants.Tenant", null=True, blank=True, on_delete=models.CASCADE)
