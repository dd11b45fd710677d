"""The tagging API: parse the request, call the classifier, shape the response."""

from typing import Any

from flask import Blueprint, Response, current_app
from pydantic import ValidationError

from classifier import ArticleTags, Tag, Tagger
from service.auth import requires_token
from service.errors import ApiError, json_response
from service.extract import main_text
from service.holder import ModelHolder
from service.metrics import count_tags
from service.parsing import describe, read_json_object, validate
from service.schemas import BatchDocument, BatchRequest, TagOptions, TagRequest

blueprint = Blueprint("api", __name__, url_prefix="/v1")


def serving_tagger() -> Tagger:
    holder: ModelHolder = current_app.extensions["model_holder"]
    if holder.tagger is None:
        raise ApiError(503, "model_unavailable", f"no model is loaded: {holder.error}")
    return holder.tagger


@blueprint.post("/tag")
@requires_token(write=False)
def tag() -> Response:
    request = validate(TagRequest, read_json_object())
    tagger = serving_tagger()
    result = tag_document(tagger, request.text, request.html, request, request.paragraphs)
    return json_response({"model": tagger.version, **result})


@blueprint.post("/tag/batch")
@requires_token(write=False)
def tag_batch() -> Response:
    body = read_json_object()
    request = validate(BatchRequest, body)
    limit = current_app.config["SETTINGS"].max_batch
    if len(request.documents) > limit:
        raise ApiError(
            422, "batch_too_large", f"{len(request.documents)} documents; the limit is {limit}"
        )
    tagger = serving_tagger()
    return json_response(
        {
            "model": tagger.version,
            "results": [_batch_item(tagger, raw, request) for raw in request.documents],
        }
    )


@blueprint.get("/model")
@requires_token(write=False)
def model_info() -> Response:
    holder: ModelHolder = current_app.extensions["model_holder"]
    info = serving_tagger().describe()
    if holder.error:  # a newer model was refused; say so beside the one that serves
        info["warning"] = holder.error
    return json_response(info)


@blueprint.post("/model/reload")
@requires_token(write=True)
def reload_model() -> Response:
    holder: ModelHolder = current_app.extensions["model_holder"]
    if not holder.load():
        raise ApiError(409, "reload_refused", f"kept the current model: {holder.error}")
    return json_response(serving_tagger().describe())


def _batch_item(tagger: Tagger, raw: Any, options: BatchRequest) -> dict[str, Any]:
    """Tag one document of a batch; its own problems become its own error entry."""
    document_id = _echoable_id(raw)
    try:
        document = BatchDocument.model_validate(raw)
        return {
            "id": document.id,
            **tag_document(tagger, document.text, document.html, options, options.paragraphs),
        }
    except ApiError as error:
        return {"id": document_id, "error": {"error": error.code, "detail": error.detail}}
    except ValidationError as error:
        return {
            "id": document_id,
            "error": {"error": "validation_error", "detail": describe(error)},
        }


def _echoable_id(raw: Any) -> str | int | None:
    """The document's id if it is a valid one, so an error entry can still be matched up."""
    value = raw.get("id") if isinstance(raw, dict) else None
    if isinstance(value, str) and 1 <= len(value) <= 256:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return None


def tag_document(
    tagger: Tagger, text: str | None, html: str | None, options: TagOptions, paragraphs: bool
) -> dict[str, Any]:
    """Tags of one text or HTML page, as the response shapes them."""
    source = text if text is not None else main_text(html or "")
    result = tagger.tag(
        source, paragraphs=paragraphs, top_k=options.top_k, threshold=options.threshold
    )
    explanations = _explanations(tagger, source, result) if options.explain else {}
    count_tags(tag.label for tag in result.tags)
    out: dict[str, Any] = {"tags": [_tag(tag, explanations.get(tag.label)) for tag in result.tags]}
    if paragraphs:
        out["paragraphs"] = [
            {
                "start": p.start,
                "end": p.end,
                "skipped": p.skipped,
                "tags": [_tag(t) for t in p.tags],
            }
            for p in result.paragraphs
        ]
    if html is not None:
        out["text"] = source
    return out


def _explanations(
    tagger: Tagger, source: str, result: ArticleTags
) -> dict[str, list[dict[str, Any]]]:
    """Terms behind each article tag, read from the paragraphs that voted (not boilerplate)."""
    voting = "\n\n".join(source[p.start : p.end] for p in result.paragraphs if not p.skipped)
    terms = tagger.model.explain(voting or source, [tag.label for tag in result.tags])
    return {
        label: [{"term": t, "weight": round(w, 4)} for t, w in pairs]
        for label, pairs in terms.items()
    }


def _tag(tag: Tag, explanation: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = tag.to_dict()
    if explanation is not None:
        data["explanation"] = explanation
    return data
