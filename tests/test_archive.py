"""`topic-tagger tag-archive` on a real Dask LocalCluster, and `train --scheduler`.

The cluster tests start worker processes, so they are marked slow; the planning tests are not.
Every archive is built from the test split's own texts, with ids that say where they came from.
"""

import gzip
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed", reason="the archive extra is not installed (make install)")
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from classifier.archive import plan_archive, run_archive
from classifier.cli import main
from classifier.cluster import dask_client
from classifier.documents import read_jsonl_documents
from classifier.partitions import plan_partitions, read_partition
from tests.conftest import PROJECT, write_jsonl

CLI = [sys.executable, "-m", "classifier.cli"]


@pytest.fixture(scope="module")
def cluster():
    """Two single-threaded worker processes, as `tag-archive --workers 2` starts them."""
    with dask_client(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def texts(quick_corpora) -> list[str]:
    _, test = quick_corpora
    return [e.text for e in test.examples if e.text.strip()]


def articles(texts: list[str], prefix: str, count: int) -> list[dict]:
    """Records with ids, texts and fields to pass through."""
    return [
        {"id": f"{prefix}-{i}", "text": texts[i % len(texts)], "section": f"s{i % 3}", "n": i}
        for i in range(count)
    ]


def tagged_rows(out: Path) -> list[dict]:
    return ds.dataset(out / "tagged", format="parquet").to_table().to_pylist()


def refused_rows(out: Path) -> list[dict]:
    return ds.dataset(out / "refused", format="parquet").to_table().to_pylist()


@pytest.mark.parametrize("per", [1, 3, 7, 1000])
@pytest.mark.parametrize("compressed", [False, True])
def test_partitions_cover_every_line_once(tmp_path, per, compressed):
    lines = [json.dumps({"id": i, "text": f"text {i}"}) for i in range(20)]
    lines[4] = ""  # a blank line is skipped, as `tag FILE.jsonl` skips it
    raw = ("\n".join(lines)).encode()  # no newline after the last line
    path = tmp_path / ("a.jsonl.gz" if compressed else "a.jsonl")
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    plain = tmp_path / "plain.jsonl"
    plain.write_bytes(raw)

    partitions = plan_partitions([str(path)], per)
    read = [item for p in partitions for item in read_partition(p)]

    assert [p.count for p in partitions] == [min(per, 20 - k) for k in range(0, 20, per)]
    assert all((p.start is None) == compressed for p in partitions)
    expected = [(d.source.rsplit(":", 1)[1], d.id) for d in read_jsonl_documents(plain)]
    assert [(d.source.rsplit(":", 1)[1], d.id) for d in read] == expected


def test_inputs_that_are_not_there_are_one_line_errors_before_any_cluster(tmp_path, quick_model):
    result = subprocess.run(
        [*CLI, "tag-archive", str(tmp_path / "absent*.jsonl"), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env={**os.environ, "TOPIC_TAGGER_MODEL_DIR": str(quick_model.model_dir)},
    )
    assert result.returncode == 2
    assert result.stderr == f"topic-tagger: error: {tmp_path / 'absent*.jsonl'}: no files match\n"


@pytest.mark.slow
def test_tags_equal_topic_tagger_tag_and_each_worker_loads_the_model_once(
    cluster, quick_model, texts, tmp_path, capsys
):
    archive = write_jsonl(tmp_path / "archive.jsonl", articles(texts, "a", 120))
    model = str(quick_model.model_dir)
    plan = plan_archive([str(archive)], tmp_path / "out", model, lines_per_partition=25)
    summary = run_archive(plan, cluster)

    main(["tag", "--model", model, str(archive)])
    expected = {line["id"]: line for line in map(json.loads, capsys.readouterr().out.splitlines())}
    rows = tagged_rows(tmp_path / "out")
    assert (summary.documents, summary.tagged, summary.refused, summary.written) == (120, 120, 0, 5)
    assert summary.model_loads <= 2  # five partitions, two workers: never a load per task
    assert sorted(row["id"] for row in rows) == sorted(expected)
    for row in rows:
        line = expected[row["id"]]
        assert [(t["label"], t["id"], round(t["score"], 4)) for t in row["tags"]] == [
            (t["label"], t["id"], t["score"]) for t in line["tags"]
        ]
        assert row["main_tag"] == (line["tags"][0]["label"] if line["tags"] else None)
        assert row["language"] == line["language"]
        assert json.loads(row["fields"]) == {"section": line["section"], "n": line["n"]}
        assert row["model"] == quick_model.model_dir.name


@pytest.mark.slow
def test_bad_records_are_refused_with_their_reason_and_the_rest_tagged(
    cluster, quick_model, texts, tmp_path
):
    good = articles(texts, "jsonl", 5)
    write_jsonl(tmp_path / "good.jsonl", good)
    truncated = json.dumps({"id": "cut", "text": texts[0]})[:40]
    (tmp_path / "cut.jsonl").write_text(json.dumps(good[0] | {"id": "ok"}) + "\n" + truncated)
    write_jsonl(tmp_path / "notext.jsonl", [{"id": "no-text", "title": "A headline alone"}])
    (tmp_path / "empty.jsonl").write_bytes(b"")
    latin = json.dumps({"id": "latin", "text": "Café owners protest"}, ensure_ascii=False)
    latin = latin.encode("latin-1")  # é is one byte, 0xE9, which cannot start UTF-8 here
    (tmp_path / "latin.jsonl").write_bytes(
        latin + b"\n" + json.dumps(good[1] | {"id": "l2"}).encode()
    )
    (tmp_path / "more.jsonl.gz").write_bytes(
        gzip.compress("".join(json.dumps(r) + "\n" for r in articles(texts, "gz", 4)).encode())
    )
    pq.write_table(pa.Table.from_pylist(articles(texts, "parquet", 6)), tmp_path / "x.parquet")

    plan = plan_archive([str(tmp_path / "*.*")], tmp_path / "out", quick_model.model_dir)
    summary = run_archive(plan, cluster)

    refused = {Path(r["source"]).name: r["reason"] for r in refused_rows(tmp_path / "out")}
    assert refused == {
        "cut.jsonl:2": "malformed JSON (Unterminated string starting at)",
        "notext.jsonl:1": "give exactly one of 'text' or 'html'",
        "empty.jsonl": "empty file",
        "latin.jsonl:1": f"not UTF-8 (byte {latin.index(0xE9)})",
    }
    ids = sorted(row["id"] for row in tagged_rows(tmp_path / "out"))
    expected = [r["id"] for r in good + articles(texts, "gz", 4) + articles(texts, "parquet", 6)]
    assert ids == sorted([*expected, "ok", "l2"])
    assert summary.documents == summary.tagged + summary.refused == len(ids) + 4

    # Rerun on the folder, which now holds the output too: all skipped, our output not input.
    again = run_archive(
        plan_archive([str(tmp_path)], tmp_path / "out", quick_model.model_dir), None
    )
    assert again.written == 0 and again.skipped == summary.written
    assert again.documents == summary.documents


def markers(out: Path) -> int:
    return len(list((out / "_done").glob("*.json"))) if (out / "_done").is_dir() else 0


def assert_each_record_once(out: Path, count: int) -> None:
    ids = [row["id"] for row in tagged_rows(out)]
    assert sorted(ids) == sorted(f"k-{i}" for i in range(count))  # none lost, none twice
    assert not list(out.glob("*/.*.tmp-*"))


@pytest.mark.slow
def test_a_killed_run_resumes_with_no_record_lost_or_written_twice(
    cluster, quick_model, texts, tmp_path
):
    archive = write_jsonl(tmp_path / "archive.jsonl", articles(texts, "k", 400))
    out = tmp_path / "out"
    command = [*CLI, "tag-archive", str(archive), "--out", str(out), "--workers", "2"]
    command += ["--model", str(quick_model.model_dir), "--partition-lines", "10"]
    run = subprocess.Popen(command, cwd=PROJECT, start_new_session=True, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while markers(out) == 0 and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    os.killpg(run.pid, signal.SIGKILL)  # the driver and its workers, mid-write as it happens
    run.wait()
    assert 0 < markers(out) < 40, "the run was not killed midway"

    plan = plan_archive([str(archive)], out, quick_model.model_dir, lines_per_partition=10)
    summary = run_archive(plan, cluster)

    assert summary.skipped > 0 and summary.written + summary.skipped == 40
    assert summary.documents == summary.tagged == 400
    assert_each_record_once(out, 400)


@pytest.mark.slow
def test_a_worker_killed_mid_run_is_replaced_and_the_run_completes(
    cluster, quick_model, texts, tmp_path
):
    archive = write_jsonl(tmp_path / "archive.jsonl", articles(texts, "k", 300))
    out = tmp_path / "out"
    plan = plan_archive([str(archive)], out, quick_model.model_dir, lines_per_partition=10)
    result = {}
    running = threading.Thread(target=lambda: result.update(summary=run_archive(plan, cluster)))
    running.start()
    while markers(out) == 0 and running.is_alive():
        time.sleep(0.02)
    victim = next(iter(cluster.run(os.getpid).values()))
    os.kill(victim, signal.SIGKILL)
    running.join(timeout=60)

    assert result["summary"].documents == 300
    assert_each_record_once(out, 300)


@pytest.mark.slow
def test_training_on_the_cluster_chooses_what_a_local_run_chooses(
    cluster, small_corpus_file, tmp_path
):
    from distributed import get_task_stream

    def train(out: Path, *extra: str) -> dict:
        argv = ["train", str(small_corpus_file), "--out", str(out), "--folds", "3"]
        assert main([*argv, "--budget", "600", *extra]) == 0
        return json.loads(next(out.glob("*/manifest.json")).read_text())["training"]

    local = train(tmp_path / "local")
    with get_task_stream(cluster) as tasks:
        remote = train(tmp_path / "remote", "--scheduler", cluster.scheduler.address)

    assert any("_fit_fold" in task["key"] for task in tasks.data)  # the folds ran there
    assert remote["params"] == local["params"]
    assert [c["cv_score"] for c in remote["candidates"]] == [
        c["cv_score"] for c in local["candidates"]
    ]
