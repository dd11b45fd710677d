"""One JSON error shape for every failure, mapped to HTTP statuses in one place."""

import logging
from typing import Any

from flask import Flask, Response, json
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from classifier import OptionError

log = logging.getLogger(__name__)

# Werkzeug's HTTP errors keep their status; these are the codes clients see for them.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


class ApiError(Exception):
    """An error the API reports on purpose: status, a short code and a sentence for people."""

    def __init__(self, status: int, code: str, detail: str):
        super().__init__(detail)
        self.status = status
        self.code = code
        self.detail = detail


def json_response(payload: Any, status: int = 200) -> Response:
    """Every JSON body the service sends goes through here."""
    return Response(json.dumps(payload), status=status, mimetype="application/json")


def error_response(status: int, code: str, detail: str) -> Response:
    """The one error body: {"error": <short code>, "detail": <what is wrong>}."""
    return json_response({"error": code, "detail": detail}, status)


def init_app(app: Flask) -> None:
    """Register handlers so that no error leaves the app as HTML or a stack trace."""

    @app.errorhandler(ApiError)
    def _api_error(error: ApiError) -> Response:
        return error_response(error.status, error.code, error.detail)

    @app.errorhandler(OptionError)
    def _option_error(error: OptionError) -> Response:
        # an option valid in itself that the serving model cannot honour (depth 2 without
        # subtopics): the caller's request, so a 422 like every other invalid option
        return error_response(422, "validation_error", str(error))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException) -> Response:
        status = error.code or 500
        detail = error.description or ""
        if status == 413:
            limit = app.config.get("MAX_CONTENT_LENGTH")
            detail = f"the request body is larger than the limit of {limit} bytes"
        response = error_response(status, _HTTP_CODES.get(status, "http_error"), detail)
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            response.headers["Allow"] = ", ".join(error.valid_methods)
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> Response:
        log.exception("unhandled error")
        return error_response(500, "internal_error", "the server failed to handle this request")
