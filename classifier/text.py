"""Text processing shared by training and tagging, so the two can never drift apart.

Every function here is module-level: scikit-learn pickles the vectorizer together with its
tokenizer, and a lambda or closure cannot be pickled.
"""

import re
import unicodedata
from typing import NamedTuple

from nltk.stem.snowball import SnowballStemmer

from classifier.stopwords import STOP_WORDS

NUMBER_TOKEN = "_num"

_PUNCTUATION_FOLDS = {
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
# One pass of the regular expression engine finds the few characters to fold; str.translate
# with a table would look up every character of the text in Python.
_FOLDABLE = re.compile("[" + "".join(_PUNCTUATION_FOLDS) + "]")
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_SPACE = re.compile(r"[ \t]+")
# A blank line, starting at its first newline: a literal first character lets the regular
# expression engine jump from newline to newline (a "\r" before it is stripped with the text).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\r?\n\s*")
# Words are runs of letters/digits, keeping inner apostrophes, dots and hyphens together
# ("o'neill", "u.s", "covid-19") so that they stem as one unit.
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
# The same words in ASCII text: faster to match, and normalise() changes nothing inside words
# of ASCII text (it folds non-ASCII characters, line ends and control characters only).
_ASCII_WORD = re.compile(r"[a-z0-9]+(?:['.\-][a-z0-9]+)*")
_NUMBER = re.compile(r"\d[\d.'\-]*")

_stemmer = SnowballStemmer("english")
# Memoised token -> stem ("" for a stop word). News vocabulary is Zipfian, so after a
# few thousand documents almost every token is a dictionary hit instead of a Snowball run.
_stem_cache: dict[str, str] = {}
_STEM_CACHE_LIMIT = 500_000


class Paragraph(NamedTuple):
    """A paragraph of an article with its character offsets in the text it came from."""

    start: int
    end: int
    text: str


def normalise(text: str) -> str:
    """Fold Unicode variants (curly quotes, dashes, ligatures) so training and tagging agree."""
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = _FOLDABLE.sub(_fold, text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL_CHARS.sub(" ", text)


def character_text(text: str) -> str:
    """The text that character n-grams are cut from: normalised and lower-cased.

    A custom preprocessor replaces the vectorizer's own lower-casing, so it lower-cases here.
    """
    return normalise(text).lower()


def _fold(match: re.Match[str]) -> str:
    return _PUNCTUATION_FOLDS[match.group()]


def split_paragraphs(text: str) -> list[Paragraph]:
    """Split text at blank lines; offsets index into the text as given, not a normalised copy."""
    paragraphs: list[Paragraph] = []
    start = 0
    for end in [*(m.start() for m in _PARAGRAPH_BREAK.finditer(text)), len(text)]:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            offset = start + len(chunk) - len(chunk.lstrip())
            paragraphs.append(Paragraph(offset, offset + len(stripped), stripped))
        start = end
    return paragraphs


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


def words(text: str) -> list[str]:
    """The lower-cased words of raw text, in order, stop words included (the scorer's input).

    Equal to the tokenizer's words of normalise(text), found faster for ASCII text.
    """
    if text.isascii():
        return ascii_words(text)
    return _WORD.findall(normalise(text).lower())


def ascii_words(text: str) -> list[str]:
    """`words` of an ASCII text."""
    return _ASCII_WORD.findall(text.lower())


def stem_of(word: str) -> str:
    """The stem of one lower-cased word; "" for a stop word."""
    cached = _stem_cache.get(word)
    return cached if cached is not None else _stem_uncached(word)


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
