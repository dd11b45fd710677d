"""The review queue page: the texts the model is least sure of, first, each with a form whose
label takes the text out of the queue; and a form that adds texts to it."""

import numpy as np
from flask import Blueprint, flash, redirect, request, url_for
from werkzeug import Response

from classifier import ArticleTags, ReviewQueue, Tagger, main_text, queue_id
from service.labels import store_labels
from service.queue import add_texts, guarded, most_informative, review_queue
from service.ui_access import PageError, render, writes
from service.ui_shapes import article_view, options_for, picker_topics
from service.ui_try import label_from_form

blueprint = Blueprint("queue", __name__, url_prefix="/queue")
SHOWN = 5  # items per page: a screenful of decisions


@blueprint.get("")
def queue_page() -> str:
    tagger, chosen = most_informative(SHOWN)
    texts = [item.text for item, _ in chosen]
    results = tagger.tag_documents(texts, options_for(tagger)) if texts else []
    items = [
        {"item": item, "margin": ranked.margin, "why": why(tagger, ranked.result)}
        | {"article": article_view(tagger, item.text, result)}
        for (item, ranked), result in zip(chosen, results, strict=True)
    ]
    waiting = guarded(review_queue().count)
    return render("queue.html", items=items, waiting=waiting, topics=picker_topics(tagger))


@blueprint.post("/add")
@writes
def add() -> Response:
    raw = request.form.get("text", "")
    text = main_text(raw) if request.form.get("format") == "html" else raw
    if not text.strip():
        raise PageError(422, "Nothing to queue", "The text is empty, or the page has no text.")
    identifier = queue_id(text, request.form.get("id", "").strip() or None)
    [outcome] = add_texts([(identifier, text)], "editors' page")
    if outcome == ReviewQueue.CONFLICT:
        raise PageError(409, "Id in use", f"{identifier!r} is already queued with another text.")
    flash(
        f"Queued {identifier}."
        if outcome == ReviewQueue.ADDED
        else f"{identifier} was already queued."
    )
    return redirect(url_for(".queue_page"), 303)


@blueprint.post("/review")
@writes
def review() -> Response:
    item = guarded(lambda: review_queue().get(request.form.get("item", "")))
    if item is None or item.reviewed_at is not None:
        raise PageError(409, "Not in the queue", "That item was reviewed already, or never queued.")
    [stored] = store_labels([label_from_form(item.text, "review queue")])
    guarded(lambda: review_queue().mark_reviewed(item.id))
    flash(f"Reviewed {item.id}: stored as label {stored['id']}.")
    return redirect(url_for(".queue_page"), 303)


def why(tagger: Tagger, result: ArticleTags) -> str:
    """The margin in words: the best tag against its threshold and against the runner-up."""
    model = tagger.model
    if result.scores is None:
        return "No paragraph looked topical: is it all boilerplate?"
    first, second = np.argsort(result.scores)[::-1][:2]
    best, runner_up = model.labels[first], model.labels[second]
    return (
        f"Best tag {best} at {result.scores[first]:.2f} against its threshold "
        f"{model.thresholds[first]:.2f}; next, {runner_up} at {result.scores[second]:.2f}."
    )
