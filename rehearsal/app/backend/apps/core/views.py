"""The API the rehearsal writes through. Every view is CSRF-exempt, as ProjectMeats' REST API is (token
authentication, not cookies). Under production settings a plain-HTTP request to any of them is
redirected to HTTPS (SECURE_SSL_REDIRECT); a TLS-terminating proxy sends X-Forwarded-Proto: https."""
import json
import re

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from apps.core.models import Upload
from apps.suppliers.models import Supplier
from apps.tenants.models import Tenant

SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")


def _body(request):
    try:
        return json.loads(request.body or b"{}")
    except ValueError:
        return {}


@csrf_exempt
def tenants(request):
    if request.method == "POST":
        data = _body(request)
        tenant, _ = Tenant.objects.get_or_create(slug=data.get("slug", ""), defaults={"name": data.get("name", "")})
        return JsonResponse({"id": str(tenant.id), "slug": tenant.slug, "release": settings.RELEASE}, status=201)
    return JsonResponse({"tenants": list(Tenant.objects.order_by("slug").values_list("slug", flat=True)), "release": settings.RELEASE})


@csrf_exempt
def suppliers(request):
    """Suppliers of the request's tenant (X-Tenant-ID). The table FORCEs row-level security and the
    middleware's SET LOCAL has no effect, so without BYPASSRLS a write fails and a read sees nothing."""
    try:
        if request.method == "POST":
            if request.tenant is None:
                return JsonResponse({"error": "no tenant: send X-Tenant-ID"}, status=400)
            supplier = Supplier.objects.create(name=_body(request).get("name", ""), tenant=request.tenant)
            return JsonResponse({"id": supplier.id, "name": supplier.name, "tenant": str(request.tenant.id), "release": settings.RELEASE}, status=201)
        rows = Supplier.objects.order_by("id").values("id", "name")
        return JsonResponse({"suppliers": list(rows), "release": settings.RELEASE})
    except Exception as error:  # noqa: BLE001 - ProjectMeats answers 500 here; the rehearsal wants the reason
        return JsonResponse({"error": str(error).strip().splitlines()[0], "release": settings.RELEASE}, status=500)


@csrf_exempt
def upload(request):
    """Stores the request's body under MEDIA_ROOT/uploads/<X-File-Name>."""
    if request.method != "POST":
        return JsonResponse({"error": "POST a file"}, status=405)
    name = request.headers.get("X-File-Name", "")
    if not SAFE_NAME.match(name):
        return JsonResponse({"error": "X-File-Name must be a plain file name"}, status=400)
    if default_storage.exists(f"uploads/{name}"):
        default_storage.delete(f"uploads/{name}")
    stored = default_storage.save(f"uploads/{name}", ContentFile(request.body))
    Upload.objects.create(name=name, size=len(request.body), release=settings.RELEASE)
    return JsonResponse({"name": name, "path": str(settings.MEDIA_ROOT / stored), "size": len(request.body), "release": settings.RELEASE}, status=201)


def uploaded(request, name):
    if not SAFE_NAME.match(name) or not default_storage.exists(f"uploads/{name}"):
        raise Http404(name)
    response = FileResponse(default_storage.open(f"uploads/{name}", "rb"))
    response["X-Release"] = settings.RELEASE
    return response
