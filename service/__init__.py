"""The HTTP service: a thin Flask layer over the classifier's public API.

`create_app` is the only place where wiring happens; gunicorn calls it once per worker.
"""

from flask import Flask, Response, request

from classifier import ReviewQueue, open_label_store
from service import api, errors, health, labels, metrics, openapi, queue, ui
from service.config import Settings
from service.holder import ModelHolder

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def create_app(settings: Settings | None = None) -> Flask:
    """Build the app from settings (default: TOPIC_TAGGER_* environment variables)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(SETTINGS=settings, MAX_CONTENT_LENGTH=settings.max_body_bytes, DEBUG=False)
    errors.init_app(app)
    metrics.init_app(app)
    holder = ModelHolder(settings.model_dir, key=settings.model_key)
    app.extensions["model_holder"] = holder
    holder.on_load.append(lambda version, previous: metrics.record_model(app, version, previous))
    holder.load()
    if settings.reload_seconds:
        holder.watch(settings.reload_seconds)
    app.extensions["label_store"] = open_label_store(settings.label_store_location)
    app.extensions["review_queue"] = ReviewQueue(app.extensions["label_store"])
    blueprints = (api.blueprint, labels.blueprint, queue.blueprint, health.blueprint)
    for blueprint in (*blueprints, openapi.blueprint):
        app.register_blueprint(blueprint)
    ui.init_app(app, settings)  # the editors' page under /ui/

    @app.after_request
    def _security_headers(response: Response) -> Response:
        response.headers.update(SECURITY_HEADERS)
        if ui.is_page(request.path):  # pages load their own styles and script, nothing else
            response.headers["Content-Security-Policy"] = ui.CSP
        return response

    return app
