"""The editors' web page under /ui/: try an article, correct its tags, work through the review
queue, manage models.

Server-rendered HTML forms over the same functions the API calls; a small script of our own
(static/ui/ui.js) only improves the tag picker. Nothing comes from elsewhere (no CDN, fonts
or third-party scripts), so the page works offline under a strict Content-Security-Policy.
This module assembles the pages' blueprints and applies what every page shares: read access,
CSRF checks on every POST, the common template context and HTML error pages.
"""

import logging
from typing import Any

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from werkzeug import Response
from werkzeug.exceptions import HTTPException

from service import ui_access, ui_models, ui_queue, ui_try
from service.config import Settings
from service.errors import ApiError
from service.ui_access import PageError, render

log = logging.getLogger(__name__)
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'"
)
OPEN_ENDPOINTS = {"ui.access.sign_in_form", "ui.access.sign_in", "ui.access.sign_out"}
_TITLES = {400: "Bad request", 404: "Not found", 405: "Not allowed", 413: "Too large"}

blueprint = Blueprint("ui", __name__, url_prefix="/ui")
for page in (ui_access, ui_try, ui_queue, ui_models):
    blueprint.register_blueprint(page.blueprint)


def init_app(app: Flask, settings: Settings) -> None:
    """Serve the pages; their session cookie is configured from the settings."""
    ui_access.init_app(app, settings)
    app.register_blueprint(blueprint)


def is_page(path: str) -> bool:
    """Responses that get the page's Content-Security-Policy instead of the API's."""
    return path == "/ui" or path.startswith(("/ui/", "/static/ui/"))


@blueprint.before_request
def _guard() -> Response | None:
    if request.method == "POST":
        ui_access.check_csrf()
    if request.endpoint not in OPEN_ENDPOINTS and not ui_access.can_read():
        return redirect(url_for("ui.access.sign_in_form", next=request.full_path.rstrip("?")))
    return None


@blueprint.context_processor
def _common() -> dict[str, Any]:
    tagger = current_app.extensions["model_holder"].tagger
    return {
        "csrf_token": ui_access.csrf_token,
        "signed_in": ui_access.signed_in(),
        "writable": current_app.config["SETTINGS"].token is not None,
        "model_version": tagger.version if tagger else None,
    }


@blueprint.errorhandler(PageError)
def _page_error(error: PageError) -> tuple[str, int]:
    return render("error.html", title=error.title, detail=error.detail), error.status


@blueprint.errorhandler(ApiError)
def _api_error(error: ApiError) -> tuple[str, int]:
    # the label and queue functions the API shares report this way; same words, as a page
    title = error.code.replace("_", " ").capitalize()
    return render("error.html", title=title, detail=error.detail), error.status


@blueprint.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int]:
    status = error.code or 500
    title = _TITLES.get(status, "Error")
    if status == 413:
        limit = current_app.config.get("MAX_CONTENT_LENGTH")
        return render("error.html", title=title, detail=f"The limit is {limit} bytes."), 413
    return render("error.html", title=title, detail=error.description or ""), status


@blueprint.errorhandler(Exception)
def _unexpected(error: Exception) -> tuple[str, int]:
    log.exception("unhandled error on the editors' page")
    return render("error.html", title="Error", detail="The server failed to do that."), 500
