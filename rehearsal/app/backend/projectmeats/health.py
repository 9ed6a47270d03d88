"""Health and readiness as ProjectMeats' backend/projectmeats/health.py answers them:
- health: always 200, {"status": "healthy"} or {"status": "degraded", "database": "unhealthy: <error>"}
  when `SELECT 1` fails (so a status code alone says nothing);
- ready: 200 {"status": "ready"}, or 503 {"status": "not_ready", "error": ...} when `SELECT 1` fails.
Each answer also names the release the image was built from, for the rehearsal's traffic."""
import os

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "healthy"
    except Exception as error:  # noqa: BLE001 - any database failure
        return f"unhealthy: {error}".strip()


@require_http_methods(["GET"])
@csrf_exempt
def health_check(request):
    if os.environ.get("PM_FAULT") == "health":
        # A broken build (the rehearsal's fault): the endpoint answers, but never healthy.
        return JsonResponse({"status": "error", "release": settings.RELEASE, "detail": "fault injected at build time"}, status=503)
    database = _database()
    return JsonResponse(
        {
            "status": "healthy" if database == "healthy" else "degraded",
            "timestamp": timezone.now().isoformat(),
            "version": "1.0.0",
            "database": database,
            "debug": settings.DEBUG,
            "release": settings.RELEASE,
        }
    )


@require_http_methods(["GET"])
@csrf_exempt
def ready_check(request):
    database = _database()
    if database != "healthy":
        return JsonResponse({"status": "not_ready", "timestamp": timezone.now().isoformat(), "error": database, "release": settings.RELEASE}, status=503)
    return JsonResponse({"status": "ready", "timestamp": timezone.now().isoformat(), "release": settings.RELEASE})
