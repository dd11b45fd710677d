"""Soak: a long mixed load with a promotion every few minutes (issue 13, item 4).

    .venv/bin/python bench/soak.py [--minutes 20] [--promote-every 300] [--clients 4] [--quick]

bench/swap.py shows one promotion is harmless over ten seconds; this asks whether a long run
of mixed traffic with several promotions is. A temporary registry holding a copy of the default model is served by
`topic-tagger serve` (gunicorn, 2 workers, a write token, a SQLite label store, a new-model
check every second). Client threads mix every route an integration uses (tag, batch, stored
corrections, the label feed, model info, reloads) for `--minutes`; a new version is published
and made current every `--promote-every` seconds. We report errors, p50/p99 latency minute by
minute, and each worker's resident memory after a one-minute warm-up and at the end (from
/proc): a leak or a promotion that breaks requests shows up here and nowhere shorter.
Loopback only, standard-library HTTP client, bounded in time and in requests.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from common import PROJECT, git_revision, machine, read_jsonl, today, write_section
from timing import p50_p99_ms

sys.path.insert(0, str(Path(__file__).parent / "rivals"))
from servers import Server, free_port

from classifier import DataError, Tagger
from classifier.registry import load, publish, read_metrics, resolve, set_current

WORKERS = 2
RELOAD_SECONDS = 1
MAX_REQUESTS = 1_000_000  # a hard bound whatever --minutes says; the report says if it bit
TIMEOUT = 30.0  # gunicorn's own worker timeout: a slower answer is a failure anyway
STALE_GRACE = 5.0  # seconds after a promotion within which the old model may still answer
RESULTS = PROJECT / "bench" / "results"
SERVER_LOG = RESULTS / "soak-server.log"
# Relative frequency of each kind of request (per cent): mostly tagging, as in production; a
# reload (a full model load in one worker) about once in a thousand requests.
MIX = {
    "POST /v1/tag": 40,
    "POST /v1/tag/batch": 15,
    "POST /v1/labels": 15,
    "POST /v1/labels (unknown label, 422 expected)": 3,
    "GET /v1/labels": 12,
    "GET /v1/model": 14.9,
    "POST /v1/model/reload": 0.1,
}


@dataclass(frozen=True)
class Corpus:
    """Texts to tag (articles, 100 to 420 words) and corrections the served model accepts."""

    articles: list[str]
    corrections: list[dict[str, object]]


@dataclass(frozen=True)
class Call:
    """One request to send and the status that counts as success for it."""

    route: str
    method: str
    path: str
    body: Mapping[str, object] | None
    write: bool
    expected: int


@dataclass(frozen=True)
class Sample:
    """One answered (or failed) request: when, which route, how long, and what came back."""

    at: float
    route: str
    seconds: float
    ok: bool
    status: int  # 0: no HTTP answer (connection failure or timeout)
    model: str | None  # the model version that answered a tagging request


def read_corpus(tagger: Tagger) -> Corpus:
    """The test split (never trained on). Corrections come only from documents whose labels
    the served model knows, so a model trained before a taxonomy change (its labels renamed
    or split) does not turn the soak's valid corrections into 422s."""
    docs = [
        doc
        for path in sorted((PROJECT / "training_data" / "test").glob("*.jsonl"))
        for doc in read_jsonl(path)
    ]
    articles = [doc["text"] for doc in docs if doc.get("format") == "article"]
    corrections = []
    for doc in docs:
        try:
            tagger.resolve_labels(doc["labels"])
        except DataError:
            continue
        corrections.append(
            {"text": doc["text"], "labels": doc["labels"], "source": "bench/soak.py"}
        )
    if len(articles) < 20 or len(corrections) < 20:
        sys.exit("bench: training_data/test has too few articles or corrections this model accepts")
    return Corpus(articles, corrections)


def next_call(rng: random.Random, corpus: Corpus, cursor: list[int]) -> Call:
    """A request drawn from MIX; `cursor` is this client's place in the label feed."""
    route = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if route == "POST /v1/tag":
        return Call(route, "POST", "/v1/tag", {"text": rng.choice(corpus.articles)}, False, 200)
    if route == "POST /v1/tag/batch":
        texts = rng.sample(corpus.articles, rng.randint(5, 20))
        documents = [{"id": n, "text": text} for n, text in enumerate(texts)]
        return Call(route, "POST", "/v1/tag/batch", {"documents": documents}, False, 200)
    if route == "POST /v1/labels":
        return Call(route, "POST", "/v1/labels", rng.choice(corpus.corrections), True, 201)
    if route.startswith("POST /v1/labels "):
        body = {"text": rng.choice(corpus.articles), "labels": ["not a topic of any model"]}
        return Call(route, "POST", "/v1/labels", body, True, 422)
    if route == "GET /v1/labels":
        return Call(route, "GET", f"/v1/labels?after={cursor[0]}&limit=50", None, True, 200)
    if route == "GET /v1/model":
        return Call(route, "GET", "/v1/model", None, False, 200)
    return Call(route, "POST", "/v1/model/reload", None, True, 200)


def send(port: int, token: str, call: Call) -> tuple[int, bytes]:
    """One request on a fresh connection (gunicorn's sync workers close it after each answer)."""
    headers = {"Content-Type": "application/json"} if call.body is not None else {}
    if call.write:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(call.body).encode() if call.body is not None else None
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(call.method, call.path, body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class Budget:
    """The request bound shared by every client."""

    def __init__(self, requests: int) -> None:
        self._left = requests
        self._lock = threading.Lock()
        self.exhausted = False

    def take(self) -> bool:
        with self._lock:
            self._left -= 1
            self.exhausted = self._left < 0
            return not self.exhausted


def client(
    seed: int,
    port: int,
    token: str,
    corpus: Corpus,
    stop: threading.Event,
    budget: Budget,
    started: float,
    samples: list[Sample],
    failures: list[str],
) -> None:
    """Send mixed requests until told to stop; keep the first few failures verbatim."""
    rng = random.Random(seed)
    cursor = [0]
    while not stop.is_set() and budget.take():
        call = next_call(rng, corpus, cursor)
        began = time.perf_counter()
        try:
            status, body = send(port, token, call)
        except (OSError, http.client.HTTPException) as error:
            status, body = 0, f"{type(error).__name__}: {error}".encode()
        seconds = time.perf_counter() - began
        ok = status == call.expected
        answer = json.loads(body) if ok and status < 300 else {}
        if call.route == "GET /v1/labels" and ok:
            cursor[0] = answer["next"] or 0  # follow the feed; start over at its end
        if not ok and len(failures) < 20:
            failures.append(f"{call.method} {call.path} -> {status}: {body[:300]!r}")
        samples.append(
            Sample(began - started, call.route, seconds, ok, status, answer.get("model"))
        )


def promoter(
    registry: Path,
    every: float,
    stop: threading.Event,
    started: float,
    promotions: list[tuple[float, str]],
) -> None:
    """Every `every` seconds re-publish the serving model with a new note and make it current,
    as a release would (publish, then set_current)."""
    model, _ = load(registry)
    metrics = read_metrics(resolve(registry))
    while not stop.wait(every):
        note = f"bench/soak.py promotion {len(promotions) + 1}"
        version = publish(
            model, registry, manifest={"note": note}, metrics=metrics, make_current=False
        ).name
        set_current(registry, version)
        promotions.append((time.perf_counter() - started, version))


def worker_rss_mib(master: int) -> dict[int, float]:
    """Resident memory of each child of the gunicorn master (its workers), from /proc."""
    children = []
    for task in Path(f"/proc/{master}/task").iterdir():
        children += [int(pid) for pid in (task / "children").read_text().split()]
    rss = {}
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                rss[pid] = int(line.split()[1]) / 1024
    return rss


def serve_copy(source: Path, folder: Path, port: int, token: str) -> Server:
    """A registry in `folder` holding a copy of the current model, and the service over it
    (not yet started)."""
    registry = folder / "models"
    registry.mkdir()
    model_dir = resolve(source)
    shutil.copytree(model_dir, registry / model_dir.name)
    set_current(registry, model_dir.name)
    (folder / "data").mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TOPIC_TAGGER_")}
    env["TOPIC_TAGGER_TOKEN"] = token
    command = [
        sys.executable,
        "-m",
        "service.cli",
        "serve",
        "--port",
        str(port),
        "--model",
        str(registry),
        "--workers",
        str(WORKERS),
        "--reload-seconds",
        str(RELOAD_SECONDS),
        "--data-dir",
        str(folder / "data"),
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    SERVER_LOG.unlink(missing_ok=True)
    return Server(command, env, SERVER_LOG, "/readyz", port)


@dataclass
class Run:
    """Everything one soak measured."""

    samples: list[Sample]
    failures: list[str]
    promotions: list[tuple[float, str]]
    memory: list[dict[int, float]]  # worker RSS at the end of each minute
    seconds: float
    budget_exhausted: bool


def soak(source: Path, minutes: float, every: float, clients: int) -> Run:
    """Serve a copy of the model, load it for `minutes`, promote every `every` seconds."""
    tagger = Tagger.load(source)
    corpus = read_corpus(tagger)
    token = secrets.token_urlsafe(24)
    samples: list[Sample] = []
    failures: list[str] = []
    promotions: list[tuple[float, str]] = []
    budget = Budget(MAX_REQUESTS)
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        with serve_copy(source, Path(folder), port, token) as server:
            stop = threading.Event()
            started = time.perf_counter()
            threads = [
                threading.Thread(
                    target=client,
                    args=(seed, port, token, corpus, stop, budget, started, samples, failures),
                )
                for seed in range(clients)
            ]
            threads.append(
                threading.Thread(
                    target=promoter,
                    args=(Path(folder) / "models", every, stop, started, promotions),
                )
            )
            for thread in threads:
                thread.start()
            try:
                memory = sample_memory(server.proc.pid, started, minutes * 60)
            finally:
                stop.set()
                for thread in threads:
                    thread.join()
            seconds = time.perf_counter() - started
    return Run(samples, failures, promotions, memory, seconds, budget.exhausted)


def sample_memory(master: int, started: float, seconds: float) -> list[dict[int, float]]:
    """Workers' RSS at the end of every whole minute of the run: the first is the baseline
    after the warm-up, the last the end, the rest show whether growth levels off."""
    memory = []
    for minute in range(1, int(seconds // 60) + 1):
        time.sleep(max(0.0, started + minute * 60 - time.perf_counter()))
        memory.append(worker_rss_mib(master))
    return memory


def by_minute(samples: list[Sample], minutes: int) -> list[list[Sample]]:
    buckets: list[list[Sample]] = [[] for _ in range(minutes)]
    for sample in samples:
        buckets[min(int(sample.at // 60), minutes - 1)].append(sample)
    return buckets


def latency_cells(samples: list[Sample]) -> str:
    """'p50 | p99' in ms over the successful requests, by rank as every benchmark does."""
    times = sorted(s.seconds for s in samples if s.ok)
    if not times:
        return "- | -"
    p50, p99 = p50_p99_ms(times)
    return f"{p50:.1f} | {p99:.1f}"


def stale_answers(run: Run) -> int:
    """Tagging answers from a superseded model more than STALE_GRACE s after a promotion:
    a worker that missed the new version."""
    count = 0
    for (at, version), following in zip(
        run.promotions, [*run.promotions[1:], (1e18, "")], strict=True
    ):
        count += sum(
            1
            for s in run.samples
            if s.model and at + STALE_GRACE <= s.at < following[0] and s.model != version
        )
    return count


def minute_table(run: Run) -> list[str]:
    minutes = len(run.memory) or 1
    pids = sorted(run.memory[0]) if run.memory else []
    rows = [
        "| minute | requests | errors | p50 (ms) | p99 (ms) | "
        + " | ".join(f"worker {n + 1} RSS (MiB)" for n in range(len(pids)))
        + " |",
        "| ---: | ---: | ---: | ---: | ---: |" + " ---: |" * len(pids),
    ]
    for n, bucket in enumerate(by_minute(run.samples, minutes)):
        rss = run.memory[n] if n < len(run.memory) else {}
        cells = " | ".join(f"{rss[pid]:.1f}" if pid in rss else "gone" for pid in pids)
        errors = sum(not s.ok for s in bucket)
        rows.append(f"| {n + 1} | {len(bucket)} | {errors} | {latency_cells(bucket)} | {cells} |")
    return rows


def route_table(run: Run) -> list[str]:
    rows = [
        "| request | sent | errors | p50 (ms) | p99 (ms) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for route in MIX:
        mine = [s for s in run.samples if s.route == route]
        errors = sum(not s.ok for s in mine)
        rows.append(f"| {route} | {len(mine)} | {errors} | {latency_cells(mine)} |")
    return rows


def memory_table(run: Run) -> tuple[list[str], float]:
    """Per-worker RSS after the warm-up and at the end, and the largest growth in %."""
    if len(run.memory) < 2:
        return ["(too short for a memory comparison: under two minutes)"], float("nan")
    first, last = run.memory[0], run.memory[-1]
    rows = [
        "| worker pid | RSS after 1 min (MiB) | RSS at the end (MiB) | growth |",
        "| ---: | ---: | ---: | ---: |",
    ]
    growths = []
    for pid in sorted(first):
        if pid not in last:
            rows.append(f"| {pid} | {first[pid]:.1f} | replaced | - |")
            continue
        growth = (last[pid] / first[pid] - 1) * 100
        growths.append(growth)
        rows.append(f"| {pid} | {first[pid]:.1f} | {last[pid]:.1f} | {growth:+.1f}% |")
    return rows, max(growths, default=float("nan"))


def log_problems() -> list[str]:
    """Lines of the server's log that say something went wrong."""
    words = ("ERROR", "CRITICAL", "Traceback", "WORKER TIMEOUT", "refused")
    lines = SERVER_LOG.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if any(word in line for word in words)]


def setup_text(run: Run, args: argparse.Namespace, command: str) -> str:
    """How the figures were made, as every section of BENCHMARKS.md says."""
    bound = (
        f" The request bound ({MAX_REQUESTS}) stopped the clients early."
        if run.budget_exhausted
        else ""
    )
    return (
        f"{command} on {today()}, commit {git_revision()}; {machine()}. {args.clients} client "
        f"threads for {run.seconds / 60:.1f} min against `topic-tagger serve` ({WORKERS} gunicorn sync "
        f"workers, a write token, a SQLite label store, a new-model check every {RELOAD_SECONDS} s) "
        "on a copy of the default model, all on this machine. Each client sends, at random: "
        "tag one test article (100-420 words), tag a batch of 5-20, store a correction, store one "
        "with an unknown label (a 422 sent on purpose), read the label feed, read /v1/model, and "
        "(about one request in a thousand) reload the model. Every "
        f"{args.promote_every:.0f} s the model is published again as a new version and made "
        "current. Latencies are the clients' own (connection included) over the answered "
        "requests, by rank; memory is each worker's VmRSS." + bound
    )


def report(run: Run, args: argparse.Namespace, command: str) -> str:
    errors = sum(not s.ok for s in run.samples)
    expected = sum(s.ok and s.status >= 400 for s in run.samples)
    memory_rows, growth = memory_table(run)
    summary = (
        f"**{len(run.samples)} requests, {errors} errors** (any other status than the one "
        f"expected, or no answer; the {expected} deliberate 422s are not errors); "
        f"{len(run.promotions)} promotions; {stale_answers(run)} tagging answers from a "
        f"superseded model more than {STALE_GRACE:.0f} s after a promotion; "
        f"{len(log_problems())} error lines in the server log. Largest worker memory growth "
        f"from minute 1 to the end: {growth:+.1f}% (goal < 10%)."
    )
    return "\n".join(
        [
            "## Soak: mixed load with promotions (issue 13)",
            "",
            setup_text(run, args, command),
            "",
            summary,
            "",
            *minute_table(run),
            "",
            *route_table(run),
            "",
            *memory_rows,
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20)
    parser.add_argument("--promote-every", type=float, default=300, help="seconds")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a 2-minute smoke run, promoting every 40 s; not written to BENCHMARKS.md",
    )
    parser.add_argument("--model", default=str(PROJECT / "models"))
    args = parser.parse_args()
    if args.quick:
        args.minutes, args.promote_every = 2, 40
    if args.minutes < 1 or args.promote_every <= 0 or args.clients < 1:
        parser.error("need --minutes >= 1, --promote-every > 0 and --clients >= 1")
    run = soak(Path(args.model), args.minutes, args.promote_every, args.clients)
    command = "`" + " ".join([".venv/bin/python", "bench/soak.py", *sys.argv[1:]]) + "`"
    text = report(run, args, command)
    print(text)
    for line in [*run.failures, *log_problems()][:20]:
        print("bench:", line, file=sys.stderr)
    if not args.quick:
        write_section("soak", text)


if __name__ == "__main__":
    main()
