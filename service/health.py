"""Liveness and readiness probes; always open, since load balancers call them without a token."""

from flask import Blueprint, Response, current_app

from service.errors import json_response
from service.holder import ModelHolder

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return json_response({"status": "ok"})


@blueprint.get("/readyz")
def readyz() -> Response:
    holder: ModelHolder = current_app.extensions["model_holder"]
    if holder.tagger is None:
        body = {"status": "not_ready", "detail": holder.error or "no model loaded"}
        return json_response(body, 503)
    body = {"status": "ready", "model": holder.tagger.version}
    if holder.error:  # a newer model was refused; the loaded one still serves
        body["detail"] = holder.error
    return json_response(body)
