"""A small, bounded HTTP load generator for services on this machine (standard library only).

    python bench/rivals/load.py http://127.0.0.1:8000/tag --json-text article.txt -c 2 -n 500
    python bench/rivals/load.py http://127.0.0.1:5000/v1/projects/bbc-svc/suggest \
        --form text=@article.txt --form limit=1 -c 4 -n 500

From Python (the project's own benchmarks can import it the same way):

    from load import measure
    result = measure("http://127.0.0.1:8000/tag", body, {"Content-Type": "application/json"},
                     concurrency=4, requests=500, max_seconds=60)

C client threads each hold one http.client connection and send the same request over and over
until the fixed number of requests is used up or the time limit passes, whichever comes first.
A connection is reused (HTTP/1.1 keep-alive) while the server allows it; when a response says
it will close the connection (gunicorn's sync workers do), the client reconnects, and that
reconnect is part of the next request's latency, as it would be for a real client.

Only loopback targets (127.0.0.0/8, ::1, localhost) are accepted: this is for measuring a
service on this machine, never for sending traffic elsewhere. Every run is bounded in both
request count and seconds.
"""

from __future__ import annotations

import argparse
import http.client
import ipaddress
import json
import math
import sys
import threading
import time
import urllib.parse
from pathlib import Path

MAX_REQUESTS = 100_000
MAX_SECONDS = 600.0


def percentile(sorted_values: list[float], q: float) -> float:
    """q-th percentile (0..100) of already sorted values, linear interpolation between ranks."""
    if not sorted_values:
        return math.nan
    if len(sorted_values) == 1:
        return sorted_values[0]
    position = (len(sorted_values) - 1) * q / 100.0
    lower = math.floor(position)
    upper = math.ceil(position)
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        raise ValueError(f"load: {host!r} is not a loopback address; refusing") from None
    if not address.is_loopback:
        raise ValueError(f"load: {host} is not a loopback address; refusing")


def _split_url(url: str) -> tuple[str, int, str]:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme != "http":
        raise ValueError(f"load: only plain http:// URLs are supported, got {url!r}")
    host = parts.hostname or ""
    _check_loopback(host)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return host, parts.port or 80, path


class _Shared:
    """State shared by the client threads: the request budget, the deadline and the tallies."""

    def __init__(self, requests: int, deadline: float) -> None:
        self.lock = threading.Lock()
        self.remaining = requests
        self.deadline = deadline
        self.latencies: list[float] = []
        self.errors = 0
        self.error_samples: list[str] = []
        self.connects = 0
        self.status_counts: dict[int, int] = {}

    def take(self) -> bool:
        with self.lock:
            if self.remaining <= 0 or time.perf_counter() >= self.deadline:
                return False
            self.remaining -= 1
            return True


def _client(
    host,
    port,
    path,
    method,
    body,
    headers,
    shared: _Shared,
    start: threading.Barrier,
    timeout: float,
) -> None:
    latencies: list[float] = []
    conn: http.client.HTTPConnection | None = None
    connects = 0
    errors = 0
    samples: list[str] = []
    statuses: dict[int, int] = {}
    start.wait()
    while shared.take():
        began = time.perf_counter()
        try:
            if conn is None:
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                connects += 1
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            elapsed = time.perf_counter() - began
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if 200 <= response.status < 300:
                latencies.append(elapsed)
            else:
                errors += 1
                if len(samples) < 3:
                    samples.append(f"HTTP {response.status}")
            if response.will_close:
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException) as err:
            errors += 1
            if len(samples) < 3:
                samples.append(f"{type(err).__name__}: {err}")
            if conn is not None:
                conn.close()
            conn = None
    if conn is not None:
        conn.close()
    with shared.lock:
        shared.latencies.extend(latencies)
        shared.errors += errors
        shared.connects += connects
        shared.error_samples.extend(samples[: max(0, 5 - len(shared.error_samples))])
        for status, count in statuses.items():
            shared.status_counts[status] = shared.status_counts.get(status, 0) + count


def _run(
    url: str,
    body: bytes,
    headers: dict,
    concurrency: int,
    requests: int,
    max_seconds: float,
    method: str,
    timeout: float,
) -> dict:
    host, port, path = _split_url(url)
    start = threading.Barrier(concurrency + 1)
    shared = _Shared(requests, deadline=math.inf)
    threads = [
        threading.Thread(
            target=_client,
            args=(host, port, path, method, body, headers, shared, start, timeout),
            daemon=True,
        )
        for _ in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    shared.deadline = began + max_seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=max_seconds + timeout + 5)
    wall = time.perf_counter() - began
    latencies = sorted(shared.latencies)
    completed = len(latencies)
    return {
        "concurrency": concurrency,
        "requests_planned": requests,
        "requests_ok": completed,
        "errors": shared.errors,
        "error_samples": shared.error_samples,
        "status_counts": {str(k): v for k, v in sorted(shared.status_counts.items())},
        "connections_opened": shared.connects,
        "keep_alive": shared.connects < completed + shared.errors,
        "wall_seconds": round(wall, 4),
        "hit_time_limit": completed + shared.errors < requests,
        "requests_per_second": round(completed / wall, 2) if wall > 0 else math.nan,
        "latency_ms": {
            "p50": round(percentile(latencies, 50) * 1000, 3),
            "p90": round(percentile(latencies, 90) * 1000, 3),
            "p99": round(percentile(latencies, 99) * 1000, 3),
            "mean": round(sum(latencies) / completed * 1000, 3) if completed else math.nan,
            "max": round(latencies[-1] * 1000, 3) if latencies else math.nan,
        },
    }


def measure(
    url: str,
    body: bytes,
    headers: dict | None = None,
    *,
    concurrency: int = 2,
    requests: int = 500,
    max_seconds: float = 60.0,
    warmup: int = 20,
    method: str = "POST",
    timeout: float = 30.0,
) -> dict:
    """Send `requests` copies of one request to a loopback URL with `concurrency` client threads.

    `warmup` requests go first with the same concurrency and are not counted. Returns the
    latency percentiles (ms, successful requests only), requests/second over the measured
    phase's wall time, errors, and how many connections were opened (fewer than requests
    means keep-alive was used).
    """
    if not 1 <= concurrency <= 256:
        raise ValueError("load: concurrency must be between 1 and 256")
    if not 1 <= requests <= MAX_REQUESTS:
        raise ValueError(f"load: requests must be between 1 and {MAX_REQUESTS}")
    if not 0 < max_seconds <= MAX_SECONDS:
        raise ValueError(f"load: max_seconds must be in (0, {MAX_SECONDS}]")
    headers = dict(headers or {})
    if warmup > 0:
        _run(url, body, headers, concurrency, warmup, min(max_seconds, 60.0), method, timeout)
    result = _run(url, body, headers, concurrency, requests, max_seconds, method, timeout)
    result["warmup_requests"] = warmup
    result["url"] = url
    result["body_bytes"] = len(body)
    return result


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Bounded HTTP load against a loopback URL.")
    parser.add_argument("url", help="http://127.0.0.1:PORT/path (loopback only)")
    body = parser.add_mutually_exclusive_group(required=True)
    body.add_argument(
        "--json-text", metavar="FILE", help='send {"text": <contents of FILE>} as application/json'
    )
    body.add_argument(
        "--form",
        action="append",
        metavar="KEY=VALUE",
        help="form field (repeatable); VALUE @FILE reads the file",
    )
    body.add_argument("--body-file", metavar="FILE", help="send FILE as is")
    parser.add_argument(
        "--content-type", default="application/octet-stream", help="Content-Type for --body-file"
    )
    parser.add_argument(
        "-c",
        "--concurrency",
        type=int,
        action="append",
        help="client threads (repeatable: -c 2 -c 4); default 2",
    )
    parser.add_argument("-n", "--requests", type=int, default=500)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=int, default=20)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = _parse_args(argv)
    if args.json_text:
        text = Path(args.json_text).read_text(encoding="utf-8")
        body = json.dumps({"text": text}).encode("utf-8")
        headers = {"Content-Type": "application/json"}
    elif args.form:
        fields = []
        for item in args.form:
            key, _, value = item.partition("=")
            if value.startswith("@"):
                value = Path(value[1:]).read_text(encoding="utf-8")
            fields.append((key, value))
        body = urllib.parse.urlencode(fields).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
    else:
        body = Path(args.body_file).read_bytes()
        headers = {"Content-Type": args.content_type}
    results = [
        measure(
            args.url,
            body,
            headers,
            concurrency=c,
            requests=args.requests,
            max_seconds=args.max_seconds,
            warmup=args.warmup,
        )
        for c in (args.concurrency or [2])
    ]
    json.dump(results, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
