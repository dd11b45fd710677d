"""The Try page: tag a pasted or uploaded article, then correct its tags into the label store.

Tagging goes through the serving Tagger exactly as /v1/tag does; a correction goes through
`store_labels`, the function behind POST /v1/labels: the same checks, ids and conflicts.
"""

import re

from flask import Blueprint, current_app, flash, redirect, request, url_for
from werkzeug import Response

from classifier import LabelStoreError, main_text
from service.api import serving_tagger
from service.errors import ApiError
from service.labels import store_labels
from service.parsing import validate
from service.schemas import LabelIn
from service.ui_access import PageError, render, writes
from service.ui_shapes import article_view, options_for, picker_topics

blueprint = Blueprint("tagging", __name__)
_HTML = re.compile(r"<\s*(html|head|body|article|main|p|div|h[1-6]|br|span|a)\b", re.IGNORECASE)
FORMATS = ("auto", "text", "html")


@blueprint.get("/")
def index() -> Response:
    return redirect(url_for(".try_page"))


@blueprint.get("/try")
def try_page() -> str:
    return render("try.html", article=None, topics=picker_topics(serving_tagger()))


@blueprint.post("/try")
def tag_article() -> str:
    tagger = serving_tagger()
    raw, kind = _submitted_article()
    text = main_text(raw) if kind == "html" else raw
    if not text.strip():
        raise PageError(422, "Nothing to tag", "The text is empty, or the page has no main text.")
    any_language = request.form.get("any_language") == "1"
    [result] = tagger.tag_documents([text], options_for(tagger, any_language=any_language))
    view = article_view(tagger, text, result)
    topics = picker_topics(tagger)
    return render("try.html", article=view, source=raw, kind=kind, topics=topics)


@blueprint.post("/labels")
@writes
def save_label() -> Response:
    scope = "paragraph" if request.form.get("scope") == "paragraph" else "article"
    label = label_from_form(request.form.get("text", ""), f"editors' page ({scope})")
    [stored] = store_labels([label])
    flash("Label stored." if stored["created"] else "That label was already stored.")
    return redirect(url_for(".label_page", identifier=stored["id"]), 303)


@blueprint.get("/labels/<identifier>")
@writes  # stored labels are read with the token, as GET /v1/labels reads them
def label_page(identifier: str) -> str:
    try:
        label = current_app.extensions["label_store"].get(identifier)
    except LabelStoreError as error:
        raise ApiError(503, "store_unavailable", str(error)) from None
    if label is None:
        raise PageError(404, "No such label", f"No label is stored under {identifier!r}.")
    return render("label.html", label=label)


def label_from_form(text: str, source: str) -> LabelIn:
    """The correction a form describes: the tags kept, the tags added, or no topic."""
    added = [name.strip() for name in request.form.getlist("add") if name.strip()]
    chosen = list(dict.fromkeys([*request.form.getlist("label"), *added]))
    if request.form.get("none") == "1":
        if chosen:
            raise PageError(422, "Tags or no topic?", "Choose tags, or 'No topic', not both.")
        chosen = ["none"]
    if not chosen:
        raise PageError(422, "No tags chosen", "Keep or add a tag, or choose 'No topic'.")
    return validate(LabelIn, {"text": text, "labels": chosen, "source": source})


def _submitted_article() -> tuple[str, str]:
    """The pasted or uploaded article, and whether it is text or HTML."""
    kind = request.form.get("format", "auto")
    kind = kind if kind in FORMATS else "auto"
    upload = request.files.get("page")
    raw = request.form.get("article", "")
    if upload is not None and upload.filename:
        try:
            raw = upload.read().decode("utf-8")
        except UnicodeDecodeError as error:
            raise PageError(
                422, "Not UTF-8", f"The file is not UTF-8 (byte {error.start})."
            ) from None
        if upload.filename.lower().endswith((".html", ".htm")):
            kind = "html"
    if kind == "auto":
        kind = "html" if _HTML.search(raw) else "text"
    return raw, kind
