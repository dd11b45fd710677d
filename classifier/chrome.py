"""Site chrome that is not the story: recognised by simple rules, so it never votes.

Scraped pages carry tickers and price lines, calls to action ("Click here", "Subscribe",
app-store lines), menus, photo captions, the same link over and over, and lists of other
stories' headlines. The model learns the common boilerplate from examples labelled no topic;
these rules catch what a bag of words cannot: a line of numbers, a phrase repeated eight
times, or a run of headlines about other topics that reads like news because it is news.
"""

import re
from collections.abc import Sequence

from classifier.stopwords import STOP_WORDS

# Links and prompts that are never part of a story's sentences: found anywhere in a line.
CALLS_TO_ACTION = re.compile(
    r"\b(?:click here|read (?:more|full (?:story|article))|also read|subscribe now|"
    r"download (?:the|our) app|app store|google play|follow us on|"
    r"share this (?:article|story|page|post)|share on (?:facebook|twitter|x|whatsapp|linkedin)|"
    r"watch (?:the )?video|watch live|trending now|most read|you may also like|"
    r"recommended for you|in pics|photo gallery|see (?:all )?photos|scroll to continue|"
    r"continue reading|load more|view all|open in app)\b",
    re.IGNORECASE,
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
_TOKEN = re.compile(r"\S+")
_NUMBERISH = re.compile(r"^[-+\u2212\u25b2\u25bc%(),.$€£₹¥\d]+%?$")
_SENTENCE_END = re.compile(r"[.!?][\"'\u2019\u201d)]*$")
_LETTERS = re.compile(r"[^\W\d_]")

CALL_MAX_WORDS = 14  # a call to action is short; a longer unit merely mentions the phrase
FURNITURE_MAX_WORDS = 6
TICKER_MIN_TOKENS = 6
TICKER_NUMBER_SHARE = 0.5
HEADLINE_WORDS = (3, 20)
HEADLINE_RUN = 3  # this many headline-like lines in a row are a list of other stories
REPEATS = 3  # a unit this many times on one page is furniture, not story
PROSE_WORDS = 15  # a unit this long that is not a headline is story text
TITLE_CASE = 0.75  # share of capitalised words above which a line is in title case


def is_figure(token: str) -> bool:
    """A number, a price, a change or a sign on its own."""
    return bool(_NUMBERISH.match(token))


def figure_flags(tokens: Sequence[str]) -> list[bool]:
    """is_figure of every token, in one pass (pages have thousands of tokens)."""
    match = _NUMBERISH.match
    return [match(token) is not None for token in tokens]


def is_ticker(text: str) -> bool:
    """Mostly numbers and signs, the rest names: index levels and prices in a row
    ("Sensex 81,234.56 + 487.20"), not prose about figures ("rose 15 cents - 1.1% -")."""
    tokens = _TOKEN.findall(text)
    if len(tokens) < TICKER_MIN_TOKENS:
        return False
    names = [t for t, figure in zip(tokens, figure_flags(tokens), strict=True) if not figure]
    return len(names) <= (1 - TICKER_NUMBER_SHARE) * len(tokens) and all(
        t[:1].isupper() for t in names
    )


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
    return len(MENU_SEPARATORS.findall(" " + text + " ")) >= 2 and len(text.split()) <= 40


def is_headline_like(text: str) -> bool:
    """A short line that does not end a sentence, as headlines and link texts do (a row of a
    results table, mostly figures, is not one)."""
    tokens = text.split()
    low, high = HEADLINE_WORDS
    if not low <= len(tokens) <= high or _SENTENCE_END.search(text.strip()):
        return False
    return sum(figure_flags(tokens)) < 0.3 * len(tokens)


def function_share(tokens: Sequence[str]) -> float:
    """Share of the words that are function words ("the", "of", "said" is not): prose runs
    near 0.45, headlines near 0.15."""
    words = [t.lower().strip(".,;:'\"\u2018\u2019\u201c\u201d()") for t in tokens]
    words = [w for w in words if _LETTERS.search(w)]
    return sum(w in STOP_WORDS for w in words) / len(words) if words else 0.0


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
    return function_share(words) < 0.2 or capitals > 0.6


def chrome_units(texts: Sequence[str]) -> list[bool]:
    """For each unit of one page, in reading order: is it site chrome?"""
    counts: dict[str, int] = {}
    for text in texts:
        counts[text] = counts.get(text, 0) + 1
    flags = [
        is_ticker(t) or is_call_to_action(t) or is_caption(t) or is_menu(t) or counts[t] >= REPEATS
        for t in texts
    ]
    # A run of headline-like units beside a story is a list of other stories (a story's own
    # headline at the top of the page is one line, not a run). A page of nothing but such
    # lines is a list in its own right, and stays.
    has_prose = any(
        not flag and len(t.split()) >= PROSE_WORDS and not is_headline_like(t)
        for t, flag in zip(texts, flags, strict=True)
    )
    if not has_prose:
        return flags
    run: list[int] = []
    for k, text in enumerate([*texts, "."]):  # a sentinel ends the last run
        if k < len(texts) and not flags[k] and is_headline_like(text):
            run.append(k)
            continue
        if len(run) >= HEADLINE_RUN:
            for i in run:
                flags[i] = True
        run = []
    return flags
