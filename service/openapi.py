"""The OpenAPI 3 document, generated from the same pydantic models that validate requests."""

from typing import Any

from flask import Blueprint, Response, current_app, json

from service.auth import requires_token
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
        503: "No model loaded",
    }
    return {str(s): {"description": reasons[s], "content": _json("ErrorBody")} for s in statuses}


def _components() -> dict[str, Any]:
    schemas: dict[str, Any] = {}
    for model, mode in [(m, "validation") for m in REQUEST_MODELS] + [
        (m, "serialization") for m in RESPONSE_MODELS
    ]:
        schema = model.model_json_schema(ref_template=_REF, mode=mode)  # type: ignore[arg-type]
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return schemas


def build_spec(max_body_bytes: int, max_batch: int) -> dict[str, Any]:
    """The whole document; limits are filled in from the running configuration."""
    schemas = _components()
    schemas["BatchRequest"]["properties"]["documents"]["maxItems"] = max_batch
    schemas["LabelBatchRequest"]["properties"]["labels"]["maxItems"] = max_batch
    read_security: list[dict[str, list[str]]] = [{}, {"bearerAuth": []}]
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
                "post": {
                    "summary": "Tag one article (text or HTML)",
                    "security": read_security,
                    "requestBody": {"required": True, "content": _json("TagRequest")},
                    "responses": {
                        "200": {"description": "Tags", "content": _json("TagResponse")},
                        **tag_errors,
                    },
                }
            },
            "/v1/tag/batch": {
                "post": {
                    "summary": "Tag several articles; a bad document gets its own error entry",
                    "security": read_security,
                    "requestBody": {"required": True, "content": _json("BatchRequest")},
                    "responses": {
                        "200": {"description": "Results", "content": _json("BatchResponse")},
                        **tag_errors,
                    },
                }
            },
            "/v1/model": {
                "get": {
                    "summary": "The model that answers: version, tags, held-out metrics",
                    "security": read_security,
                    "responses": {
                        "200": {"description": "Model", "content": _json("ModelInfo")},
                        **_errors(401, 503),
                    },
                }
            },
            "/v1/model/reload": {
                "post": {
                    "summary": "Load the registry's current model now (admin)",
                    "security": [{"bearerAuth": []}],
                    "responses": {
                        "200": {"description": "Model", "content": _json("ModelInfo")},
                        **_errors(401, 403, 409),
                    },
                }
            },
            "/v1/labels": {
                "post": {
                    "summary": "Store one correction; 201 only once it is durable",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {"required": True, "content": _json("LabelIn")},
                    "responses": {
                        "201": {"description": "Stored", "content": _json("LabelStored")},
                        **label_errors,
                    },
                },
                "get": {
                    "summary": "Stored labels in order, a page at a time",
                    "security": [{"bearerAuth": []}],
                    "parameters": [
                        {
                            "name": "after",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 0},
                        },
                        {
                            "name": "limit",
                            "in": "query",
                            "schema": {"type": "integer", "minimum": 1, "maximum": 1000},
                        },
                    ],
                    "responses": {
                        "200": {"description": "A page", "content": _json("LabelPage")},
                        **_errors(401, 403, 422, 503),
                    },
                },
            },
            "/v1/labels/batch": {
                "post": {
                    "summary": "Store several corrections, all or none",
                    "security": [{"bearerAuth": []}],
                    "requestBody": {"required": True, "content": _json("LabelBatchRequest")},
                    "responses": {
                        "201": {"description": "Stored", "content": _json("LabelBatchStored")},
                        **label_errors,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Alive",
                    "responses": {"200": {"description": "Alive", "content": _json("Status")}},
                }
            },
            "/readyz": {
                "get": {
                    "summary": "Model loaded and verified",
                    "responses": {
                        "200": {"description": "Ready", "content": _json("Status")},
                        "503": {"description": "Not ready", "content": _json("Status")},
                    },
                }
            },
            "/metrics": {
                "get": {
                    "summary": "Prometheus metrics",
                    "security": read_security,
                    "responses": {
                        "200": {
                            "description": "Prometheus text format",
                            "content": {"text/plain": {"schema": {"type": "string"}}},
                        },
                        **_errors(401),
                    },
                }
            },
        },
        "components": {
            "schemas": schemas,
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}},
        },
    }


@blueprint.get("/openapi.json")
@requires_token(write=False)
def openapi() -> Response:
    settings = current_app.config["SETTINGS"]
    return Response(
        json.dumps(build_spec(settings.max_body_bytes, settings.max_batch)),
        mimetype="application/json",
    )
