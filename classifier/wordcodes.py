"""Feature codes of every word of a batch of texts, found with numpy instead of word by word.

Finding words with a regular expression and looking each one up in a dictionary costs about
half a microsecond per word in Python: most of the time spent tagging a batch of articles.
Here the texts of a batch are handled as one byte array: a byte is part of a word when it is a
letter or digit, or joining punctuation (' . -) between two of them, exactly as the tokenizer's
expression decides; each word of up to 16 bytes becomes a 16-byte key (two 64-bit numbers),
and one probe of a hash table of the words seen so far gives its code. Words never seen
before and longer words are asked of the tokenizer itself. Codes equal the tokenizer's on
every input (property-tested).
"""

import re
from collections.abc import Callable, Sequence

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from classifier.hashindex import HashIndex
from classifier.text import normalise

KEY_BYTES = 16
_TABLE_LIMIT = 2_000_000  # words remembered; past this, new words are looked up each time
_IS_WORD_BYTE = np.zeros(256, dtype=bool)
_IS_WORD_BYTE[list(b"abcdefghijklmnopqrstuvwxyz0123456789")] = True
_IS_WORD_BYTE[0x80:] = True  # bytes of the letters and digits above ASCII (see _word_ready)
_IS_JOINING = np.zeros(256, dtype=bool)
_IS_JOINING[list(b"'.-")] = True
_BLANKED = re.compile(r"[^\x00-\x7f\w]")  # above ASCII and not a letter or digit
# KEEP[n]: the low n bytes of a little-endian 64-bit number (the first n bytes of a key half)
_KEEP = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2**64 - 1], dtype=np.uint64)
_MIX = np.uint64(0x9E3779B97F4A7C15)
_HALF = np.dtype("<u8")  # little-endian on every machine: a key's first byte is its lowest


class WordCodes:
    """Codes of words (a feature column, or a negative marker), memoised for batch look-ups."""

    def __init__(self, code_of: Callable[[str], int]):
        self._code_of = code_of  # the slow, exact answer for one lower-cased word
        # Words of up to 8 bytes are their own 64-bit key; longer ones go by a fingerprint of
        # their two halves, confirmed on the halves.
        self._short = _KeyTable(code_of, by_fingerprint=False)
        self._longer = _KeyTable(code_of, by_fingerprint=True)
        self._long: dict[str, int] = {}  # words longer than a key

    def encode(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(code, text index) of every word of the texts, texts in order, words in order."""
        pieces = [_word_ready(t).encode("utf-8") for t in texts]
        data = b"\n".join(pieces)
        chars = np.frombuffer(data + bytes(KEY_BYTES), dtype=np.uint8)
        starts, ends = _word_spans(chars[: len(data)])
        text_starts = np.cumsum([0] + [len(p) + 1 for p in pieces[:-1]])
        rows = np.searchsorted(text_starts, starts, side="right") - 1
        lengths = ends - starts
        codes = np.empty(len(starts), dtype=np.int64)
        halves = sliding_window_view(chars, KEY_BYTES)[starts].view(_HALF).copy()
        halves[:, 0] &= _KEEP[np.minimum(lengths, 8)]
        halves[:, 1] &= _KEEP[np.clip(lengths - 8, 0, 8)]
        for table, chosen in (
            (self._short, lengths <= 8),
            (self._longer, (lengths > 8) & (lengths <= KEY_BYTES)),
        ):
            codes[chosen] = table.codes(halves[chosen])
        for i in np.flatnonzero(lengths > KEY_BYTES).tolist():
            codes[i] = self._long_code(data[starts[i] : ends[i]].decode("utf-8"))
        return codes, rows

    def _long_code(self, word: str) -> int:
        code = self._long.get(word)
        if code is None:
            code = self._code_of(word)
            if len(self._long) < _TABLE_LIMIT:
                self._long[word] = code
        return code


class _KeyTable:
    """Known 16-byte keys and their codes, behind a hash index."""

    def __init__(self, code_of: Callable[[str], int], *, by_fingerprint: bool):
        self._code_of = code_of
        self._by_fingerprint = by_fingerprint
        self._index = HashIndex(np.empty(0, dtype=np.uint64))
        self._halves = np.empty((0, 2), dtype=_HALF)  # in the index's order
        self._codes = np.empty(0, dtype=np.int64)

    def codes(self, halves: np.ndarray) -> np.ndarray:
        """Codes of the keys; unknown ones are asked of the tokenizer and remembered."""
        index_keys = self._index_keys(halves)
        codes, missing = self._search(halves, index_keys)
        if missing.any():
            self._learn(np.unique(halves[missing], axis=0))
            codes[missing], still = self._search(halves[missing], index_keys[missing])
            for i in np.flatnonzero(missing)[still].tolist():  # the table is full, or clashes
                codes[i] = self._code_of(_word_of(halves[i]))
        return codes

    def _index_keys(self, halves: np.ndarray) -> np.ndarray:
        if self._by_fingerprint:
            return np.asarray(halves[:, 0] * _MIX ^ halves[:, 1], dtype=np.uint64)
        return np.asarray(halves[:, 0], dtype=np.uint64)

    def _search(self, halves: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Codes, and where a key is missing. Two keys may share a fingerprint: only the first
        is kept and the other is asked of the tokenizer each time, so a clash costs speed,
        never a wrong code."""
        at = self._index.find(keys)
        found = at >= 0
        if self._by_fingerprint:
            found[found] = (self._halves[at[found]] == halves[found]).all(axis=1)
        codes = np.zeros(len(at), dtype=np.int64)
        codes[found] = self._codes[at[found]]
        return codes, ~found

    def _learn(self, halves: np.ndarray) -> None:
        halves = halves[: max(_TABLE_LIMIT - len(self._codes), 0)]
        if not len(halves):
            return
        codes = np.array([self._code_of(_word_of(h)) for h in halves], dtype=np.int64)
        merged = np.concatenate([self._halves, halves])
        keys = self._index_keys(merged)
        _, first = np.unique(keys, return_index=True)  # a clashing later key stays out
        keep = np.sort(first)
        self._halves = merged[keep]
        self._codes = np.concatenate([self._codes, codes])[keep]
        self._index = HashIndex(keys[keep])


def _word_of(halves: np.ndarray) -> str:
    return halves.astype(_HALF).tobytes().rstrip(b"\x00").decode("utf-8")


def _word_ready(text: str) -> str:
    """The text as the tokenizer sees it (normalised, lower-cased), with every non-ASCII
    character that cannot be in a word (£, €, emoji, combining marks) blanked: what remains
    above ASCII is a letter or digit, so each of its UTF-8 bytes counts as a word byte."""
    return text.lower() if text.isascii() else _BLANKED.sub(" ", normalise(text).lower())


def _word_spans(chars: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words: runs of letters and digits, joined by ' . - only
    where a letter or digit stands on both sides (the tokenizer's expression)."""
    if not len(chars):
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    word_byte = _IS_WORD_BYTE[chars]
    before = np.r_[False, word_byte[:-1]]
    after = np.r_[word_byte[1:], False]
    inside = word_byte | (_IS_JOINING[chars] & before & after)
    edges = np.diff(np.r_[False, inside, False].astype(np.int8))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
