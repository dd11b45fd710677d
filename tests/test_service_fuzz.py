"""Property-based fuzzing of the live service from its own OpenAPI document.

Schemathesis generates valid and invalid requests for every operation; each response must be
free of server errors and must match the status codes, content types and schemas that the
document promises. (Driven through Hypothesis directly: schemathesis's pytest fixture
integration does not run under the pytest version we pin.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.core.parameters import ParameterLocation

from tests.conftest import TOKEN
from tests.servers import running_service

pytestmark = pytest.mark.slow
EXAMPLES_PER_OPERATION = 60
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture(scope="module")
def live_schema(quick_model, tmp_path_factory):
    env = {
        "TOPIC_TAGGER_TOKEN": TOKEN,
        "TOPIC_TAGGER_MAX_BATCH": "20",
        "TOPIC_TAGGER_DATA_DIR": str(tmp_path_factory.mktemp("fuzz-labels")),
    }
    with running_service(quick_model.model_dir, env) as running:
        yield running.url, schemathesis.openapi.from_url(f"{running.url}/openapi.json")


POSITIVE, NEGATIVE = schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE
# Operations without a request body or parameters have no invalid input to generate.
# Every call carries the token, so the write routes are reached; test_api.py covers 401/403.
CASES = [
    ("POST", "/v1/tag", POSITIVE),
    ("POST", "/v1/tag", NEGATIVE),
    ("POST", "/v1/tag/batch", POSITIVE),
    ("POST", "/v1/tag/batch", NEGATIVE),
    ("GET", "/v1/model", POSITIVE),
    ("POST", "/v1/labels", POSITIVE),
    ("POST", "/v1/labels", NEGATIVE),
    ("POST", "/v1/labels/batch", POSITIVE),
    ("POST", "/v1/labels/batch", NEGATIVE),
    ("GET", "/v1/labels", POSITIVE),
    ("GET", "/v1/labels", NEGATIVE),
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
        # A case whose headers were made invalid on purpose (the token left out) goes as
        # generated and must be refused; every other case carries the token.
        unauthorised = case.meta is not None and case.meta.is_negative_at(ParameterLocation.HEADER)
        case.call_and_validate(base_url=base, headers=None if unauthorised else AUTH)

    check()
