"""Text processing shared by training and tagging, so the two can never drift apart.

Every function here is module-level: scikit-learn pickles the vectorizer together with its
tokenizer, and a lambda or closure cannot be pickled.
"""

import re
import unicodedata
from dataclasses import dataclass

from nltk.stem.snowball import SnowballStemmer

from classifier.stopwords import STOP_WORDS

NUMBER_TOKEN = "_num"

_PUNCTUATION_FOLDS = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u00ad": "",
        "\u200b": "",
        "\ufeff": "",
    }
)
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_SPACE = re.compile(r"[ \t]+")
_PARAGRAPH_BREAK = re.compile(r"\r?\n[ \t\u00a0]*\r?\n\s*")
# Words are runs of letters/digits, keeping inner apostrophes, dots and hyphens together
# ("o'neill", "u.s", "covid-19") so that they stem as one unit.
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
_NUMBER = re.compile(r"\d[\d.'\-]*")

_stemmer = SnowballStemmer("english")
# Memoised token -> stem ("" for a stop word). News vocabulary is Zipfian, so after a
# few thousand documents almost every token is a dictionary hit instead of a Snowball run.
_stem_cache: dict[str, str] = {}
_STEM_CACHE_LIMIT = 500_000


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of an article with its character offsets in the text it came from."""

    start: int
    end: int
    text: str


def normalise(text: str) -> str:
    """Fold Unicode variants (curly quotes, dashes, ligatures) so training and tagging agree."""
    text = unicodedata.normalize("NFKC", text).translate(_PUNCTUATION_FOLDS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub(" ", text)


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split text at blank lines; offsets index into the text as given, not a normalised copy."""
    paragraphs: list[Paragraph] = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _append_paragraph(paragraphs, text, start, match.start())
        start = match.end()
    _append_paragraph(paragraphs, text, start, len(text))
    return paragraphs


def _append_paragraph(paragraphs: list[Paragraph], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        offset = start + chunk.index(stripped[0])
        paragraphs.append(Paragraph(offset, offset + len(stripped), stripped))


def stem(token: str) -> str | None:
    """Stem a lower-cased token, folding numbers and dropping stop words (None)."""
    cached = _stem_cache.get(token)
    return (cached if cached is not None else _stem_uncached(token)) or None


def _stem_uncached(token: str) -> str:
    """Compute and memoise a stem; "" marks a stop word, so a cache miss is always None."""
    result: str
    if token in STOP_WORDS:
        result = ""
    elif _NUMBER.fullmatch(token):
        result = NUMBER_TOKEN
    elif "." in token or any(char.isdigit() for char in token):
        result = token  # "u.s", "covid-19", "cop26": Snowball would mangle them
    else:
        result = _stemmer.stem(token.replace("'", ""))
    if len(_stem_cache) < _STEM_CACHE_LIMIT:
        _stem_cache[token] = result
    return result


def tokenize(text: str) -> list[str]:
    """Turn normalised text into the stems the vectorizer counts (the pipeline's tokenizer)."""
    words = _WORD.findall(text.lower())
    stems = list(map(_stem_cache.get, words))  # the hot path: no Python call per known word
    if None in stems:
        stems = [
            cached if cached is not None else _stem_uncached(word)
            for word, cached in zip(words, stems, strict=True)
        ]
    return [s for s in stems if s]


def word_count(text: str) -> int:
    """Count words the way the tokenizer sees them, before stop words are dropped."""
    return len(_WORD.findall(text))
