"""Tagging options and their one validation, shared by the library, the CLI and the service.

A caller's mistake must read the same wherever it is made, so the bounds and messages live
here and the service's request schema calls these checks instead of restating them.
"""

from dataclasses import dataclass

from classifier.errors import OptionError

TOP_K_MAX = 100
DEPTHS = (1, 2)


def check_top_k(value: int | None) -> int | None:
    """At most this many tags; None means no limit."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= TOP_K_MAX:
        raise OptionError(f"top_k must be a whole number from 1 to {TOP_K_MAX}, not {value!r}")
    return value


def check_threshold(value: float | None) -> float | None:
    """One score bar for every tag in [0, 1]; None keeps each tag's own threshold."""
    if value is None:
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not 0.0 <= float(value) <= 1.0
    ):
        raise OptionError(f"threshold must be a number from 0 to 1, not {value!r}")
    return float(value)


def check_depth(value: int) -> int:
    """1 for top-level topics only, 2 for subtopics under them."""
    if isinstance(value, bool) or value not in DEPTHS:
        raise OptionError(f"depth must be 1 or 2, not {value!r}")
    return int(value)


@dataclass(frozen=True, slots=True)
class TagOptions:
    """What a caller may ask of tagging; built only through the checks above."""

    top_k: int | None = None
    threshold: float | None = None
    depth: int = 1
    any_language: bool = False  # tag text that is not English anyway (the model is English)

    def __post_init__(self) -> None:
        check_top_k(self.top_k)
        check_threshold(self.threshold)
        check_depth(self.depth)
        if not isinstance(self.any_language, bool):
            raise OptionError(f"any_language must be true or false, not {self.any_language!r}")
