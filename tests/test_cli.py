import json
import subprocess
import sys
from pathlib import Path

import pytest

from classifier.cli import main
from tests.conftest import PROJECT, write_jsonl

CLI = [sys.executable, "-m", "classifier.cli"]


@pytest.fixture(scope="module")
def trained_registry(small_corpus_file, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("cli-models")
    status = main(
        ["train", str(small_corpus_file), "--out", str(out), "--budget", "5", "--folds", "3"]
    )
    assert status == 0
    return out


def test_train_publishes_a_current_version(trained_registry, capsys):
    assert (trained_registry / "CURRENT").is_file()


def test_eval_json_has_the_documented_keys(trained_registry, small_corpus_file, capsys):
    assert main(["eval", "--model", str(trained_registry), str(small_corpus_file), "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert {"accuracy", "micro_f1", "macro_f1", "per_label", "model"} <= set(metrics)
    assert metrics["accuracy"] > 0.9  # training data: a sanity check, not a quality claim
    assert metrics["per_label"]["sport"]["support"] == 60


def test_eval_report_is_readable(trained_registry, small_corpus_file, capsys):
    assert main(["eval", "--model", str(trained_registry), str(small_corpus_file)]) == 0
    out = capsys.readouterr().out
    assert "accuracy" in out and "sport" in out and "support" in out


def test_tag_a_text_file_gives_tags_and_paragraphs(trained_registry, tmp_path, capsys):
    article = tmp_path / "match.txt"
    article.write_text(
        "Cup final report\n\nThe visitors won the cup final 3-1 after two late goals.\n\n"
        "The captain lifted the trophy in front of 60,000 fans at the national stadium.",
        encoding="utf-8",
    )
    assert main(["tag", "--model", str(trained_registry), str(article)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tags"][0]["label"] == "sport"
    assert {"start", "end", "skipped", "tags"} <= set(result["paragraphs"][0])


def test_tag_jsonl_gives_one_line_per_document_with_its_id(trained_registry, tmp_path, capsys):
    docs = write_jsonl(
        tmp_path / "archive.jsonl",
        [
            {"id": "a1", "text": "The striker scored twice as the champions won the league title."},
            {
                "id": "a2",
                "text": "The bank raised interest rates as inflation hit a ten-year high.",
            },
        ],
    )
    assert main(["tag", "--model", str(trained_registry), str(docs)]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["id"] for line in lines] == ["a1", "a2"]
    assert lines[0]["tags"][0]["label"] == "sport"
    assert lines[1]["tags"][0]["label"] == "economy, business and finance"


def test_archive_lines_keep_their_extra_fields_and_bad_lines_are_refused(
    trained_registry, tmp_path, capsys
):
    archive = tmp_path / "archive.jsonl"
    archive.write_text(
        json.dumps({"id": 1, "text": "The striker scored twice.", "date": "2024-05-01"})
        + "\n{broken\n"
        + json.dumps({"id": "x", "section": "news"})
        + "\n"
        + json.dumps({"id": "h", "html": "<p>The bank raised rates again.</p>", "url": "/a"})
        + "\n",
        encoding="utf-8",
    )
    assert main(["tag", "--model", str(trained_registry), str(archive)]) == 1
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [(line["id"], line.get("date"), line.get("url")) for line in lines] == [
        (1, "2024-05-01", None),
        ("h", None, "/a"),
    ]
    assert all(line["tags"] for line in lines)
    assert "archive.jsonl:2: malformed JSON" in captured.err
    assert "archive.jsonl:3: give exactly one of 'text' or 'html'" in captured.err
    assert "2 documents tagged, 2 refused" in captured.err


def test_an_html_file_is_tagged_by_its_main_text(trained_registry, tmp_path, capsys):
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><nav>Home | Sport | Business</nav><article><h1>Cup final</h1>"
        "<p>The visitors won the cup final 3-1 after two late goals in front of 60,000 fans "
        "at the national stadium, ending a run of four lost finals in six seasons.</p>"
        "<p>Their captain lifted the trophy after the match and dedicated the win to the "
        "supporters who had travelled through the night to see the team play.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    assert main(["tag", "--model", str(trained_registry), str(page)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["tags"][0]["label"] == "sport" and "Home |" not in result["text"]


@pytest.mark.parametrize(
    ("flag", "value"), [("--top-k", "0"), ("--top-k", "-1"), ("--threshold", "1.5")]
)
def test_options_are_checked_as_the_library_and_service_check_them(
    trained_registry, flag, value, capsys
):
    from classifier import OptionError, TagOptions

    field = flag.lstrip("-").replace("-", "_")
    with pytest.raises(OptionError) as raised:
        TagOptions(**{field: float(value) if field == "threshold" else int(value)})
    assert main(["tag", "--model", str(trained_registry), flag, value, "-"]) == 2
    assert capsys.readouterr().err.strip() == f"topic-tagger: error: {raised.value}"


@pytest.mark.slow
def test_console_script_reads_stdin(trained_registry):
    result = subprocess.run(
        [*CLI, "tag", "--model", str(trained_registry), "-"],
        input=b"Wimbledon champion wins in straight sets on Centre Court.",
        capture_output=True,
        check=True,
        cwd=PROJECT,
    )
    assert json.loads(result.stdout)["tags"][0]["label"] == "sport"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["tag", "--model", "{tmp}/nothing", "-"], "no model here"),
        (["eval", "--model", "{registry}", "{tmp}/absent.jsonl"], "absent.jsonl: no such file"),
        (
            ["train", "{tmp}/bad.jsonl", "--out", "{tmp}/m", "--strict"],
            "bad.jsonl:1: malformed JSON",
        ),
        (["tag", "--model", "{registry}", "{tmp}/latin.txt"], "latin.txt: not UTF-8"),
        (["train", "{tmp}/one-label.jsonl", "--out", "{tmp}/m"], "at least two labels"),
    ],
)
def test_wrong_input_gives_one_line_and_non_zero_exit(
    trained_registry, tmp_path, capsys, args, message
):
    (tmp_path / "bad.jsonl").write_text("{broken\n")
    (tmp_path / "latin.txt").write_bytes(b"caf\xe9")
    write_jsonl(
        tmp_path / "one-label.jsonl",
        [{"text": f"text number {i}", "labels": ["x"]} for i in range(5)],
    )
    argv = [a.format(tmp=tmp_path, registry=trained_registry) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.slow
def test_unknown_command_is_a_usage_error():
    result = subprocess.run([*CLI, "frobnicate"], capture_output=True, text=True, cwd=PROJECT)
    assert result.returncode == 2 and "invalid choice" in result.stderr


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ('{"C": 1}', "give a JSON object with C, ngram_range and min_df"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "secondary_weight": 0}', "above 0"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "secondary_weight": "x"}', "above 0"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": [4]}', "[low, high]"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": [5, 4]}', "[low, high]"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": [0, 4]}', "[low, high]"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": [4, 9]}', "[low, high]"),
        ('{"C": 1, "ngram_range": [1, 1], "min_df": 1, "characters": ["4", 4]}', "[low, high]"),
    ],
)
def test_bad_fixed_params_are_a_usage_error(small_corpus_file, tmp_path, capsys, params, message):
    with pytest.raises(SystemExit) as exited:
        main(["train", str(small_corpus_file), "--out", str(tmp_path), "--params", params])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err
