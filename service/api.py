"""The tagging API: parse the request, call the classifier, shape the response."""

from typing import Any

from flask import Blueprint, Response, current_app
from pydantic import ValidationError

from classifier import ArticleTags, Tag, Tagger, TagOptions, explain_tags, main_text
from service.auth import requires_token
from service.errors import ApiError, json_response
from service.holder import ModelHolder
from service.metrics import count_tags
from service.parsing import describe, read_json_object, validate
from service.schemas import BatchDocument, BatchRequest, TagRequest

blueprint = Blueprint("api", __name__, url_prefix="/v1")
NOT_ENGLISH = (
    "the text does not look like English, and the model tags English only; "
    "send any_language: true to tag it anyway"
)


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
    source = request.text if request.text is not None else main_text(request.html or "")
    [result] = tagger.tag_documents([source], options_of(request), paragraphs=request.paragraphs)
    body = shape_result(tagger, source, result, request, html=request.html is not None)
    return json_response({"model": tagger.version, **body})


@blueprint.post("/tag/batch")
@requires_token(write=False)
def tag_batch() -> Response:
    request = validate(BatchRequest, read_json_object())
    limit = current_app.config["SETTINGS"].max_batch
    if len(request.documents) > limit:
        raise ApiError(
            422, "batch_too_large", f"{len(request.documents)} documents; the limit is {limit}"
        )
    tagger = serving_tagger()
    parsed = [batch_document(raw) for raw in request.documents]
    valid = [doc for doc in parsed if isinstance(doc, BatchDocument)]
    sources = [d.text if d.text is not None else main_text(d.html or "") for d in valid]
    tagged = iter(
        zip(
            valid,
            sources,
            tagger.tag_documents(sources, options_of(request), paragraphs=request.paragraphs),
            strict=True,
        )
    )
    results = []
    for document in parsed:
        if isinstance(document, dict):  # an error entry of its own
            results.append(document)
            continue
        _, source, result = next(tagged)
        html = document.html is not None
        results.append(
            {"id": document.id, **shape_result(tagger, source, result, request, html=html)}
        )
    return json_response({"model": tagger.version, "results": results})


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


def options_of(request: TagRequest | BatchRequest) -> TagOptions:
    """The classifier's options from a validated request (checked by the same rules)."""
    return TagOptions(
        top_k=request.top_k,
        threshold=request.threshold,
        depth=request.depth,
        any_language=request.any_language,
    )


def batch_document(raw: Any) -> BatchDocument | dict[str, Any]:
    """A valid document, or the error entry that stands in its place in the results."""
    try:
        return BatchDocument.model_validate(raw)
    except ValidationError as error:
        return {
            "id": _echoable_id(raw),
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


def shape_result(
    tagger: Tagger,
    source: str,
    result: ArticleTags,
    request: TagRequest | BatchRequest,
    *,
    html: bool,
) -> dict[str, Any]:
    """The response body of one tagged document."""
    explanations = _explanations(tagger, source, result) if request.explain else {}
    count_tags(tag.label for tag in result.tags)
    out: dict[str, Any] = {
        "language": result.language,
        "tags": [_tag(tag, explanations.get(tag.label)) for tag in result.tags],
    }
    if result.language != "en" and not request.any_language:
        out["warning"] = NOT_ENGLISH
    if request.paragraphs:
        out["paragraphs"] = [
            {
                "start": p.start,
                "end": p.end,
                "skipped": p.skipped,
                "tags": [_tag(t) for t in p.tags],
            }
            for p in result.paragraphs
        ]
    if html:
        out["text"] = source
    return out


def _explanations(
    tagger: Tagger, source: str, result: ArticleTags
) -> dict[str, list[dict[str, Any]]]:
    """Terms behind each article tag, read from the paragraphs that voted (not boilerplate),
    with the words of the text that form each term."""
    return {
        label: [
            {"term": e.term, "weight": round(e.weight, 4), "words": list(e.words)} for e in found
        ]
        for label, found in explain_tags(tagger.model, source, result).items()
    }


def _tag(tag: Tag, explanation: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data = tag.to_dict()
    if explanation is not None:
        data["explanation"] = explanation
    return data
