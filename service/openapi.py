"""The OpenAPI 3 document, generated from the same pydantic models that validate requests."""

from typing import Any

from flask import Blueprint, Response, current_app

from classifier import NO_TOPIC
from service import schemas_queue
from service.auth import requires_token
from service.errors import json_response
from service.schemas import REQUEST_MODELS, RESPONSE_MODELS

blueprint = Blueprint("openapi", __name__)

_REF = "#/components/schemas/{model}"


def _json(schema: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _errors(*statuses: int) -> dict[str, Any]:
    reasons = {
        400: "Malformed JSON or bytes that are not UTF-8",
        401: "Missing or wrong bearer token",
        403: "Endpoint disabled: no token configured",
        409: "Conflict: a label id reused for other content, or a model that failed verification",
        413: "Body over its size limit",
        415: "Body is not application/json",
        422: "Well-formed JSON that breaks the schema, or a batch over its limit",
        503: "No model loaded, or the label store is unreachable",
    }
    return {str(s): {"description": reasons[s], "content": _json("ErrorBody")} for s in statuses}


READ: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]  # open unless reads are protected
WRITE: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def _operation(
    summary: str,
    request: str | None,
    success: tuple[str, str, dict[str, Any]],
    errors: dict[str, Any],
    security: list[dict[str, list[str]]] | None = None,
) -> dict[str, Any]:
    """One operation: its request schema, its success response and its error responses."""
    status, description, content = success
    operation: dict[str, Any] = {"summary": summary}
    if security is not None:
        operation["security"] = security
    if request is not None:
        operation["requestBody"] = {"required": True, "content": _json(request)}
    operation["responses"] = {
        status: {"description": description, "content": content},
        **errors,
    }
    return operation


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    requests = [*REQUEST_MODELS, *schemas_queue.REQUEST_MODELS]
    responses = [*RESPONSE_MODELS, *schemas_queue.RESPONSE_MODELS]
    for model, mode in [(m, "validation") for m in requests] + [
        (m, "serialization") for m in responses
    ]:
        schema = model.model_json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def build_spec(
    max_body_bytes: int, max_batch: int, label_names: list[str] | None = None
) -> dict[str, Any]:
    """The whole document; limits and the labels a correction may name come from the
    running configuration and the model that serves."""
    schemas = _components()
    schemas["BatchRequest"]["properties"]["documents"]["maxItems"] = max_batch
    schemas["LabelBatchRequest"]["properties"]["labels"]["maxItems"] = max_batch
    schemas["QueueRequest"]["properties"]["documents"]["maxItems"] = max_batch
    if label_names:
        schemas["LabelIn"]["properties"]["labels"] = _label_list(label_names)
    tag_errors = _errors(400, 401, 413, 415, 422, 503)
    label_errors = _errors(400, 401, 403, 409, 413, 415, 422, 503)
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "topic-tagger",
            "version": "1",
            "description": (
                "IPTC Media Topic tags for news articles. Bodies are limited to "
                f"{max_body_bytes} bytes; a batch holds at most {max_batch} documents."
            ),
        },
        "paths": {
            "/v1/tag": {
                "post": _operation(
                    "Tag one article (text or HTML)",
                    "TagRequest",
                    ("200", "Tags", _json("TagResponse")),
                    tag_errors,
                    READ,
                )
            },
            "/v1/tag/batch": {
                "post": _operation(
                    "Tag several articles; a bad document gets its own error entry",
                    "BatchRequest",
                    ("200", "Results", _json("BatchResponse")),
                    tag_errors,
                    READ,
                )
            },
            "/v1/model": {
                "get": _operation(
                    "The model that answers: version, tags, held-out metrics",
                    None,
                    ("200", "Model", _json("ModelInfo")),
                    _errors(401, 503),
                    READ,
                )
            },
            "/v1/model/reload": {
                "post": _operation(
                    "Load the registry's current model now (admin)",
                    None,
                    ("200", "Model", _json("ModelInfo")),
                    _errors(401, 403, 409),
                    WRITE,
                )
            },
            "/v1/labels": {
                "post": _operation(
                    "Store one correction; 201 only once it is durable",
                    "LabelIn",
                    ("201", "Stored", _json("LabelStored")),
                    label_errors,
                    WRITE,
                ),
                "get": {
                    **_operation(
                        "Stored labels in order, a page at a time",
                        None,
                        ("200", "A page", _json("LabelPage")),
                        _errors(401, 403, 422, 503),
                        WRITE,
                    ),
                    "parameters": [
                        {
                            "name": "after",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                    ],
                },
            },
            "/v1/labels/batch": {
                "post": _operation(
                    "Store several corrections, all or none",
                    "LabelBatchRequest",
                    ("201", "Stored", _json("LabelBatchStored")),
                    label_errors,
                    WRITE,
                )
            },
            "/v1/queue": _queue_operations(),
            "/healthz": {"get": _operation("Alive", None, ("200", "Alive", _json("Status")), {})},
            "/readyz": {
                "get": _operation(
                    "Model loaded and verified",
                    None,
                    ("200", "Ready", _json("Status")),
                    {"503": {"description": "Not ready", "content": _json("Status")}},
                )
            },
            "/metrics": {
                "get": _operation(
                    "Prometheus metrics",
                    None,
                    (
                        "200",
                        "Prometheus text format",
                        {"text/plain": {"schema": {"type": "string"}}},
                    ),
                    _errors(401),
                    READ,
                )
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


def _queue_operations() -> dict[str, Any]:
    """The review queue: texts in (as a batch takes them), read back least sure first."""
    return {
        "post": _operation(
            "Queue texts for editors to label; a bad document gets its own error entry",
            "QueueRequest",
            ("201", "Queued", _json("QueueAddedResponse")),
            _errors(400, 401, 403, 413, 415, 422, 503),
            WRITE,
        ),
        "get": {
            **_operation(
                "Waiting texts the serving model is least sure of, least sure first",
                None,
                ("200", "The queue's head", _json("QueuePage")),
                _errors(401, 403, 422, 503),
                WRITE,
            ),
            "parameters": [
                {
                    "name": "limit",
                    "in": "query",
                    "schema": {"type": "integer", "minimum": 1, "maximum": 100},
                }
            ],
        },
    }


def _label_list(names: list[str]) -> dict[str, Any]:
    """Tags by name or code, or ["none"] alone for text with no topic."""
    return {
        "oneOf": [
            {"type": "array", "items": {"enum": names}, "minItems": 1, "maxItems": 20},
            {"type": "array", "items": {"enum": [NO_TOPIC]}, "minItems": 1, "maxItems": 1},
        ],
        "description": 'tags by name or IPTC code; ["none"] alone marks text with no topic',
    }


@blueprint.get("/openapi.json")
@requires_token(write=False)
def openapi() -> Response:
    settings = current_app.config["SETTINGS"]
    tagger = current_app.extensions["model_holder"].tagger
    names = tagger.label_names() if tagger else None
    return json_response(build_spec(settings.max_body_bytes, settings.max_batch, names))
