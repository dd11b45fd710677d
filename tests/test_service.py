"""The HTTP service end to end: a real gunicorn process on a free localhost port."""

import json

import pytest
import requests

from tests.conftest import PROJECT
from tests.servers import running_service

TOKEN = "test-token-0123456789abcdef"
STORY = (PROJECT / "examples" / "sample-article.txt").read_text(encoding="utf-8")
HTML_PAGE = """<!doctype html><html><head><title>Cup final</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/weather">Weather</a></nav>
<article><h1>Harbour City reach the volleyball final</h1>
<p>Harbour City reached their first national volleyball championship final in eleven years,
coming back from two sets down to beat Northfield 3-2 in front of a sell-out crowd.</p>
<p>The deciding set went to 17-15 after Northfield saved three match points, and the coach
said her team never stopped believing. The final against the champions is on Sunday.</p>
</article><footer><p>Cookie settings</p><p>Share this article</p></footer></body></html>"""


@pytest.fixture(scope="module")
def service(default_model):
    env = {"TOPIC_TAGGER_TOKEN": TOKEN, "TOPIC_TAGGER_MAX_BATCH": "5"}
    with running_service(default_model.model_dir, env) as running:
        yield running.url


def post(base: str, path: str, body, **kwargs) -> requests.Response:
    return requests.post(f"{base}{path}", json=body, timeout=10, **kwargs)


def assert_error(response: requests.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"error", "detail"} and body["error"] == code and body["detail"]
    assert "Traceback" not in response.text
    return body


def test_tag_text_gives_article_and_paragraph_tags(service):
    response = post(service, "/v1/tag", {"text": STORY})
    assert response.status_code == 200
    result = response.json()
    assert result["tags"][0] == {**result["tags"][0], "label": "sport", "id": "medtop:15000000"}
    assert result["model"]
    by_text = {STORY[p["start"] : p["end"]]: p for p in result["paragraphs"]}
    assert by_text["Share this article"]["skipped"] is True
    assert by_text["Share this article"]["tags"] == []


def test_tag_html_extracts_the_main_text(service):
    result = post(service, "/v1/tag", {"html": HTML_PAGE}).json()
    assert result["tags"][0]["label"] == "sport"
    assert "Cookie settings" not in result["text"] and "Home |" not in result["text"]
    for paragraph in result["paragraphs"]:
        assert result["text"][paragraph["start"] : paragraph["end"]].strip()


def test_html_fragment_and_empty_page(service):
    fragment = post(
        service, "/v1/tag", {"html": "<p>Interest rates rose to 5% as inflation climbed.</p>"}
    ).json()
    assert fragment["text"].startswith("Interest rates") and fragment["tags"]
    empty = post(
        service, "/v1/tag", {"html": "<html><body><script>var a;</script></body></html>"}
    ).json()
    assert empty["text"] == "" and empty["tags"] == [] and empty["paragraphs"] == []


def test_explain_lists_weighted_terms(service):
    result = post(service, "/v1/tag", {"text": STORY, "explain": True, "paragraphs": False}).json()
    assert "paragraphs" not in result
    explanation = result["tags"][0]["explanation"]
    assert 0 < len(explanation) <= 5
    assert all(item["weight"] > 0 and item["term"] for item in explanation)


def test_top_k_and_threshold(service):
    result = post(service, "/v1/tag", {"text": STORY, "threshold": 0.0, "top_k": 3}).json()
    assert len(result["tags"]) == 3
    assert post(service, "/v1/tag", {"text": STORY, "threshold": 1.0}).json()["tags"] == []


def test_batch_reports_bad_documents_alone(service):
    documents = [
        {"id": "good", "text": STORY},
        {"id": "blank", "text": "   "},
        {"id": 7, "text": "x", "html": "<p>y</p>"},
        "not an object",
    ]
    result = post(service, "/v1/tag/batch", {"documents": documents}).json()
    results = result["results"]
    assert [r["id"] for r in results] == ["good", "blank", 7, None]
    assert results[0]["tags"][0]["label"] == "sport" and "error" not in results[0]
    assert all(r["error"]["error"] == "validation_error" for r in results[1:])


def test_batch_over_the_limit_is_refused(service):
    documents = [{"id": i, "text": "Rates rose again."} for i in range(6)]
    assert_error(post(service, "/v1/tag/batch", {"documents": documents}), 422, "batch_too_large")


def test_model_info_has_version_tags_with_codes_and_metrics(service):
    info = requests.get(f"{service}/v1/model", timeout=5).json()
    assert len(info["tags"]) == 17 and info["tags"][0]["id"] == "medtop:01000000"
    assert info["metrics"]["micro_f1"] > 0 and info["version"]


def test_health_and_readiness(service):
    assert requests.get(f"{service}/healthz", timeout=5).json() == {"status": "ok"}
    ready = requests.get(f"{service}/readyz", timeout=5).json()
    assert ready["status"] == "ready" and ready["model"]


BAD_REQUESTS = [
    (
        "malformed JSON",
        {"data": b'{"text": ', "headers": {"Content-Type": "application/json"}},
        400,
        "malformed_json",
    ),
    (
        "not UTF-8",
        {"data": b'{"text": "caf\xe9"}', "headers": {"Content-Type": "application/json"}},
        400,
        "invalid_encoding",
    ),
    (
        "NaN",
        {
            "data": b'{"text": "a", "threshold": NaN}',
            "headers": {"Content-Type": "application/json"},
        },
        400,
        "malformed_json",
    ),
    ("form body", {"data": b"text=hello"}, 415, "unsupported_media_type"),
    ("array body", {"json": ["text"]}, 422, "validation_error"),
    ("wrong type", {"json": {"text": 42}}, 422, "validation_error"),
    ("unknown field", {"json": {"text": "a", "colour": "red"}}, 422, "validation_error"),
    ("empty text", {"json": {"text": ""}}, 422, "validation_error"),
    ("whitespace text", {"json": {"text": " \n\t "}}, 422, "validation_error"),
    ("text and html", {"json": {"text": "a", "html": "<p>b</p>"}}, 422, "validation_error"),
    ("neither", {"json": {"top_k": 2}}, 422, "validation_error"),
    ("top_k zero", {"json": {"text": "a", "top_k": 0}}, 422, "validation_error"),
    ("threshold as string", {"json": {"text": "a", "threshold": "0.5"}}, 422, "validation_error"),
    ("body over 1 MB", {"json": {"text": "word " * 210_000}}, 413, "payload_too_large"),
]


@pytest.mark.parametrize(
    ("name", "request_kwargs", "status", "code"), BAD_REQUESTS, ids=[b[0] for b in BAD_REQUESTS]
)
def test_bad_input_gets_a_clear_4xx(service, name, request_kwargs, status, code):
    response = requests.post(f"{service}/v1/tag", timeout=10, **request_kwargs)
    body = assert_error(response, status, code)
    if code == "validation_error" and name not in ("array body", "text and html", "neither"):
        field = (
            next(k for k in request_kwargs["json"] if k != "text")
            if name in ("unknown field", "top_k zero", "threshold as string")
            else "text"
        )
        assert field in body["detail"]


def test_unknown_route_and_method(service):
    assert_error(requests.get(f"{service}/v2/tag", timeout=5), 404, "not_found")
    response = requests.get(f"{service}/v1/tag", timeout=5)
    assert_error(response, 405, "method_not_allowed")
    assert "POST" in response.headers["Allow"]


def test_every_response_carries_security_headers(service):
    for response in (
        requests.get(f"{service}/healthz", timeout=5),
        post(service, "/v1/tag", {"text": ""}),
        requests.get(f"{service}/nowhere", timeout=5),
    ):
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_admin_endpoint_needs_the_token(service):
    assert_error(requests.post(f"{service}/v1/model/reload", timeout=5), 401, "unauthorized")
    wrong = {"Authorization": "Bearer not-the-token-at-all"}
    assert_error(
        requests.post(f"{service}/v1/model/reload", headers=wrong, timeout=5), 401, "unauthorized"
    )
    right = {"Authorization": f"Bearer {TOKEN}"}
    response = requests.post(f"{service}/v1/model/reload", headers=right, timeout=10)
    assert response.status_code == 200 and response.json()["version"]


def test_metrics_add_up_across_workers(service):
    def tagged_count() -> float:
        text = requests.get(f"{service}/metrics", timeout=5).text
        return sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith('topic_tagger_requests_total{endpoint="/v1/healthz_probe"')
            or (
                line.startswith("topic_tagger_requests_total{")
                and 'endpoint="/v1/model"' in line
                and 'status="200"' in line
            )
        )

    before = tagged_count()
    for _ in range(20):
        requests.get(f"{service}/v1/model", timeout=5)
    # Several scrapes, answered by whichever worker: each must see all 20 requests.
    assert {tagged_count() - before for _ in range(6)} == {20.0}
    text = requests.get(f"{service}/metrics", timeout=5).text
    assert "topic_tagger_request_duration_seconds_bucket" in text
    assert 'topic_tagger_tags_served_total{label="sport"}' in text
    assert "topic_tagger_model_info{" in text


def test_openapi_document_describes_the_endpoints(service):
    spec = requests.get(f"{service}/openapi.json", timeout=5).json()
    assert spec["openapi"].startswith("3.")
    assert {"/v1/tag", "/v1/tag/batch", "/v1/model", "/healthz", "/readyz", "/metrics"} <= set(
        spec["paths"]
    )
    assert "TagRequest" in spec["components"]["schemas"]
    assert json.dumps(spec)  # serialisable as served


def test_without_a_token_write_endpoints_are_disabled(default_model):
    with running_service(default_model.model_dir, workers=1) as running:
        base = running.url
        body = assert_error(requests.post(f"{base}/v1/model/reload", timeout=5), 403, "disabled")
        assert "TOPIC_TAGGER_TOKEN" in body["detail"]
        assert (
            requests.post(f"{base}/v1/tag", json={"text": "Rates rose."}, timeout=5).status_code
            == 200
        )


def test_reads_can_be_closed_with_the_token(default_model):
    env = {"TOPIC_TAGGER_TOKEN": TOKEN, "TOPIC_TAGGER_PROTECT_READS": "true"}
    with running_service(default_model.model_dir, env, workers=1) as running:
        base = running.url
        assert_error(
            requests.post(f"{base}/v1/tag", json={"text": "Rates rose."}, timeout=5),
            401,
            "unauthorized",
        )
        headers = {"Authorization": f"Bearer {TOKEN}"}
        assert requests.post(
            f"{base}/v1/tag", json={"text": "Rates rose."}, headers=headers, timeout=5
        ).ok
        assert requests.get(f"{base}/readyz", timeout=5).ok  # probes stay open for load balancers
