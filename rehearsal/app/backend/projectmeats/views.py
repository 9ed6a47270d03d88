"""The health endpoint checks the database for real: a query on the migrated table."""
import os

from django.db import connection
from django.http import JsonResponse

from suppliers.models import Supplier

RELEASE = os.environ.get("PM_RELEASE", "unknown")


def health(request):
    if os.environ.get("PM_FAULT") == "health":
        # A broken build: the endpoint answers, but never healthy.
        return JsonResponse({"status": "error", "release": RELEASE, "detail": "fault injected at build time"}, status=503)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        count = Supplier.objects.count()
    except Exception as error:  # noqa: BLE001 - any database failure makes the release unhealthy
        return JsonResponse({"status": "error", "release": RELEASE, "detail": type(error).__name__}, status=503)
    return JsonResponse({"status": "ok", "release": RELEASE, "suppliers": count})


def suppliers(request):
    return JsonResponse({"release": RELEASE, "suppliers": list(Supplier.objects.order_by("id").values("id", "name"))})
