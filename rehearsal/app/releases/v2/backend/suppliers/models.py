from django.db import models


class Supplier(models.Model):
    name = models.CharField(max_length=200)
    # Nullable, so the previous release keeps working against the migrated table during the swap.
    country = models.CharField(max_length=2, null=True, blank=True)
