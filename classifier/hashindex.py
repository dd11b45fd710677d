"""Positions of 64-bit keys, found for a whole array of queries at once.

A binary search touches a dozen or more cache lines per query; an open-addressing hash table
kept at most half full touches one or two. Built and probed with numpy, it finds the feature
of every word of a batch in a few vectorised passes.
"""

import numpy as np

_MIX = np.uint64(0x9E3779B97F4A7C15)  # Fibonacci hashing: the top bits of key * _MIX


class HashIndex:
    """Where each of a set of distinct uint64 keys stands in the array it was built from."""

    def __init__(self, keys: np.ndarray):
        self.keys = np.ascontiguousarray(keys, dtype=np.uint64)
        bits = max(4, (2 * len(self.keys)).bit_length())  # at most half full
        self._shift = np.uint64(64 - bits)
        self._mask = (1 << bits) - 1
        self._slots = np.full(1 << bits, -1, dtype=np.int64)  # key position, or -1 when free
        self._longest_probe = self._insert()

    def _home(self, keys: np.ndarray) -> np.ndarray:
        return ((keys * _MIX) >> self._shift).astype(np.int64)

    def _insert(self) -> int:
        """Place every key at its home slot or the first free slot after it; returns the
        longest distance any key had to go (lookups never need to probe further)."""
        home = self._home(self.keys)
        pending = np.arange(len(self.keys))
        probe = -1
        while len(pending):
            probe += 1
            slots = (home[pending] + probe) & self._mask
            free = self._slots[slots] == -1
            taken, first = np.unique(slots[free], return_index=True)  # one key per slot a round
            winners = pending[free][first]
            self._slots[taken] = winners
            placed = np.zeros(len(self.keys), dtype=bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
        return max(probe, 0)

    def find(self, queries: np.ndarray) -> np.ndarray:
        """Position of each query among the keys, or -1 where it is not one of them."""
        queries = np.asarray(queries, dtype=np.uint64)
        found = np.full(len(queries), -1, dtype=np.int64)
        if not len(self.keys):
            return found
        home = self._home(queries)
        pending = np.arange(len(queries))
        for probe in range(self._longest_probe + 1):
            owners = self._slots[(home[pending] + probe) & self._mask]
            free = owners == -1
            hit = ~free & (self.keys[owners] == queries[pending])
            found[pending[hit]] = owners[hit]
            pending = pending[~free & ~hit]
            if not len(pending):
                break
        return found
