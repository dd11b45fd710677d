"""Label API: editors' corrections in, stored durably before the 201; read back page by page."""

from flask import Blueprint, Response, current_app, request

from classifier import DataError, LabelConflict, LabelStore, LabelStoreError
from service.api import serving_tagger
from service.auth import requires_token
from service.errors import ApiError, json_response
from service.parsing import read_json_object, validate
from service.schemas import LabelBatchRequest, LabelIn

blueprint = Blueprint("labels", __name__, url_prefix="/v1/labels")
MAX_PAGE = 1000
MAX_SEQ = 2**63 - 1  # the largest sequence number either database can store


def _store() -> LabelStore:
    return current_app.extensions["label_store"]


def store_labels(items: list[LabelIn]) -> list[dict[str, object]]:
    """Validate labels against the serving model and store them all or none: the one path of
    POST /v1/labels, /v1/labels/batch and the editors' page (same checks, ids and 409s)."""
    tagger = serving_tagger()
    rows = []
    for position, item in enumerate(items):
        try:
            labels = tagger.resolve_labels(item.labels)
        except DataError as error:
            where = f"labels[{position}]: " if len(items) > 1 else ""
            raise ApiError(422, "unknown_label", f"{where}{error}") from None
        rows.append((item.text, labels, item.source, item.id))
    try:
        stored = _store().add(rows)
    except LabelConflict as error:
        raise ApiError(409, "id_conflict", str(error)) from None
    except LabelStoreError as error:
        raise ApiError(503, "store_unavailable", str(error)) from None
    return [{"id": identifier, "created": created} for identifier, created in stored]


@blueprint.post("")
@requires_token(write=True)
def add_label() -> Response:
    item = validate(LabelIn, read_json_object())
    return json_response(store_labels([item])[0], status=201)


@blueprint.post("/batch")
@requires_token(write=True)
def add_labels() -> Response:
    batch = validate(LabelBatchRequest, read_json_object())
    limit = current_app.config["SETTINGS"].max_batch
    if len(batch.labels) > limit:
        raise ApiError(422, "batch_too_large", f"{len(batch.labels)} labels; the limit is {limit}")
    return json_response({"results": store_labels(batch.labels)}, status=201)


@blueprint.get("")
@requires_token(write=True)
def list_labels() -> Response:
    unknown = sorted(set(request.args) - {"after", "limit"})
    if unknown:
        raise ApiError(422, "validation_error", f"unknown query parameter(s) {', '.join(unknown)}")
    try:
        after = int(request.args.get("after", "0"))
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        raise ApiError(
            422, "validation_error", "'after' and 'limit' must be whole numbers"
        ) from None
    if not 0 <= after <= MAX_SEQ or not 1 <= limit <= MAX_PAGE:
        raise ApiError(
            422, "validation_error", f"need 0 <= after <= {MAX_SEQ} and 1 <= limit <= {MAX_PAGE}"
        )
    try:
        page = _store().page(after, limit)
    except LabelStoreError as error:
        raise ApiError(503, "store_unavailable", str(error)) from None
    labels = [
        {
            "id": x.id,
            "text": x.text,
            "labels": list(x.labels),
            "source": x.source,
            "created_at": x.created_at,
            "seq": x.seq,
        }
        for x in page
    ]
    return json_response({"labels": labels, "next": page[-1].seq if len(page) == limit else None})
