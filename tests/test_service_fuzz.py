"""Property-based fuzzing of the live service from its own OpenAPI document.

Schemathesis generates valid and invalid requests for every operation; each response must be
free of server errors and must match the status codes, content types and schemas that the
document promises. (Driven through Hypothesis directly: schemathesis's pytest fixture
integration does not run under the pytest version we pin.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.servers import running_service

TOKEN = "fuzz-token-0123456789abcdef"
EXAMPLES_PER_OPERATION = 60


@pytest.fixture(scope="module")
def live_schema(default_model):
    env = {"TOPIC_TAGGER_TOKEN": TOKEN, "TOPIC_TAGGER_MAX_BATCH": "20"}
    with running_service(default_model.model_dir, env) as running:
        yield running.url, schemathesis.openapi.from_url(f"{running.url}/openapi.json")


POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Operations without a request body have no invalid input to generate, only valid calls.
CASES = [
    ("POST", "/v1/tag", POSITIVE),
    ("POST", "/v1/tag", NEGATIVE),
    ("POST", "/v1/tag/batch", POSITIVE),
    ("POST", "/v1/tag/batch", NEGATIVE),
    ("GET", "/v1/model", POSITIVE),
    ("POST", "/v1/model/reload", POSITIVE),
    ("GET", "/healthz", POSITIVE),
    ("GET", "/readyz", POSITIVE),
    ("GET", "/metrics", POSITIVE),
]


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_every_operation_keeps_its_promises(live_schema, method, path, mode):
    base, schema = live_schema
    strategy = schema[path][method].as_strategy(generation_mode=mode)

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        case.call_and_validate(base_url=base)

    check()
