"""Site chrome that is not the story: recognised by simple rules, so it never votes.

Scraped pages carry tickers and price lines, calls to action ("Click here", "Subscribe",
app-store lines), menus, photo captions, the same link over and over, and lists of other
stories' headlines. The model learns the common boilerplate from examples labelled no topic;
these rules catch what a bag of words cannot: a line of numbers, a phrase repeated eight
times, or a run of headlines about other topics that reads like news because it is news.
"""

import re
from collections import Counter
from collections.abc import Sequence
from itertools import repeat

from classifier.stopwords import STOP_WORDS

# Links and prompts that are never part of a story's sentences: found anywhere in a line.
CALLS_TO_ACTION = re.compile(
    r"\b(?:click here|read (?:more|full (?:story|article))|also read|subscribe now|"
    r"download (?:the|our) app|app store|google play|"
    r"follow us on(?:,? (?:and |& )?(?:facebook|twitter|x|instagram|youtube|whatsapp|linkedin|"
    r"telegram|threads|tiktok)\b)*|"
    r"sign up for (?:our|breaking|free|daily|email|news)|subscribe to (?:our|the) (?:newsletter|"
    r"channel|podcast)|"
    r"share this (?:article|story|page|post)|share on (?:facebook|twitter|x|whatsapp|linkedin)|"
    r"watch (?:the )?video|watch live|trending now|most read|you may also like|"
    r"recommended for you|in pics|photo gallery|see (?:all )?photos|scroll to continue|"
    r"continue reading|load more|view all|open in app)\b",
    re.IGNORECASE,
)
# Pieces of every phrase above, lower-cased: str's substring search is many times faster than
# the regex, and most lines hold none of them (the regex then cannot match either).
_CALL_PIECES = (
    "click here",
    "read more",
    "read full",
    "also read",
    "subscribe now",
    "the app",
    "our app",
    "app store",
    "google play",
    "follow us on",
    "sign up for",
    "subscribe to",
    "share this",
    "share on",
    "video",
    "watch live",
    "trending now",
    "most read",
    "may also like",
    "recommended for you",
    "in pics",
    "gallery",
    "photos",
    "scroll to continue",
    "continue reading",
    "load more",
    "view all",
    "open in app",
)
# Site furniture that prose and headlines may also mention ("Banks sign up to rescue plan"):
# chrome only when it makes up a very short unit of its own ("Advertisement", "Sign up").
FURNITURE = re.compile(
    r"\b(?:subscribe|sign (?:up|in)|log in|newsletter|advertisement|sponsored|"
    r"terms of (?:use|service)|privacy policy|all rights reserved|most popular|"
    r"top stories|latest news|related (?:stories|articles|news)|listen to (?:the )?podcast)\b",
    re.IGNORECASE,
)
CAPTION = re.compile(
    r"^\s*[(\[]?(?:photo|image|picture|pic|file photo|representational (?:image|photo)|"
    r"credit|courtesy|video|gallery|graphic)s?\b\s*[:|/)\]-]",
    re.IGNORECASE,
)
MENU_SEPARATORS = re.compile(r"\s[|\u2022\u203a\u00bb/\u00b7]\s")
_FIGURE_CHAR = r"[-+\u2212\u25b2\u25bc%(),.$€£₹¥\d]"
_NUMBERISH = re.compile(rf"^{_FIGURE_CHAR}+%?$")
# The same tokens found in running text, counted in one pass of the regex engine; written to
# begin with the character class, so that the engine can skip ahead to candidates.
FIGURE_TOKEN = rf"{_FIGURE_CHAR}(?<!\S.){_FIGURE_CHAR}*%?(?!\S)"
_FIGURE_TOKEN = re.compile(FIGURE_TOKEN)
WORD_EDGES = ".,;:'\"\u2018\u2019\u201c\u201d()"
# closing marks after the full stop, as Punkt keeps them with the sentence they close
SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)\]}]*$")
_LETTERS = re.compile(r"[^\W\d_]")

CALL_MAX_WORDS = 14  # a call to action is short; a longer unit merely mentions the phrase
FURNITURE_MAX_WORDS = 6
TICKER_MIN_TOKENS = 6
TICKER_NUMBER_SHARE = 0.5
HEADLINE_WORDS = (3, 20)
HEADLINE_RUN = 3  # this many headline-like lines in a row are a list of other stories
REPEATS = 3  # a unit this many times on one page is furniture, not story
PROSE_WORDS = 15  # a unit this long that is not a headline is story text
MENU_MAX_WORDS = 40
TITLE_CASE = 0.75  # share of capitalised words above which a line is in title case
HEADLINESE_FUNCTION = 0.2  # function words below this share read as headlines
HEADLINESE_CAPITALS = 0.6  # and so do capitalised words above this share


def figure_flags(tokens: Sequence[str]) -> list[bool]:
    """Which tokens are figures: a number, a price, a change or a sign on its own."""
    match = _NUMBERISH.match
    return [match(token) is not None for token in tokens]


def may_call_to_action(text: str) -> bool:
    """False when the text surely holds no call to action (CALLS_TO_ACTION cannot match)."""
    lowered = text.lower()
    return any(piece in lowered for piece in _CALL_PIECES)


def count_figures(text: str) -> int:
    """How many whitespace-separated tokens of the text are figures (as figure_flags)."""
    return len(_FIGURE_TOKEN.findall(text))


def is_ticker(text: str) -> bool:
    """Mostly numbers and signs, the rest names: index levels and prices in a row
    ("Sensex 81,234.56 + 487.20"), not prose about figures ("rose 15 cents - 1.1% -")."""
    # Prose is rejected on a count made by the regex engine: most units are prose.
    figures = count_figures(text)
    if figures < TICKER_NUMBER_SHARE * TICKER_MIN_TOKENS:
        return False
    tokens = text.split()
    if len(tokens) < TICKER_MIN_TOKENS or figures < TICKER_NUMBER_SHARE * len(tokens):
        return False
    # at least half are figures, so the names are at most the other half: all capitalised
    names = [t for t, figure in zip(tokens, figure_flags(tokens), strict=True) if not figure]
    return all(t[:1].isupper() for t in names)


def is_call_to_action(text: str) -> bool:
    """A short unit that is site furniture: 'Click here for prices', 'Download the app'."""
    words = len(text.split())
    if words <= FURNITURE_MAX_WORDS and FURNITURE.search(text):
        return True
    return words <= CALL_MAX_WORDS and CALLS_TO_ACTION.search(text) is not None


def is_caption(text: str) -> bool:
    return CAPTION.match(text) is not None


def is_menu(text: str) -> bool:
    """Navigation: several short items between separators ('Home | News | Sport')."""
    return len(text.split()) <= MENU_MAX_WORDS and len(MENU_SEPARATORS.findall(f" {text} ")) >= 2


def is_headline_like(text: str) -> bool:
    """A short line that does not end a sentence, as headlines and link texts do (a row of a
    results table, mostly figures, is not one)."""
    tokens = text.split()
    low, high = HEADLINE_WORDS
    if not low <= len(tokens) <= high or SENTENCE_END.search(text.strip()):
        return False
    return sum(figure_flags(tokens)) < 0.3 * len(tokens)


def function_share(tokens: Sequence[str]) -> float:
    """Share of the words that are function words ("the", "of", "said" is not): prose runs
    near 0.45, headlines near 0.15."""
    # map and filter keep the per-word work in C: pages have thousands of words.
    words = list(
        filter(_LETTERS.search, map(str.strip, map(str.lower, tokens), repeat(WORD_EDGES)))
    )
    return sum(map(STOP_WORDS.__contains__, words)) / len(words) if words else 0.0


def title_case(tokens: Sequence[str]) -> bool:
    """Nearly every word capitalised, as in US-style headlines ("Biden Waffles On Subpoena")."""
    words = [t for t in tokens if _LETTERS.search(t)]
    return bool(words) and sum(w[:1].isupper() for w in words) > TITLE_CASE * len(words)


def headlinese(tokens: Sequence[str]) -> bool:
    """Words that read like a run of headlines rather than prose: few function words, or
    nearly every word capitalised (title case)."""
    words = [t for t in tokens if _LETTERS.search(t)]
    if not words:
        return False
    capitals = sum(w[:1].isupper() for w in words) / len(words)
    return function_share(words) < HEADLINESE_FUNCTION or capitals > HEADLINESE_CAPITALS


def headlinese_tails(tokens: Sequence[str]) -> list[bool]:
    """headlinese(tokens[k:]) for every k, counted in one pass from the end: a long sentence
    asks it of each of its tails, which taken one by one costs the square of its length.
    (headlinese itself stays a one-pass count in C: it runs on every candidate cut of a page.)"""
    tails = [False] * len(tokens)
    words = capitals = function = 0
    for k in range(len(tokens) - 1, -1, -1):
        token = tokens[k]
        if _LETTERS.search(token):
            words += 1
            capitals += token[:1].isupper()
            function += token.lower().strip(WORD_EDGES) in STOP_WORDS
        tails[k] = words > 0 and (
            function / words < HEADLINESE_FUNCTION or capitals / words > HEADLINESE_CAPITALS
        )
    return tails


def chrome_units(texts: Sequence[str]) -> list[bool]:
    """For each unit of one page, in reading order: is it site chrome?"""
    counts = Counter(texts)
    sizes = [len(t.split()) for t in texts]
    # Calls to action and menus are short: the longer units (most of a story) skip those rules.
    flags = [
        counts[t] >= REPEATS
        or is_caption(t)
        or is_ticker(t)
        or (size <= MENU_MAX_WORDS and (is_call_to_action(t) or is_menu(t)))
        for t, size in zip(texts, sizes, strict=True)
    ]
    low, high = HEADLINE_WORDS
    headline_like = [
        not flag and low <= size <= high and is_headline_like(t)
        for t, size, flag in zip(texts, sizes, flags, strict=True)
    ]
    # A run of headline-like units beside a story is a list of other stories (a story's own
    # headline at the top of the page is one line, not a run). A page of nothing but such
    # lines is a list in its own right, and stays.
    has_prose = any(
        not flag and size >= PROSE_WORDS and not headline
        for size, flag, headline in zip(sizes, flags, headline_like, strict=True)
    )
    if not has_prose:
        return flags
    run: list[int] = []
    for k, headline in enumerate([*headline_like, False]):  # a sentinel ends the last run
        if headline:
            run.append(k)
            continue
        if len(run) >= HEADLINE_RUN:
            for i in run:
                flags[i] = True
        run = []
    return flags
