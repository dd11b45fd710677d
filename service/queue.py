"""Review queue API: texts in for editors to label, read back most informative first.

The order is the serving model's: among the oldest waiting texts (a window, so that a read
costs a bounded amount of tagging), those whose tags it was least sure of come first.
"""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, Response, current_app, request

from classifier import (
    LabelStoreError,
    QueueItem,
    Ranked,
    ReviewQueue,
    Tagger,
    main_text,
    queue_id,
    rank_by_margin,
)
from service.api import batch_document, serving_tagger
from service.auth import requires_token
from service.errors import ApiError, json_response
from service.parsing import read_json_object, validate
from service.schemas import BatchDocument
from service.schemas_queue import QueueRequest

blueprint = Blueprint("queue", __name__, url_prefix="/v1/queue")
WINDOW = 1000  # oldest waiting texts ranked per read: about a fifth of a second of tagging
MAX_PAGE = 100
Result = TypeVar("Result")


def review_queue() -> ReviewQueue:
    return current_app.extensions["review_queue"]


def guarded(action: Callable[[], Result]) -> Result:
    """Run a queue operation; an unreachable store is a 503, as for labels."""
    try:
        return action()
    except LabelStoreError as error:
        raise ApiError(503, "store_unavailable", str(error)) from None


def most_informative(limit: int) -> tuple[Tagger, list[tuple[QueueItem, Ranked]]]:
    """The serving model and the `limit` waiting items it is least sure of, least sure first."""
    tagger = serving_tagger()
    items = guarded(lambda: review_queue().waiting(WINDOW))
    ranked = rank_by_margin(tagger.model, [item.text for item in items])[:limit]
    return tagger, [(items[r.index], r) for r in ranked]


def add_texts(entries: list[tuple[str, str]], source: str | None) -> list[str]:
    """Queue (id, text) pairs; per pair ADDED, PRESENT or CONFLICT."""
    rows = [(identifier, text, source) for identifier, text in entries]
    return guarded(lambda: review_queue().add(rows))


@blueprint.post("")
@requires_token(write=True)
def add_to_queue() -> Response:
    body = validate(QueueRequest, read_json_object())
    limit = current_app.config["SETTINGS"].max_batch
    if len(body.documents) > limit:
        raise ApiError(
            422, "batch_too_large", f"{len(body.documents)} documents; the limit is {limit}"
        )
    parsed = [_queueable(batch_document(raw)) for raw in body.documents]
    valid = [entry for entry in parsed if isinstance(entry, tuple)]
    outcomes = iter(add_texts([(qid, text) for _, qid, text in valid], body.source))
    results = [
        entry if isinstance(entry, dict) else _outcome(entry, next(outcomes)) for entry in parsed
    ]
    return json_response({"results": results}, status=201)


@blueprint.get("")
@requires_token(write=True)  # queued texts are newsroom material, read like stored labels
def list_queue() -> Response:
    unknown = sorted(set(request.args) - {"limit"})
    raw = request.args.get("limit", "10")
    if unknown or not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
        raise ApiError(
            422, "validation_error", f"the only parameter is limit, from 1 to {MAX_PAGE}"
        )
    tagger, chosen = most_informative(int(raw))
    items = [
        {
            "id": item.id,
            "text": item.text,
            "source": item.source,
            "added_at": item.added_at,
            "margin": round(ranked.margin, 4),
            "tags": [tag.to_dict() for tag in ranked.result.tags],
        }
        for item, ranked in chosen
    ]
    waiting = guarded(review_queue().count)
    return json_response({"model": tagger.version, "waiting": waiting, "items": items})


def _queueable(document: BatchDocument | dict[str, Any]) -> tuple[Any, str, str] | dict[str, Any]:
    """(client id, queue id, text), or the error entry that stands in the document's place."""
    if isinstance(document, dict):
        return document
    text = document.text if document.text is not None else main_text(document.html or "")
    if not text.strip():
        detail = "the html holds no main text to review"
        return {"id": document.id, "error": {"error": "validation_error", "detail": detail}}
    return document.id, queue_id(text, document.id), text


def _outcome(entry: tuple[Any, str, str], outcome: str) -> dict[str, Any]:
    client_id, identifier, _ = entry
    if outcome == ReviewQueue.CONFLICT:
        detail = f"id {identifier!r} is already queued with another text"
        return {"id": client_id, "error": {"error": "id_conflict", "detail": detail}}
    return {"id": client_id, "queue_id": identifier, "added": outcome == ReviewQueue.ADDED}
