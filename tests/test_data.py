import pytest

from classifier.data import load_corpus
from classifier.errors import DataError
from tests.conftest import write_jsonl

SPORT = "The home side won the cup final two-nil after extra time at Wembley."
MARKETS = "Shares in the carmaker fell sharply after it cut its profit forecast for the year."


def test_reads_jsonl_with_ids_and_none_label(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [
            {"id": 7, "text": SPORT, "labels": ["sport"]},
            {"text": "Share This Article", "labels": ["none"]},
        ],
    )
    corpus = load_corpus([path])
    assert [(e.id, e.labels) for e in corpus.examples] == [("7", ("sport",)), (None, ())]
    assert corpus.examples[0].source.endswith("a.jsonl:1")
    assert len(corpus.sha256) == 64 and corpus.size_bytes == path.stat().st_size


def test_reads_csv_with_pipe_separated_labels(tmp_path):
    path = tmp_path / "a.csv"
    path.write_text(
        f'text,labels\n"{SPORT}",sport\n"{MARKETS}",business|markets\n', encoding="utf-8"
    )
    corpus = load_corpus([path])
    assert [e.labels for e in corpus.examples] == [("sport",), ("business", "markets")]


def test_reads_folder_per_label_tree(tmp_path):
    (tmp_path / "sport").mkdir()
    (tmp_path / "business").mkdir()
    (tmp_path / "sport" / "001.txt").write_text(SPORT, encoding="utf-8")
    (tmp_path / "business" / "001.txt").write_text(MARKETS, encoding="utf-8")
    corpus = load_corpus([tmp_path])
    assert sorted((e.id, e.labels) for e in corpus.examples) == [
        ("business/001", ("business",)),
        ("sport/001", ("sport",)),
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", r"bad.jsonl:2: malformed JSON"),
        ('["a list"]', r"bad.jsonl:2: expected a JSON object"),
        ('{"text": "  ", "labels": ["sport"]}', r"bad.jsonl:2: empty text"),
        ('{"text": "words here"}', r"bad.jsonl:2: missing 'labels' list"),
        ('{"text": "words here", "labels": []}', r'bad.jsonl:2: empty label \(use \["none"\]'),
        ('{"text": "words here", "labels": ["none", "sport"]}', r"cannot be combined"),
        ('{"text": "words here", "labels": ["sprot"]}', r"label 'sprot' is not in taxonomy"),
        ('{"text": "words here", "labels": "sport"}', r"must be a list of strings"),
        ('{"text": "words here", "labels": ["sport"], "extra": 1}', r"unknown field\(s\) extra"),
    ],
)
def test_invalid_records_are_reported_with_file_and_line(tmp_path, taxonomy, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(f'{{"text": "{SPORT}", "labels": ["sport"]}}\n{line}\n', encoding="utf-8")
    with pytest.raises(DataError, match=message):
        load_corpus([path], taxonomy=taxonomy, strict=True)


def test_non_utf8_bytes_are_reported_with_line(tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(
        b'{"text": "ok text", "labels": ["a"]}\n{"text": "caf\xe9", "labels": ["a"]}\n'
    )
    with pytest.raises(DataError, match=r"latin.jsonl:2: not UTF-8"):
        load_corpus([path], strict=True)


def test_lenient_loading_drops_bad_records_and_keeps_a_warning(tmp_path):
    good = [{"text": f"{SPORT} Match {i}.", "labels": ["sport"]} for i in range(9)]
    path = write_jsonl(tmp_path / "a.jsonl", [*good, {"text": "", "labels": ["sport"]}])
    corpus = load_corpus([path])
    assert len(corpus.examples) == 9
    assert corpus.warnings == [f"{path}:10: empty text"]


def test_mostly_bad_file_fails_even_when_lenient(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl", [{"text": SPORT, "labels": ["sport"]}, {"text": ""}, {"x": 1}]
    )
    with pytest.raises(DataError, match=r"a.jsonl:2: empty text; .*a.jsonl:3: unknown field"):
        load_corpus([path])


def test_exact_duplicates_after_normalising_are_dropped_and_reported(tmp_path):
    variant = SPORT.upper().replace(" ", "  ")
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"text": SPORT, "labels": ["sport"]}, {"text": variant, "labels": ["sport"]}],
    )
    corpus = load_corpus([path], strict=True)
    assert len(corpus.examples) == 1
    assert corpus.warnings == [f"{path}:2: duplicate of {path}:1, dropped"]


def test_duplicates_with_conflicting_labels_are_an_error(tmp_path):
    path = write_jsonl(
        tmp_path / "a.jsonl",
        [{"text": SPORT, "labels": ["sport"]}, {"text": SPORT, "labels": ["politics"]}],
    )
    with pytest.raises(
        DataError, match=r"a.jsonl:2: same text as .*a.jsonl:1 with different labels"
    ):
        load_corpus([path], strict=True)


def test_evaluation_keeps_duplicates_and_empty_texts(tmp_path):
    path = write_jsonl(
        tmp_path / "test.jsonl",
        [
            {"text": SPORT, "labels": ["sport"]},
            {"text": SPORT, "labels": ["sport"]},
            {"text": "", "labels": ["sport"]},
        ],
    )
    corpus = load_corpus([path], deduplicate=False, keep_empty_text=True, strict=True)
    assert len(corpus.examples) == 3


def test_missing_file_and_unknown_format_are_clear(tmp_path):
    with pytest.raises(DataError, match="no such file"):
        load_corpus([tmp_path / "absent.jsonl"])
    (tmp_path / "data.xml").write_text("<x/>")
    with pytest.raises(DataError, match="unknown data format"):
        load_corpus([tmp_path / "data.xml"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="folder holds no"):
        load_corpus([tmp_path / "empty"])
