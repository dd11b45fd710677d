"""The editors' page in a real browser: Debian's chromium driven by Selenium and chromedriver,
against the real service (gunicorn, two workers) on a free port.

Without chromium and chromedriver these tests are skipped with the reason, except under CI
(TOPIC_TAGGER_REQUIRE_BROWSER set, as .ci/run sets it), where they fail instead.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from classifier.registry import load as load_model
from classifier.registry import publish, read_metrics, set_current
from tests.conftest import PROJECT, TOKEN
from tests.servers import running_service
from tests.test_api import STORY
from tests.test_queue import CLEAR, UNSURE, least_sure_first

pytestmark = pytest.mark.slow
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SCREENSHOTS = PROJECT / "docs" / "screenshots"
HEADLESS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1100,850",
]
WAIT = 15  # seconds for a page or an element


def require_browser() -> None:
    """Skip with the reason when the browser is absent; under CI, fail instead."""
    missing = [str(path) for path in (CHROMIUM, CHROMEDRIVER) if not path.exists()]
    if not missing:
        return
    reason = f"{' and '.join(missing)} missing (apt-get install chromium chromium-driver)"
    if os.environ.get("TOPIC_TAGGER_REQUIRE_BROWSER"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def registry(tmp_path_factory, quick_model) -> tuple[Path, str, str]:
    """A registry with the quick model current and a newer, never promoted, copy of it."""
    root = tmp_path_factory.mktemp("browser") / "models"
    shutil.copytree(quick_model.model_dir, root / quick_model.model_dir.name)
    set_current(root, quick_model.model_dir.name)
    model, manifest = load_model(root)
    metrics = read_metrics(root / manifest["version"])
    while True:
        kept = {"training_data": manifest.get("training_data")}
        newer = publish(model, root, manifest=kept, metrics=metrics, make_current=False)
        if newer.name > manifest["version"]:
            return root, manifest["version"], newer.name
        time.sleep(1)  # the same second and a smaller random suffix: publish again


@pytest.fixture(scope="module")
def service(registry, tmp_path_factory):
    """The service with a token, over plain http (so the cookie may not be Secure-only)."""
    data = tmp_path_factory.mktemp("browser-data")
    env = {
        "TOPIC_TAGGER_TOKEN": TOKEN,
        "TOPIC_TAGGER_COOKIE_SECURE": "false",
        "TOPIC_TAGGER_DATA_DIR": str(data),
        "TOPIC_TAGGER_RELOAD_SECONDS": "1",
    }
    with running_service(registry[0], env=env) as running:
        yield running, data / "labels.sqlite3"


@pytest.fixture(scope="module")
def chromium(tmp_path_factory):
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*HEADLESS, f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(WAIT)
    yield driver
    driver.quit()


@pytest.fixture
def page(chromium, service):
    """The browser with no cookies (a new visitor), and the service's base URL."""
    chromium.delete_all_cookies()
    chromium.get_log("browser")  # drop what earlier tests logged
    yield Page(chromium, service[0].url)
    # Content-Security-Policy violations and script errors are logged here (a 401 page's
    # status is too, as a network entry, and that one is on purpose)
    logged = chromium.get_log("browser")
    assert [e for e in logged if e["level"] == "SEVERE" and e["source"] != "network"] == []


def _has_left(element) -> bool:
    """Whether the page that held `element` has gone. Chromium answers a poll that lands while
    the old document is being torn down with "does not belong to the document" instead of a
    stale element (this failed a CI run), and that answer means gone as well."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise
    return False


class Page:
    """The few steps an editor takes, as Selenium calls."""

    def __init__(self, driver, base: str):
        self.driver, self.base = driver, base

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        located = expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        return WebDriverWait(self.driver, WAIT).until(located)

    def submit(self, button) -> None:
        """Click a button that loads a new page, and wait until the old page has gone: finding
        an element straight after a click could otherwise read the page being left."""
        self._after_leaving(button.click)

    def _after_leaving(self, action) -> None:
        from selenium.webdriver.support.wait import WebDriverWait

        old_page = self.driver.find_element("tag name", "html")
        action()
        WebDriverWait(self.driver, WAIT).until(lambda driver: _has_left(old_page))

    def all(self, css: str) -> list:
        from selenium.webdriver.common.by import By

        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        return self.find("main").text

    def sign_in(self, token: str = TOKEN) -> None:
        from selenium.webdriver.common.keys import Keys

        self.open("/ui/sign-in")
        field = self.find("#token")
        # Enter submits; wait for the answer, or the next page opened could beat the cookie.
        self._after_leaving(lambda: field.send_keys(token, Keys.ENTER))

    def tag(self, article: str) -> None:
        self.open("/ui/try")
        self.find("#article").send_keys(article)
        self.find("#tag-button").click()
        self.find("#tags-heading")

    def unlabelled_controls(self) -> list[str]:
        return self.driver.execute_script(
            "return Array.from(document.querySelectorAll('input, select, textarea'))"
            ".filter(e => e.type !== 'hidden' && e.labels.length === 0"
            " && !e.getAttribute('aria-label')).map(e => e.outerHTML);"
        )


def test_try_an_article(page):
    page.tag(STORY)
    tags = page.find("ul.tags").text
    assert "sport" in tags and "medtop:15000000" in tags and "Words behind it" in tags
    assert page.all("ul.tags meter")
    sport = page.find("li.paragraph.topic-15")
    skipped = page.find("li.paragraph.skipped")
    assert "Share this article" in page.text() and "boilerplate" in skipped.text.lower()
    # the stylesheet loaded under the page's CSP: boilerplate is grey, a sports paragraph blue
    assert skipped.value_of_css_property("background-color") == "rgba(241, 242, 243, 1)"
    assert sport.value_of_css_property("border-left-color") == "rgba(46, 134, 193, 1)"


def test_a_failed_sign_in_then_sign_in_and_out(page):
    page.sign_in("not-the-token-at-all")
    assert "That is not the token." in page.find("#sign-in-error").text
    assert not page.all("#sign-out")
    page.sign_in()
    page.find("#sign-out")
    assert page.driver.current_url.endswith("/ui/try") and "Signed in." in page.text()
    cookie = page.driver.get_cookie("topic_tagger_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.submit(page.find("#sign-out"))
    page.find("#sign-in-link")
    assert "Signed out." in page.text()


def test_correct_a_tag_and_find_the_label_in_the_export(page, service):
    from selenium.webdriver.common.keys import Keys

    page.sign_in()
    article = "Harbour City's volleyball final drew a record crowd and record ticket revenue."
    page.tag(article)
    form = page.find("#form-article")
    picker = page.find("#add-article")
    picker.send_keys("medtop:04000000", Keys.ENTER)  # a code from the picker becomes a tag
    chip = page.find("#keep-article input[value='economy, business and finance']")
    assert chip.is_selected()
    page.submit(form.find_element("css selector", "button[type=submit]"))
    stored = page.find("#label-tags").text
    assert "economy, business and finance" in stored
    exported = _export(service[1])
    [record] = [r for r in exported if r["text"] == article]
    assert "economy, business and finance" in record["labels"]


def _export(store: Path) -> list[dict]:
    command = [sys.executable, "-m", "service.cli", "labels", "export", "--label-store", str(store)]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def test_work_through_the_queue(page, service, registry):
    named = {"b-clear": CLEAR, "b-unsure": UNSURE}
    documents = [{"id": key, "text": text} for key, text in named.items()]
    response = requests.post(
        f"{service[0].url}/v1/queue",
        json={"documents": documents},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert response.status_code == 201
    page.sign_in()
    page.open("/ui/queue")
    order = least_sure_first(registry[0], named)
    headings = [h.text for h in page.all("article.item h2")]
    assert [h for h in headings if h in named] == order  # other tests may queue texts too
    for expected in order:
        [item] = [a for a in page.all("article.item") if _heading(a) == expected]
        page.submit(item.find_element("css selector", "form.correct button[type=submit]"))
        assert f"Reviewed {expected}" in page.find(".notice").text
    assert not set(named) & {_heading(a) for a in page.all("article.item")}
    texts = {record["text"] for record in _export(service[1])}
    assert {CLEAR, UNSURE} <= texts


def test_promote_and_roll_back(page, registry, service):
    _, first, second = registry
    page.sign_in()
    page.open("/ui/models")
    page.submit(page.find(f"button[aria-label='Promote {second}']"))
    assert f"Current model: {second}" in page.find(".notice").text
    assert second in page.find("tr.current").text
    _wait_for_every_worker(service[0].url, second)
    page.submit(page.find("#rollback"))
    assert f"Current model: {first}" in page.find(".notice").text
    assert first in page.find("tr.current").text
    _wait_for_every_worker(service[0].url, first)


def _heading(item) -> str:
    return item.find_element("css selector", "h2").text


def _wait_for_every_worker(base: str, version: str) -> None:
    """Workers other than the one that answered reload within reload_seconds (1 s)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        answers = {requests.get(f"{base}/v1/model", timeout=5).json()["version"] for _ in range(6)}
        if answers == {version}:
            return
        time.sleep(0.3)
    pytest.fail(f"not every worker serves {version}")


def test_keyboard_reaches_the_controls_and_every_control_is_labelled(page):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    page.sign_in()
    page.open("/ui/try")
    reached = []
    for _ in range(14):
        ActionChains(page.driver).send_keys(Keys.TAB).perform()
        active = page.driver.switch_to.active_element
        reached.append(active.get_attribute("id") or active.text or active.get_attribute("value"))
    for control in ("Try", "Review queue", "Models", "sign-out", "article", "page", "tag-button"):
        assert control in reached, reached
    page.find("#article").send_keys(STORY)
    page.find("#tag-button").send_keys(Keys.ENTER)  # Enter on the focused button submits
    page.find("#tags-heading")
    for path in ("/ui/try", "/ui/queue", "/ui/models", "/ui/sign-in"):
        if path != "/ui/try":
            page.open(path)
        assert page.unlabelled_controls() == [], path


def test_a_service_without_a_token_is_read_only(chromium, registry, tmp_path):
    """Read-only, and with the default HTTPS-only cookie, which a browser keeps for localhost."""
    env = {"TOPIC_TAGGER_DATA_DIR": str(tmp_path)}  # the default Secure cookie, on localhost
    with running_service(registry[0], env=env, workers=2) as running:
        chromium.delete_all_cookies()
        page = Page(chromium, running.url)
        page.tag(STORY)  # two workers agree on the key that signs the form's CSRF token
        assert "sport" in page.find("ul.tags").text
        assert "Read-only" in page.find("header").text and not page.all("form.correct")
        page.open("/ui/models")
        assert not page.all("#rollback")


def test_screenshots_of_each_page(page, service):
    page.sign_in()
    requests.post(
        f"{service[0].url}/v1/queue",
        json={"documents": [{"id": "shot-1", "text": UNSURE}]},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.tag(STORY)
    page.driver.execute_script("document.getElementById('tags-heading').scrollIntoView()")
    _save(page, "try")
    for name in ("queue", "models"):
        page.open(f"/ui/{name}")
        _save(page, name)
    page.driver.execute_script("document.getElementById('confusion-heading').scrollIntoView()")
    _save(page, "models-confusion")
    page.driver.delete_all_cookies()
    page.open("/ui/sign-in")
    _save(page, "sign-in")
    for name in ("try", "queue", "models", "models-confusion", "sign-in"):
        assert (SCREENSHOTS / f"{name}.png").stat().st_size > 5000


def _save(page: Page, name: str) -> None:
    """A PNG small enough to commit: the viewport, reduced to a palette of 128 colours."""
    path = SCREENSHOTS / f"{name}.png"
    page.find("footer")
    page.driver.save_screenshot(str(path))
    try:
        from PIL import Image
    except ImportError:  # Pillow comes with the bench extra; without it the PNG stays as is
        return
    with Image.open(path) as image:
        reduced = image.convert("RGB").quantize(colors=128)
    reduced.save(path, optimize=True)
