"""The editors' page through Flask's test client: access, CSRF, corrections, queue, models."""

import re
import time
from html.parser import HTMLParser
from io import BytesIO

import pytest

from classifier import list_versions, read_metrics, surface_forms
from classifier.registry import current_version, publish
from classifier.registry import load as load_model
from service.ui import CSP
from tests.conftest import TOKEN
from tests.test_api import AUTH, HTML_PAGE, STORY
from tests.test_queue import CLEAR, UNSURE, least_sure_first

PAGES = ["/ui/try", "/ui/queue", "/ui/models", "/ui/sign-in"]


def csrf_of(response) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', response.get_data(as_text=True))[1]


def sign_in(client, token: str = TOKEN):
    csrf = csrf_of(client.get("/ui/sign-in"))
    return client.post("/ui/sign-in", data={"csrf_token": csrf, "token": token, "next": "/ui/try"})


@pytest.fixture
def editor(client):
    """A client signed in with the token; returns it and a CSRF token of its session."""
    assert sign_in(client).status_code == 303
    return client, csrf_of(client.get("/ui/try"))


class Controls(HTMLParser):
    """Form controls of a page, whether each is labelled, and any inline script or style."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.inline: list[str] = []
        self._open_labels = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes or tag == "style" or (tag == "script" and "src" not in attributes):
            self.inline.append(tag)
        if any(name.startswith("on") for name in attributes):
            self.inline.append(f"{tag} handler")
        if tag == "label":
            self._open_labels += 1
            if attributes.get("for"):
                self.label_for.add(attributes["for"])
        if tag in ("input", "select", "textarea") and attributes.get("type") != "hidden":
            self.controls.append({**attributes, "_wrapped": self._open_labels > 0})

    def handle_endtag(self, tag):
        if tag == "label":
            self._open_labels -= 1

    def unlabelled(self) -> list[dict]:
        return [
            c
            for c in self.controls
            if not (c["_wrapped"] or c.get("aria-label") or c.get("id") in self.label_for)
        ]


def parse(response) -> Controls:
    parser = Controls()
    parser.feed(response.get_data(as_text=True))
    return parser


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_strict_headers_labelled_controls_and_nothing_inline(editor, path):
    client, _ = editor
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    page = parse(response)
    assert page.unlabelled() == [] and page.inline == []
    assert "http://" not in response.get_data(as_text=True).replace("http://www.w3", "")


def test_static_files_are_our_own_and_the_api_keeps_its_policy(client):
    for name in ("ui.css", "ui.js"):
        with client.get(f"/static/ui/{name}") as response:
            assert (
                response.status_code == 200 and response.headers["Content-Security-Policy"] == CSP
            )
    assert "default-src 'none'" in client.get("/healthz").headers["Content-Security-Policy"]


def test_try_shows_tags_bars_codes_paragraphs_and_the_words_behind_each_tag(client):
    csrf = csrf_of(client.get("/ui/try"))
    html = client.post("/ui/try", data={"csrf_token": csrf, "article": STORY}).get_data(
        as_text=True
    )
    assert "medtop:15000000" in html and '<meter min="0" max="1" value="' in html
    assert re.search(r'class="paragraph topic-15"', html)  # coloured by its best tag (sport)
    assert 'class="paragraph skipped"' in html and "Share this article" in html
    words = re.findall(r"<mark>([^<]+)</mark>", html)
    assert words
    for group in words:  # surface words of the text, never stems
        for form in group.split(", "):
            assert re.search(re.escape(form), STORY, re.IGNORECASE), form


def test_try_takes_html_pasted_or_uploaded(client):
    csrf = csrf_of(client.get("/ui/try"))
    pasted = client.post("/ui/try", data={"csrf_token": csrf, "article": HTML_PAGE})
    upload = {"csrf_token": csrf, "page": (BytesIO(HTML_PAGE.encode()), "saved.html")}
    uploaded = client.post("/ui/try", data=upload, content_type="multipart/form-data")
    for response in (pasted, uploaded):
        text = response.get_data(as_text=True)
        assert "Harbour City reached" in text and "medtop:15000000" in text
        assert '<div class="text">Cookie settings' not in text
    bad = {"csrf_token": csrf, "page": (BytesIO(b"caf\xe9"), "page.txt")}
    assert client.post("/ui/try", data=bad, content_type="multipart/form-data").status_code == 422


def test_every_post_needs_the_sessions_csrf_token(client):
    client.get("/ui/try")
    for path in ("/ui/try", "/ui/sign-in", "/ui/labels", "/ui/queue/add", "/ui/models/rollback"):
        for data in ({}, {"csrf_token": "forged"}):
            response = client.post(path, data={**data, "article": STORY, "token": TOKEN})
            assert response.status_code == 400 and "expired" in response.get_data(as_text=True)
    assert "signed_in" not in _session(client)


def _session(client) -> dict:
    with client.session_transaction() as session:
        return dict(session)


def test_a_failed_sign_in_shows_an_error_and_stores_nothing(client):
    before = _session(client) or _session_after_get(client)
    csrf = before["csrf"]
    response = client.post("/ui/sign-in", data={"csrf_token": csrf, "token": "wrong-token-wrong"})
    assert response.status_code == 401 and "not the token" in response.get_data(as_text=True)
    assert _session(client) == before


def _session_after_get(client) -> dict:
    client.get("/ui/sign-in")
    return _session(client)


def test_sign_in_sets_a_strict_cookie_and_sign_out_clears_it(client):
    response = sign_in(client)
    assert response.status_code == 303 and response.headers["Location"] == "/ui/try"
    cookie = response.headers["Set-Cookie"]
    for flag in ("HttpOnly", "SameSite=Strict", "Secure"):
        assert flag in cookie
    assert _session(client)["signed_in"] is True
    page = client.get("/ui/try").get_data(as_text=True)
    assert "Sign out" in page
    client.post("/ui/sign-out", data={"csrf_token": csrf_of(client.get("/ui/try"))})
    assert "signed_in" not in _session(client)


def test_sign_in_only_sends_you_back_to_the_page(client):
    csrf = csrf_of(client.get("/ui/sign-in"))
    data = {"csrf_token": csrf, "token": TOKEN, "next": "https://evil.example/"}
    assert client.post("/ui/sign-in", data=data).headers["Location"] == "/ui/try"


def test_writing_needs_a_signed_in_session_and_a_configured_token(client, make_client, registry):
    csrf = csrf_of(client.get("/ui/try"))
    data = {"csrf_token": csrf, "text": "Rates rose.", "label": "politics"}
    assert client.post("/ui/labels", data=data).status_code == 401
    assert client.post("/ui/labels", data=data, headers=AUTH).status_code == 401  # a session
    read_only = make_client(registry)
    csrf = csrf_of(read_only.get("/ui/try"))
    response = read_only.post("/ui/labels", data={**data, "csrf_token": csrf})
    assert response.status_code == 403 and "TOPIC_TAGGER_TOKEN" in response.get_data(as_text=True)
    assert "Read-only" in read_only.get("/ui/try").get_data(as_text=True)


def test_protected_reads_send_a_browser_to_sign_in(make_client, registry):
    client = make_client(registry, token=TOKEN, protect_reads=True, cookie_secure=False)
    response = client.get("/ui/models")
    assert response.status_code == 302 and "/ui/sign-in?next=/ui/models" in response.location
    assert client.get("/ui/sign-in").status_code == 200
    assert client.get("/ui/models", headers=AUTH).status_code == 200
    sign_in(client)
    assert client.get("/ui/models").status_code == 200


def test_a_correction_is_stored_as_post_v1_labels_stores_it(editor):
    client, csrf = editor
    data = {"csrf_token": csrf, "text": "The match ended 2-1.", "label": "sport"}
    data["add"] = "medtop:04000000"  # a code from the picker
    response = client.post("/ui/labels", data=data)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Label stored." in page and "economy, business and finance; sport" in page
    store = client.application.extensions["label_store"]
    [label] = list(store.iter_all())
    assert label.labels == ("economy, business and finance", "sport")
    assert label.source == "editors' page (article)"
    api = client.post(
        "/v1/labels",
        json={"text": "The match ended 2-1.", "labels": ["sport", "economy, business and finance"]},
        headers=AUTH,
    ).get_json()
    assert api == {"id": label.id, "created": False}  # the same id: one label, not two
    again = client.get(client.post("/ui/labels", data=data).headers["Location"])
    assert "already stored" in again.get_data(as_text=True) and store.count() == 1


def test_a_bad_correction_reads_as_the_api_says_it(editor):
    client, csrf = editor
    unknown = {"csrf_token": csrf, "text": "Rates rose.", "add": "astrology"}
    page = client.post("/ui/labels", data=unknown)
    api = client.post(
        "/v1/labels", json={"text": "Rates rose.", "labels": ["astrology"]}, headers=AUTH
    )
    assert page.status_code == api.status_code == 422
    assert api.get_json()["detail"].replace("'", "&#39;") in page.get_data(as_text=True)
    both = {"csrf_token": csrf, "text": "Rates rose.", "label": "politics", "none": "1"}
    assert client.post("/ui/labels", data=both).status_code == 422
    nothing = {"csrf_token": csrf, "text": "Rates rose."}
    assert client.post("/ui/labels", data=nothing).status_code == 422
    none = {"csrf_token": csrf, "text": "Share this article", "none": "1", "scope": "paragraph"}
    assert client.post("/ui/labels", data=none).status_code == 303
    [label] = list(client.application.extensions["label_store"].iter_all())
    assert label.labels == () and label.source == "editors' page (paragraph)"


def test_the_queue_page_offers_the_api_order_and_a_review_stores_a_label(editor, registry):
    client, csrf = editor
    named = {"clear": CLEAR, "unsure": UNSURE}
    for identifier, text in named.items():
        form = {"csrf_token": csrf, "text": text, "format": "text", "id": identifier}
        assert client.post("/ui/queue/add", data=form).status_code == 303
    page = client.get("/ui/queue").get_data(as_text=True)
    shown = re.findall(r'<h2 id="item-\d+">([^<]+)</h2>', page)
    api = client.get("/v1/queue", headers=AUTH).get_json()
    first, second = least_sure_first(registry, named)
    assert shown == [item["id"] for item in api["items"]] == [first, second]
    review = {"csrf_token": csrf, "item": first, "label": "education"}
    assert client.post("/ui/queue/review", data=review).status_code == 303
    page = client.get("/ui/queue").get_data(as_text=True)
    assert re.findall(r'<h2 id="item-\d+">([^<]+)</h2>', page) == [second]
    assert f"Reviewed {first}" in page and '<strong id="waiting">1</strong>' in page
    [label] = list(client.application.extensions["label_store"].iter_all())
    assert label.text == named[first] and label.labels == ("education",)
    assert label.source == "review queue"
    assert client.post("/ui/queue/review", data=review).status_code == 409


def test_models_page_shows_figures_confusion_coverage_and_the_backlog(editor, registry):
    client, csrf = editor
    client.post("/ui/labels", data={"csrf_token": csrf, "text": "Rates rose.", "label": "politics"})
    page = client.get("/ui/models").get_data(as_text=True)
    version = current_version(registry)
    metrics = read_metrics(registry / version)
    assert version in page and f"{metrics['micro_f1']:.3f}" in page
    assert '<table class="per-tag">' in page and '<table class="confusion">' in page
    assert '<table class="coverage">' in page  # examples per topic from the manifest
    assert '<strong id="new-labels">1</strong>' in page
    total = sum(n for row in metrics["confusion_main"].values() for n in row.values())
    assert total == metrics["documents"]


def test_promote_and_roll_back_from_the_page(editor, registry):
    client, csrf = editor
    first = current_version(registry)
    second = _publish_newer(registry)
    response = client.post("/ui/models/promote", data={"csrf_token": csrf, "version": second})
    assert response.status_code == 303 and current_version(registry) == second
    holder = client.application.extensions["model_holder"]
    assert holder.tagger.version == second  # this worker serves it at once
    assert client.post("/ui/models/rollback", data={"csrf_token": csrf}).status_code == 303
    assert current_version(registry) == first == holder.tagger.version
    missing = {"csrf_token": csrf, "version": "../elsewhere"}
    assert client.post("/ui/models/promote", data=missing).status_code == 404


def _publish_newer(registry) -> str:
    """A second version of the quick model, named after the current one."""
    model, manifest = load_model(registry)
    metrics = read_metrics(registry / manifest["version"])
    while True:
        path = publish(model, registry, manifest={}, metrics=metrics, make_current=False)
        if path.name > manifest["version"]:
            return path.name
        time.sleep(1)  # published in the same second with a smaller random suffix


def test_a_model_without_a_confusion_matrix_says_so(editor, registry):
    client, _ = editor
    [manifest] = list_versions(registry)
    (registry / manifest["version"] / "metrics.json").write_text('{"micro_f1": 0.5}')
    page = client.get("/ui/models").get_data(as_text=True)
    assert "No confusion matrix was recorded" in page and "were not recorded" not in page


def test_surface_forms_map_stems_and_bigrams_back_to_the_text():
    text = "The Central Bank raised interest rates. Rates rose; the bank of England said 5%."
    forms = surface_forms(text, ["rate", "central bank", "bank england", "_num"])
    assert forms == {
        "rate": ("rates",),
        "central bank": ("Central Bank",),
        "bank england": ("bank of England",),
        "_num": ("5",),
    }
