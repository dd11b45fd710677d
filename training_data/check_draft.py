"""Check draft data files before they join training_data/ (writers run this on their own files).

    .venv/bin/python training_data/check_draft.py training_data/drafts/politics/*.jsonl

Refuses what `make check-data` would refuse later, with the file and line at fault: records
outside the documented shape, labels that are not level-2 IPTC topics, texts whose length
does not fit their format, placeholders, and texts too close to one already written.
"""

import json
import re
import sys
from collections import Counter
from pathlib import Path

from classifier.coverage import ERAS, FORMAT_WORDS, REGIONS, opening
from classifier.datacheck import NEAR_DUPLICATE_COSINE, similar_pairs
from classifier.language import detect
from classifier.text import word_count

HERE = Path(__file__).resolve().parent
FIELDS = {"id", "text", "labels", "region", "era", "format"}
# Drafts are held a margin under `make check-data`'s line: the IDF of the whole corpus shifts
# as each wave joins it, and pairs that passed at 0.89 have later crept over 0.90.
DRAFT_COSINE = NEAR_DUPLICATE_COSINE - 0.02
PLACEHOLDER = re.compile(
    r"\[[A-Z][a-z]+\]|\bXXX\b|lorem ipsum|\bTBD\b|\{\w+\}|\*\*|^#", re.I | re.M
)


def taxonomy_level2() -> dict[str, str]:
    """Every level-2 name and code -> its canonical name."""
    data = json.loads((HERE / "taxonomy.json").read_text(encoding="utf-8"))
    names = {}
    for topic in data["topics"]:
        if topic.get("parent"):
            names[topic["label"]] = topic["label"]
            names[topic["id"]] = topic["label"]
    return names


def check_record(record: object, level2: dict[str, str]) -> list[str]:
    if not isinstance(record, dict):
        return ["not a JSON object"]
    problems = []
    missing, extra = FIELDS - set(record), set(record) - FIELDS
    if missing:
        problems.append(f"missing field(s) {', '.join(sorted(missing))}")
    if extra:
        problems.append(f"unknown field(s) {', '.join(sorted(extra))}")
    text, labels, kind = record.get("text"), record.get("labels"), record.get("format")
    if not isinstance(record.get("id"), str) or not record.get("id"):
        problems.append("'id' must be a non-empty string")
    if not isinstance(text, str) or not text.strip():
        return [*problems, "'text' must be a non-empty string"]
    if text != text.strip() or "\r" in text or "\t" in text:
        problems.append("text has leading/trailing space, tabs or carriage returns")
    if "\n\n\n" in text:
        problems.append("text has more than one blank line in a row")
    if PLACEHOLDER.search(text):
        problems.append("text holds a placeholder or markup")
    if detect(text) != "en":
        problems.append("text is not English (the default model reads English only)")
    if record.get("region") not in REGIONS:
        problems.append(f"region must be one of {', '.join(REGIONS)}")
    if record.get("era") not in ERAS:
        problems.append(f"era must be one of {', '.join(ERAS)}")
    if kind not in FORMAT_WORDS:
        problems.append(f"format must be one of {', '.join(FORMAT_WORDS)}")
        return problems
    if not isinstance(labels, list) or not labels or not all(isinstance(x, str) for x in labels):
        return [*problems, "'labels' must be a non-empty list of strings"]
    if kind == "boilerplate":
        if labels != ["none"]:
            problems.append('boilerplate is labelled ["none"] and nothing else')
    else:
        unknown = [x for x in labels if x not in level2]
        if unknown:
            problems.append(f"not level-2 topics: {unknown}")
        canonical = [level2.get(x, x) for x in labels]
        if len(set(canonical)) != len(canonical):
            problems.append("a label is repeated")
        if len(labels) > 4:
            problems.append("more than 4 labels")
    problems.extend(check_shape(text, kind))
    return problems


def check_shape(text: str, kind: str) -> list[str]:
    low, high = FORMAT_WORDS[kind]
    words = word_count(text)
    problems = []
    if not low <= words <= high:
        problems.append(f"{kind} of {words} words (expected {low}-{high})")
    blocks = [b for b in text.split("\n\n") if b.strip()]
    if kind == "headline" and "\n" in text:
        problems.append("a headline is one line")
    if kind == "brief" and len(blocks) > 2:
        problems.append("a brief is a headline and a blank line, then one or two sentences")
    if kind == "paragraph" and "\n" in text:
        problems.append("a paragraph is one block without line breaks")
    if kind == "article" and not 3 <= len(blocks) <= 8:
        problems.append("an article is a headline then 2-7 paragraphs, separated by blank lines")
    if kind == "listing" and text.count("\n") < 2:
        problems.append("a listing has at least three lines")
    return problems


def load(paths: list[Path]) -> list[tuple[str, dict]]:
    records = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                try:
                    records.append((f"{path}:{number}", json.loads(line)))
                except json.JSONDecodeError as error:
                    records.append((f"{path}:{number}", {"_error": str(error)}))
    return records


def existing_texts(skip: set[Path]) -> list[tuple[str, str, str]]:
    """(source, id, text) of every record already in train/, test/ and drafts/."""
    found = []
    for folder in ("train", "test", "drafts"):
        for path in sorted((HERE / folder).rglob("*.jsonl")):
            if path.resolve() in skip:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                try:
                    record = json.loads(line)
                    found.append((f"{path}:{number}", str(record["id"]), record["text"]))
                except (json.JSONDecodeError, KeyError, TypeError):
                    continue
    return found


def near_duplicates(new: list[tuple[str, str]], old: list[tuple[str, str]]) -> list[str]:
    """Each new text too close to another (each pair of new texts named once)."""
    sources = [s for s, _ in new] + [s for s, _ in old]
    texts = [t for _, t in new] + [t for _, t in old]
    return [
        f"{sources[first]}: too close to {sources[other]} ({cosine:.2f})"
        for first, other, cosine in similar_pairs(texts, len(new), DRAFT_COSINE, later_only=True)
    ]


def main(paths: list[Path]) -> int:
    level2 = taxonomy_level2()
    records = load(paths)
    problems: list[str] = []
    ids = {rid: src for src, rid, _ in existing_texts({p.resolve() for p in paths})}
    counts: dict[str, Counter] = {k: Counter() for k in ("format", "region", "era", "main")}
    for source, record in records:
        if "_error" in record:
            problems.append(f"{source}: malformed JSON ({record['_error']})")
            continue
        for problem in check_record(record, level2):
            problems.append(f"{source}: {problem}")
        rid = record.get("id")
        if isinstance(rid, str):
            if rid in ids:
                problems.append(f"{source}: id {rid!r} already used at {ids[rid]}")
            ids[rid] = source
        for key in ("format", "region", "era"):
            counts[key][str(record.get(key))] += 1
        labels = record.get("labels") or ["?"]
        counts["main"][level2.get(labels[0], labels[0]) if isinstance(labels, list) else "?"] += 1
    good = [(s, r["text"]) for s, r in records if isinstance(r.get("text"), str)]
    old = [(s, t) for s, _, t in existing_texts({p.resolve() for p in paths})]
    problems.extend(near_duplicates(good, old))
    openings = Counter(opening(t) for _, t in good)
    allowed = max(3, round(0.01 * len(good)))
    for start, n in openings.most_common():
        if n <= allowed:
            break
        problems.append(f"{n} texts open with {start!r} (at most {allowed}): vary the openings")
    print(f"{len(records)} records in {len(paths)} file(s)")
    for key, counter in counts.items():
        print(f"  {key}: " + ", ".join(f"{k} {v}" for k, v in counter.most_common()))
    for problem in problems:
        print(f"problem: {problem}")
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main([Path(p) for p in sys.argv[1:]]))
