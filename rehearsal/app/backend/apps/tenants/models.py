import uuid

from django.db import models


class Tenant(models.Model):
    """A tenant, as ProjectMeats' apps/tenants/models.py (UUID key; a logo uploaded to MEDIA_ROOT)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    contact_email = models.EmailField(blank=True)
    is_active = models.BooleanField(default=True)
    is_trial = models.BooleanField(default=True)
    logo = models.FileField(upload_to="tenant_logos/", blank=True, null=True)
    created_at = models.DateTimeField(auto_now_add=True)
