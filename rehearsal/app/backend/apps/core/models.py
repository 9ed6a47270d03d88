from django.db import models


class Upload(models.Model):
    """A file uploaded through the API; the file itself is under MEDIA_ROOT (/app/media)."""

    name = models.CharField(max_length=200)
    size = models.IntegerField()
    release = models.CharField(max_length=40)
    uploaded_at = models.DateTimeField(auto_now_add=True)
