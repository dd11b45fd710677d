"""Write the fixed train/test split of a labelled file (run once when a file is added).

    python training_data/split.py NEW.jsonl

Within a file, examples are ordered by a hash of their id and the first fifth goes to test/:
the assignment depends only on the ids, never on model results, and stays put as a file grows.
"""

import hashlib
import json
import sys
from pathlib import Path

TEST_SHARE = 0.2
HERE = Path(__file__).parent


def split_file(path: Path) -> tuple[int, int]:
    """Write train/<name> and test/<name> for one input file; returns the two counts."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    ranked = sorted(records, key=lambda r: hashlib.sha256(r["id"].encode()).hexdigest())
    n_test = round(len(records) * TEST_SHARE)
    test_ids = {r["id"] for r in ranked[:n_test]}
    for split, keep in (("test", True), ("train", False)):
        chosen = [r for r in records if (r["id"] in test_ids) == keep]
        out = HERE / split / path.name
        out.parent.mkdir(exist_ok=True)
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in chosen), "utf-8")
    return len(records) - n_test, n_test


if __name__ == "__main__":
    for name in sys.argv[1:]:
        train, test = split_file(Path(name))
        print(f"{name}: {train} train, {test} test")
