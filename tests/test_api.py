"""Every endpoint and every error status in the OpenAPI document, through Flask's test client."""

import json

import pytest

from classifier.registry import MODEL_FILE, publish
from classifier.registry import load as load_model
from service.openapi import build_spec
from tests.conftest import PROJECT, TOKEN

STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HTML_PAGE = """<!doctype html><html><head><title>Cup final</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/weather">Weather</a></nav>
<article><h1>Harbour City reach the volleyball final</h1>
<p>Harbour City reached their first national volleyball championship final in eleven years,
coming back from two sets down to beat Northfield 3-2 in front of a sell-out crowd.</p>
<p>The deciding set went to 17-15 after Northfield saved three match points, and the coach
said her team never stopped believing. The final against the champions is on Sunday.</p>
</article><footer><p>Cookie settings</p><p>Share this article</p></footer></body></html>"""


def assert_error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error", "detail"} and body["error"] == code and body["detail"]
    return body


def test_tag_gives_article_tags_and_paragraphs_with_offsets(client):
    result = client.post("/v1/tag", json={"text": STORY}).get_json()
    assert result["tags"][0]["label"] == "sport" and result["tags"][0]["id"] == "medtop:15000000"
    by_text = {STORY[p["start"] : p["end"]]: p for p in result["paragraphs"]}
    assert by_text["Share this article"] == {**by_text["Share this article"], "skipped": True}
    assert by_text["Share this article"]["tags"] == []
    assert result["model"]


def test_tag_html_tags_the_extracted_text(client):
    result = client.post("/v1/tag", json={"html": HTML_PAGE}).get_json()
    assert result["tags"][0]["label"] == "sport"
    assert "Cookie settings" not in result["text"] and "Home |" not in result["text"]
    for paragraph in result["paragraphs"]:
        assert result["text"][paragraph["start"] : paragraph["end"]].strip()


def test_explain_and_paragraphs_off(client):
    result = client.post("/v1/tag", json={"text": STORY, "explain": True, "paragraphs": False})
    body = result.get_json()
    assert "paragraphs" not in body
    explanation = body["tags"][0]["explanation"]
    assert 0 < len(explanation) <= 5 and all(e["weight"] > 0 and e["term"] for e in explanation)
    for entry in explanation:  # the text's own words, not the model's stems
        assert entry["words"] and all(word in STORY for word in entry["words"])


def test_top_k_and_threshold_follow_the_request(client):
    three = client.post("/v1/tag", json={"text": STORY, "threshold": 0.0, "top_k": 3}).get_json()
    assert len(three["tags"]) == 3
    scores = [t["score"] for t in three["tags"]]
    assert scores == sorted(scores, reverse=True)
    assert client.post("/v1/tag", json={"text": STORY, "threshold": 1.0}).get_json()["tags"] == []


def test_batch_equals_single_requests_and_reports_bad_documents_alone(client):
    texts = [STORY, "The central bank raised interest rates to 5%.", "Share this article"]
    documents = [{"id": f"d{i}", "text": t} for i, t in enumerate(texts)]
    documents.append({"id": "blank", "text": "   "})
    results = client.post("/v1/tag/batch", json={"documents": documents}).get_json()["results"]
    assert [r["id"] for r in results] == ["d0", "d1", "d2", "blank"]
    for text, result in zip(texts, results, strict=False):
        single = client.post("/v1/tag", json={"text": text, "paragraphs": False}).get_json()
        assert result["tags"] == single["tags"]
    assert results[3]["error"]["error"] == "validation_error" and "tags" not in results[3]


def test_batch_with_paragraphs_html_and_mixed_ids(client):
    documents = [{"id": 7, "html": HTML_PAGE}, "not an object", {"id": "x", "text": STORY}]
    body = {"documents": documents, "paragraphs": True}
    results = client.post("/v1/tag/batch", json=body).get_json()["results"]
    assert results[0]["id"] == 7 and "text" in results[0] and results[0]["paragraphs"]
    assert results[1] == {
        "id": None,
        "error": {"error": "validation_error", "detail": results[1]["error"]["detail"]},
    }
    assert results[2]["paragraphs"] and "text" not in results[2]


def test_batch_over_its_limit_is_refused(client):
    documents = [{"id": i, "text": "Rates rose again."} for i in range(6)]
    assert_error(
        client.post("/v1/tag/batch", json={"documents": documents}), 422, "batch_too_large"
    )


BAD_BODIES = [
    (
        "malformed JSON",
        {"data": b'{"text": ', "content_type": "application/json"},
        400,
        "malformed_json",
    ),
    (
        "not UTF-8",
        {"data": b'{"text": "caf\xe9"}', "content_type": "application/json"},
        400,
        "invalid_encoding",
    ),
    (
        "NaN",
        {"data": b'{"text": "a", "threshold": NaN}', "content_type": "application/json"},
        400,
        "malformed_json",
    ),
    (
        "form body",
        {"data": b"text=hello", "content_type": "application/x-www-form-urlencoded"},
        415,
        "unsupported_media_type",
    ),
    ("array body", {"json": ["text"]}, 422, "validation_error"),
    ("wrong type", {"json": {"text": 42}}, 422, "validation_error"),
    ("unknown field", {"json": {"text": "a", "colour": "red"}}, 422, "validation_error"),
    ("empty text", {"json": {"text": ""}}, 422, "validation_error"),
    ("text and html", {"json": {"text": "a", "html": "<p>b</p>"}}, 422, "validation_error"),
    ("neither", {"json": {"top_k": 2}}, 422, "validation_error"),
    ("top_k zero", {"json": {"text": "a", "top_k": 0}}, 422, "validation_error"),
    ("top_k negative", {"json": {"text": "a", "top_k": -1}}, 422, "validation_error"),
    ("threshold over 1", {"json": {"text": "a", "threshold": 1.5}}, 422, "validation_error"),
    ("threshold as string", {"json": {"text": "a", "threshold": "0.5"}}, 422, "validation_error"),
    ("body over the limit", {"json": {"text": "word " * 210_000}}, 413, "payload_too_large"),
]


DOCUMENT_PROBLEMS = {"wrong type", "empty text", "text and html", "neither"}


@pytest.mark.parametrize("path", ["/v1/tag", "/v1/tag/batch"])
@pytest.mark.parametrize(
    ("name", "kwargs", "status", "code"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
def test_bad_bodies_get_a_clear_4xx(client, path, name, kwargs, status, code):
    if path.endswith("batch") and isinstance(kwargs.get("json"), dict):
        document = {k: v for k, v in kwargs["json"].items() if k in ("text", "html")}
        options = {k: v for k, v in kwargs["json"].items() if k not in ("text", "html")}
        kwargs = {"json": {"documents": [{"id": 1, **document}], **options}}
        if name in DOCUMENT_PROBLEMS:  # a bad document is its own error entry in a batch
            [result] = client.post(path, **kwargs).get_json()["results"]
            assert result["id"] == 1 and result["error"]["error"] == code
            return
    assert_error(client.post(path, **kwargs), status, code)


def test_option_errors_read_the_same_as_in_the_library(client):
    from classifier import OptionError, TagOptions

    for field, value in (("top_k", 0), ("threshold", 1.5)):
        with pytest.raises(OptionError) as raised:
            TagOptions(**{field: value})
        body = assert_error(
            client.post("/v1/tag", json={"text": "a", field: value}), 422, "validation_error"
        )
        assert body["detail"] == str(raised.value)


def test_model_info_lists_tags_with_codes_and_metrics(client):
    info = client.get("/v1/model").get_json()
    assert {t["label"] for t in info["tags"]} >= {"politics", "sport"}
    assert all(t["id"].startswith("medtop:") for t in info["tags"])
    assert info["metrics"]["micro_f1"] > 0 and info["rollup"] == "lead" and info["version"]


def test_reload_needs_the_admin_token_and_reports_a_refusal(client, registry):
    assert_error(client.post("/v1/model/reload"), 401, "unauthorized")
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert_error(client.post("/v1/model/reload", headers=wrong), 401, "unauthorized")
    assert client.post("/v1/model/reload", headers=AUTH).get_json()["version"]
    model, _ = load_model(registry)
    broken = publish(model, registry, manifest={}, metrics={}, make_current=False)
    (broken / MODEL_FILE).write_bytes(b"not a model")
    (registry / "CURRENT").write_text(broken.name)
    body = assert_error(client.post("/v1/model/reload", headers=AUTH), 409, "reload_refused")
    assert broken.name in body["detail"]
    assert client.get("/readyz").get_json()["detail"].startswith(f"model {broken.name} refused")


def test_without_a_token_writes_are_disabled(make_client, registry):
    client = make_client(registry)
    body = assert_error(client.post("/v1/model/reload"), 403, "disabled")
    assert "TOPIC_TAGGER_TOKEN" in body["detail"]
    assert_error(
        client.post("/v1/labels", json={"text": "a", "labels": ["sport"]}), 403, "disabled"
    )
    assert_error(client.get("/v1/labels"), 403, "disabled")
    assert client.post("/v1/tag", json={"text": "Rates rose."}).status_code == 200


def test_reads_can_be_closed_with_the_token(make_client, registry):
    client = make_client(registry, token=TOKEN, protect_reads=True)
    for method, path, body in (
        ("post", "/v1/tag", {"text": "Rates rose."}),
        ("post", "/v1/tag/batch", {"documents": [{"id": 1, "text": "Rates rose."}]}),
        ("get", "/v1/model", None),
        ("get", "/metrics", None),
        ("get", "/openapi.json", None),
    ):
        call = getattr(client, method)
        assert_error(call(path, json=body), 401, "unauthorized")
        assert call(path, json=body, headers=AUTH).status_code == 200
    assert client.get("/readyz").status_code == 200 and client.get("/healthz").status_code == 200


def test_no_model_loaded_is_503_on_every_model_route(make_client, tmp_path):
    client = make_client(tmp_path / "empty", token=TOKEN)
    assert_error(client.post("/v1/tag", json={"text": "a"}), 503, "model_unavailable")
    batch = {"documents": [{"id": 1, "text": "a"}]}
    assert_error(client.post("/v1/tag/batch", json=batch), 503, "model_unavailable")
    assert_error(client.get("/v1/model"), 503, "model_unavailable")
    assert_error(client.post("/v1/model/reload", headers=AUTH), 409, "reload_refused")
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.get_json()["status"] == "not_ready"
    label = {"text": "a", "labels": ["sport"]}
    assert_error(client.post("/v1/labels", json=label, headers=AUTH), 503, "model_unavailable")


def test_health_readiness_metrics_and_openapi(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    ready = client.get("/readyz").get_json()
    assert ready["status"] == "ready" and ready["model"]
    client.post("/v1/tag", json={"text": STORY})
    metrics = client.get("/metrics").get_data(as_text=True)
    assert (
        'topic_tagger_requests_total{endpoint="/v1/tag",method="POST",status="200"} 1.0' in metrics
    )
    assert 'topic_tagger_tags_served_total{label="sport"}' in metrics
    spec = client.get("/openapi.json").get_json()
    names = client.application.extensions["model_holder"].tagger.label_names()
    assert spec == json.loads(json.dumps(build_spec(1_000_000, 5, names)))
    labels = spec["components"]["schemas"]["LabelIn"]["properties"]["labels"]["oneOf"]
    assert (
        "politics" in labels[0]["items"]["enum"] and "medtop:11000000" in labels[0]["items"]["enum"]
    )
    assert labels[1]["items"]["enum"] == ["none"]


def test_unknown_route_method_and_security_headers(client):
    assert_error(client.get("/v2/tag"), 404, "not_found")
    response = client.get("/v1/tag")
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]
    for response in (client.get("/healthz"), client.post("/v1/tag", json={"text": ""})):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_every_error_status_in_the_openapi_document_is_exercised_here():
    """The statuses each operation documents; this file has a test that produces each one."""
    exercised = {
        ("/v1/tag", "post"): {"400", "401", "413", "415", "422", "503"},
        ("/v1/tag/batch", "post"): {"400", "401", "413", "415", "422", "503"},
        ("/v1/model", "get"): {"401", "503"},
        ("/v1/model/reload", "post"): {"401", "403", "409"},
        ("/metrics", "get"): {"401"},
        ("/readyz", "get"): {"503"},
        ("/healthz", "get"): set(),
    }
    spec = build_spec(1_000_000, 5)
    for (path, method), statuses in exercised.items():
        documented = {s for s in spec["paths"][path][method]["responses"] if s >= "400"}
        assert documented == statuses, (path, method)
