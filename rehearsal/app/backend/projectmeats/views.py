"""Readiness and health as ProjectMeats' projectmeats/health.py answers them: readiness 200
{"status": "ready"} or 503 when the database does not answer; health {"status": "healthy"} with a query
on the migrated table. Each answer names the release, for the rehearsal's traffic."""
import os

from django.db import connection
from django.http import JsonResponse

from suppliers.models import Supplier

RELEASE = os.environ.get("PM_RELEASE", "unknown")


def ready(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any database failure means not ready
        return JsonResponse({"status": "not_ready", "release": RELEASE, "detail": type(error).__name__}, status=503)
    return JsonResponse({"status": "ready", "release": RELEASE})


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
    return JsonResponse({"status": "healthy", "release": RELEASE, "suppliers": count})


def suppliers(request):
    return JsonResponse({"release": RELEASE, "suppliers": list(Supplier.objects.order_by("id").values("id", "name"))})
