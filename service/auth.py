"""Bearer-token checks: write and admin endpoints always, read endpoints when configured."""

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request

from service.config import PREFIX, Settings
from service.errors import ApiError


def _check(settings: Settings, *, write: bool) -> None:
    if settings.token is None:
        if write:
            raise ApiError(
                403,
                "disabled",
                f"this endpoint is disabled; set {PREFIX}TOKEN to enable write and admin endpoints",
            )
        return
    if not write and not settings.protect_reads:
        return
    if not bearer_matches(settings):
        raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>'")


def token_matches(settings: Settings, supplied: str) -> bool:
    """Whether a supplied token is the configured one (never, when none is configured)."""
    if settings.token is None:
        return False
    # compare_digest takes the same time wherever the strings differ: no timing oracle.
    return hmac.compare_digest(supplied.strip().encode(), settings.token.encode())


def bearer_matches(settings: Settings) -> bool:
    """Whether this request carries 'Authorization: Bearer <the token>'."""
    scheme, _, supplied = request.headers.get("Authorization", "").partition(" ")
    return scheme.lower() == "bearer" and token_matches(settings, supplied)


def requires_token(*, write: bool) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a view: write=True for endpoints that change state or administer the service."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            _check(current_app.config["SETTINGS"], write=write)
            return view(*args, **kwargs)

        return guarded

    return decorate
