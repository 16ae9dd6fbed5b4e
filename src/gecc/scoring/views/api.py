"""The field app's JSON API for members' own scoring (``/field/api/``, namespace ``field``):
sync batches, submitting a sheet, resumable photo uploads and reading a photo.

Every endpoint needs a signed-in user (anonymous: the sign-in page) holding the member role
(else 403 JSON); reading a photo is open to the secretariat too. Objects out of the user's
scope answer 404 JSON, as if they did not exist. Session authentication with the CSRF header
``X-CSRFToken``. The rules live in ``scoring.domain``; these views only translate HTTP.
"""

from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import FileResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gecc.accounts.enums import Role
from gecc.applications.models import Application
from gecc.scoring.domain import photos, sync
from gecc.scoring.domain.sheets import (
    SheetIncomplete,
    sheet_for,
    sheet_snapshot,
    submit_sheet,
)


def _error(status, message, **extra):
    return JsonResponse({"error": message, **extra}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _ok(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


def endpoint(*methods, roles=(Role.ASSESSOR,)):
    """Sign-in, then role (403 JSON), then method (405 JSON); never cached."""

    def decorate(view):
        @never_cache
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not any(user.has_role(role) for role in roles):
                return _error(403, _("Only members of a sub-committee can use the scoring "
                                     "app."))
            if request.method not in methods:
                response = _error(405, _("This address does not answer %(method)s.")
                                  % {"method": request.method})
                response["Allow"] = ", ".join(methods)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def _body(request):
    try:
        return request.body
    except RequestDataTooBig:
        return None


@endpoint("POST")
def sync_view(request):
    """``field:api.sync``: apply a batch of changes (see ``scoring.domain.sync``)."""
    body = _body(request)
    try:
        if body is None:
            raise sync.MalformedBatch([{"index": None,
                                        "message": _("The batch is too large to receive.")}])
        batch = sync.parse_batch(body)
        result = sync.apply_batch(request.user, batch, request=request)
    except sync.MalformedBatch as refusal:
        return _ok(refusal.as_json(), status=400)
    return _ok(result.response)


def _scoped_application(user, pk):
    return Application.objects.visible_to(user).filter(pk=pk).select_related(
        "round", "unit").first()


def _not_found():
    return _error(404, _("Not found."))


@endpoint("POST")
def submit_view(request, application_pk):
    """``field:api.submit``: submit the member's sheet (409 with the items left)."""
    application = _scoped_application(request.user, application_pk)
    if application is None:
        return _not_found()
    try:
        sheet = sheet_for(request.user, application)
        sheet = submit_sheet(sheet, request.user, request=request)
    except SheetIncomplete as error:
        return _error(409, error.messages[0], code=error.code, missing=error.missing)
    except ValidationError as error:
        return _error(409, error.messages[0], code=error.code, missing=[])
    return _ok({"state": sheet.state, "application": application.pk,
                "submitted_at": sheet.submitted_at.isoformat(),
                "sheet": sheet_snapshot(sheet)})


def _photo_error(error: photos.PhotoError):
    return _error(error.status, error.message, code=error.code, **error.extra)


def _upload_json(upload):
    return {"sha256": upload.sha256, "size": upload.size, "received": upload.received,
            "complete": upload.completed_at is not None}


@endpoint("POST")
def photo_start_view(request):
    """``field:api.photo.start``: declare (or resume) an upload."""
    try:
        payload = json.loads(_body(request) or b"")
    except (ValueError, UnicodeDecodeError):
        payload = None
    if not isinstance(payload, dict):
        return _error(400, _("The request is not valid JSON."), code="invalid")
    try:
        upload = photos.start_upload(request.user, payload.get("sha256"),
                                     payload.get("size"), payload.get("content_type"))
    except photos.PhotoError as error:
        return _photo_error(error)
    return _ok(_upload_json(upload))


def _chunk(request, sha256):
    try:
        offset = int(request.GET.get("offset", ""))
    except ValueError:
        offset = -1
    if offset < 0:
        return _error(400, _("Say where the chunk starts (?offset=N)."), code="invalid")
    data = _body(request)
    if data is None:
        return _error(413, _("A chunk may hold at most 1 MB."), code="too_large")
    try:
        upload = photos.receive_chunk(request.user, sha256, offset, data)
    except photos.PhotoError as error:
        return _photo_error(error)
    return _ok(_upload_json(upload))


def _file(request, sha256):
    blob = photos.readable_blob(request.user, sha256)
    if blob is None:
        return _not_found()
    response = FileResponse(blob.file.open("rb"), content_type=blob.content_type)
    response["Content-Disposition"] = f'inline; filename="{sha256[:16]}"'
    response["Cache-Control"] = "private, max-age=86400, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@endpoint("GET", "HEAD", "PUT", roles=(Role.ASSESSOR, Role.SECRETARIAT))
def photo_view(request, sha256):
    """``field:api.photo.file`` (GET: the image) and ``field:api.photo.chunk`` (PUT: a chunk
    of the member's upload) share one address."""
    if request.method == "PUT":
        if not request.user.has_role(Role.ASSESSOR):
            return _error(403, _("Only members of a sub-committee can use the scoring app."))
        return _chunk(request, sha256)
    return _file(request, sha256)


@endpoint("GET")
def photo_status_view(request, sha256):
    """``field:api.photo.status``: how much of the member's upload the server has."""
    try:
        upload = photos.upload_of(request.user, sha256)
    except photos.PhotoError as error:
        return _photo_error(error)
    return _ok(_upload_json(upload))
