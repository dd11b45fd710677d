"""Liveness and readiness probes; always open, since load balancers call them without a token."""

from flask import Blueprint, Response, current_app, json

from service.holder import ModelHolder

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
def healthz() -> Response:
    return Response(json.dumps({"status": "ok"}), mimetype="application/json")


@blueprint.get("/readyz")
def readyz() -> Response:
    holder: ModelHolder = current_app.extensions["model_holder"]
    if holder.tagger is None:
        body = {"status": "not_ready", "detail": holder.error or "no model loaded"}
        return Response(json.dumps(body), status=503, mimetype="application/json")
    body = {"status": "ready", "model": holder.tagger.version}
    if holder.error:  # a newer model was refused; the loaded one still serves
        body["detail"] = holder.error
    return Response(json.dumps(body), mimetype="application/json")
