"""Turn a request body into a validated model, or an ApiError that says what is wrong."""

import json
from typing import Any, TypeVar

from flask import request
from pydantic import BaseModel, ValidationError

from service.errors import ApiError

Model = TypeVar("Model", bound=BaseModel)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def read_json_object() -> dict[str, Any]:
    """The body as a JSON object; size is limited by Flask before a byte is parsed."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    raw = request.get_data(cache=False)  # raises 413 past MAX_CONTENT_LENGTH
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ApiError(
            400, "invalid_encoding", f"the body is not UTF-8 (byte {error.start})"
        ) from None
    try:
        data = json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError) as error:
        raise ApiError(400, "malformed_json", f"the body is not valid JSON ({error})") from None
    if not isinstance(data, dict):
        raise ApiError(422, "validation_error", "the body must be a JSON object")
    return data


def validate(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON against a schema; errors name the field at fault."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ApiError(422, "validation_error", describe(error)) from None


def describe(error: ValidationError) -> str:
    """One readable line from pydantic's errors: 'text: String should ...; top_k: ...'."""
    parts = []
    for item in error.errors(include_url=False)[:5]:
        where = ".".join(str(part) for part in item["loc"]) or "body"
        message = item["msg"].removeprefix("Value error, ")
        parts.append(message if message.startswith(f"{where} ") else f"{where}: {message}")
    return "; ".join(parts)
