"""Who may do what on the editors' page: the session cookie, sign-in and sign-out, CSRF tokens.

Reading follows the API's rule (open, or behind the token with protect_reads); writing needs
the token, typed once into the sign-in form and remembered as a flag in Flask's signed session
cookie (HttpOnly, SameSite=Strict, Secure unless configured off). The cookie is signed with
secret_key, or else with a key derived from the token, so that every worker and every host
derives the same key and a new token signs everyone out. Every POST carries the session's
CSRF token, compared in constant time.
"""

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug import Response

from service.auth import bearer_matches, token_matches
from service.config import PREFIX, Settings

blueprint = Blueprint("access", __name__)
SESSION_LIFETIME = timedelta(hours=12)
_KEY_CONTEXT = b"topic-tagger editors' page session key"


class PageError(Exception):
    """An error the editors' page shows on purpose: status, a title and a sentence for people."""

    def __init__(self, status: int, title: str, detail: str):
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail


def init_app(app: Flask, settings: Settings) -> None:
    """Configure the session cookie the editors' page signs in with."""
    app.config.update(
        SECRET_KEY=session_key(settings),
        SESSION_COOKIE_NAME="topic_tagger_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=settings.cookie_secure,
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
    )


def session_key(settings: Settings) -> bytes:
    """secret_key; else an HMAC of the token; else (a read-only service, where there is
    nothing to sign in to) a random key, which `topic-tagger serve` fixes for all workers."""
    if settings.secret_key:
        return settings.secret_key.encode()
    if settings.token:
        return hmac.new(settings.token.encode(), _KEY_CONTEXT, hashlib.sha256).digest()
    return secrets.token_bytes(32)


def render(template: str, **context: Any) -> str:
    """A page of the editors' UI (templates/ui/); ui.py adds what every page shows."""
    return render_template(f"ui/{template}", **context)


def _settings() -> Settings:
    return current_app.config["SETTINGS"]


def csrf_token() -> str:
    """This session's CSRF token, made on first use; every form of the page carries it."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return str(session["csrf"])


def check_csrf() -> None:
    """Refuse a POST whose form does not carry this session's CSRF token."""
    supplied = request.form.get("csrf_token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(supplied.encode(), str(expected).encode()):
        raise PageError(400, "The form has expired", "Reload the page and send it again.")


def signed_in() -> bool:
    return bool(session.get("signed_in")) and _settings().token is not None


def can_read() -> bool:
    """The API's rule: open, unless reads are protected (then a session or a bearer token)."""
    return not _settings().protect_reads or signed_in() or bearer_matches(_settings())


def writes(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a view that changes state: it needs the token, through a signed-in session."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if _settings().token is None:
            raise PageError(403, "Writing is disabled", f"Set {PREFIX}TOKEN to enable it.")
        if not signed_in():
            raise PageError(401, "Sign in first", "This needs the token: sign in, then retry.")
        return view(*args, **kwargs)

    return guarded


@blueprint.get("/sign-in")
def sign_in_form() -> str:
    return render("sign_in.html", next=_safe_next(request.args.get("next")))


@blueprint.post("/sign-in")
def sign_in() -> Response | tuple[str, int]:
    target = _safe_next(request.form.get("next"))
    if _settings().token is None:
        raise PageError(403, "Signing in is disabled", f"Set {PREFIX}TOKEN to enable it.")
    if not token_matches(_settings(), request.form.get("token", "")):
        return render("sign_in.html", error="That is not the token.", next=target), 401
    session.clear()  # a fresh session (and CSRF token) for the signed-in editor
    session.permanent = True
    session.update(signed_in=True, csrf=secrets.token_urlsafe(32))
    flash("Signed in.")
    return redirect(target, 303)


@blueprint.post("/sign-out")
def sign_out() -> Response:
    session.clear()
    flash("Signed out.")
    return redirect(url_for("ui.tagging.try_page"), 303)


def _safe_next(target: str | None) -> str:
    """Only a path of this page: an absolute URL in ?next= would make us an open redirect."""
    if target and target.startswith("/ui/") and not target.startswith("//"):
        return target
    return url_for("ui.tagging.try_page")
