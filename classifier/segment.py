"""The units of a page that get scored: paragraphs, and inside flattened blocks, sentences.

Most pages keep their paragraph breaks, and a paragraph is the unit the model was trained on.
Scrapers often deliver worse: a story's lede and the site around it in one block, with no
break at all. Such a block (or any line over LONG_WORDS) is cut at the tokens that are plainly
chrome (calls to action, ticker stretches, runs of headlinese), and the prose in between is cut
into sentences (NLTK's Punkt, trained on our own training text at `make train`) and regrouped
into paragraph-sized units. Every unit keeps its offsets in the text as given.
"""

import math
import re
from bisect import bisect_right
from collections.abc import Sequence
from typing import NamedTuple

from nltk.tokenize.punkt import _ORTHO_MID_LC as SEEN_LOWERCASE_MID_SENTENCE
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer, PunktTrainer

from classifier.chrome import (
    CALLS_TO_ACTION,
    FIGURE_TOKEN,
    SENTENCE_END,
    TICKER_NUMBER_SHARE,
    WORD_EDGES,
    chrome_units,
    figure_flags,
    function_share,
    headlinese,
    headlinese_tails,
    is_ticker,
    may_call_to_action,
    title_case,
)
from classifier.stopwords import STOP_WORDS
from classifier.text import split_paragraphs

LONG_WORDS = 150  # a line longer than this is never one paragraph of a story
MIXED_WORDS = 30  # a line longer than this is cut up when chrome shows inside it
CHUNK_WORDS = 60  # prose sentences are regrouped into units of about this many words
MIN_CHROME_RUN = 6  # fused headlines before a sentence: at least this many words
TITLE_RUN_WORDS = 12  # a title-case run before prose this long is headlines, not a name
MIN_PROSE_WORDS = 8  # and the sentence they run into: at least this many
UNPUNCTUATED_WORDS = 4  # an unpunctuated stretch this long in a flattened page is headlines
UNPUNCTUATED_RUN = 12  # a long line with an unpunctuated stretch this long is a flattened page
TAIL_WORDS = 3 * UNPUNCTUATED_RUN  # the words at a long line's end whose sentences are looked at
LONG_SENTENCE = 25  # a sentence this long may be headlines fused with its opening
RUN_ON_WORDS = 40  # few prose sentences run this long; headlines fused into one often do
OWN_HEADLINE_WORDS = 12  # of a run of headlines fused into prose, the last words: the story's own
FIRST_SENTENCE = 30  # a paragraph whose first sentence runs longer may open with headlines
SIDE_WORDS = 8  # words looked at before a possible start of prose (and half again after it)
PROSE_SHARE = 0.25  # function words in prose: about 0.45; in headlines: about 0.15
HEADLINE_SHARE = 0.12  # a run of headlines fused to a sentence has hardly any
SHOUTED_SHARE = 0.5  # words in capitals: a few acronyms in headlines, all of them in old wires
LIST_SHARE = 0.1  # words before a comma: one in ten or more is a list (of names), not headlines
TICKER_TOKENS = 6  # tokens looked at together when looking for a stretch of prices
CALL_REACH = 7  # tokens after a call-to-action phrase that belong to it ("for gold prices")
_TOKEN = re.compile(r"\S+")
_FIGURES_IN_WINDOW = math.ceil(TICKER_NUMBER_SHARE * TICKER_TOKENS)


def _close_figures_pattern(figures: int, window: int) -> str:
    """A figure token, then figures - 1 more, with at most window - figures tokens between."""

    def rest(left: int, spare: int) -> str:
        if left == 0:
            return ""
        gaps = (
            rf"(?:\s+\S+){{{gap}}}\s+{FIGURE_TOKEN}{rest(left - 1, spare - gap)}"
            for gap in range(spare + 1)
        )
        return f"(?:{'|'.join(gaps)})"

    return FIGURE_TOKEN + rest(figures - 1, window - figures)


_CLOSE_FIGURES = re.compile(_close_figures_pattern(_FIGURES_IN_WINDOW, TICKER_TOKENS))
# the end of a first sentence, closing marks after the full stop included (chrome.SENTENCE_END)
_FIRST_END = re.compile(r"[.!?][\"'\u2019\u201d)\]}]*(?:\s|$)")


class Unit(NamedTuple):
    """A scored piece of a page, with its offsets; chrome units never vote."""

    start: int
    end: int
    text: str
    chrome: bool


def train_sentence_splitter(texts: Sequence[str], limit_words: int = 400_000) -> PunktParameters:
    """Punkt's abbreviations and collocations learned from our own prose (no download).

    Past `limit_words` an even spread of the texts is taken, so every kind of text is in it
    and training time stays bounded however large the data grows.
    """
    words = sum(text.count(" ") + 1 for text in texts)
    stride = max(1, -(-words // limit_words))  # ceiling division
    trainer = PunktTrainer()
    trainer.train("\n\n".join(texts[::stride]), finalize=False)
    trainer.finalize_training()
    return trainer.get_params()


class Segmenter:
    """Cuts pages into units; one per model, with the sentence parameters it was trained with."""

    def __init__(self, parameters: PunktParameters | None = None):
        parameters = parameters or PunktParameters()
        self._sentences = PunktSentenceTokenizer(parameters)
        # Words the training text also writes in lower case mid-sentence ("students", "the"):
        # capitalised after a headline's last word, they start something new; names do not.
        self._common_words = frozenset(
            word
            for word, seen in parameters.ortho_context.items()
            if seen & SEEN_LOWERCASE_MID_SENTENCE
        )

    def units(self, text: str) -> list[Unit]:
        """The page's units in reading order, chrome flagged."""
        units: list[Unit] = []
        # Asked of the whole page once, since most pages have no furniture inside a line.
        furniture = may_call_to_action(text) or _CLOSE_FIGURES.search(text) is not None
        for block in split_paragraphs(text):
            # Line breaks inside prose are hard wraps; inside a list they part its items.
            lines = (
                [(block.start, block.end)]
                if "\n" not in block.text or function_share(block.text.split()) >= PROSE_SHARE
                else _lines(block.text, block.start)
            )
            for start, end in lines:
                units.extend(self._line_units(text[start:end], start, furniture))
        flags = chrome_units([u.text for u in units])
        return [u._replace(chrome=u.chrome or flag) for u, flag in zip(units, flags, strict=True)]

    def _line_units(self, line: str, offset: int, furniture: bool) -> list[Unit]:
        """A line as one unit, or, when it is a flattened page, its pieces (`furniture`: False
        when the page as a whole surely has none)."""
        words = line.count(" ") + 1
        if words <= MIXED_WORDS:
            return [Unit(offset, offset + len(line), line, False)]
        # Looking token by token costs far more than the page-wide and line-wide checks that
        # say whether there is anything to find.
        searched = furniture and _may_hold_furniture(line)
        tokens = _token_spans(line, 0, len(line)) if searched else []
        chrome = _furniture_tokens(line, tokens) if searched else []
        if not any(chrome):
            if words <= LONG_WORDS or not self._has_unpunctuated_run(line):
                return self._front_trimmed(line, offset)  # a paragraph of prose: one unit
            tokens = tokens or _token_spans(line, 0, len(line))
            chrome = [False] * len(tokens)
        pieces: list[Unit] = []
        for k, j in _runs(chrome):
            start, end = tokens[k][0], tokens[j - 1][1]
            if chrome[k]:
                pieces.append(Unit(offset + start, offset + end, line[start:end], True))
            else:
                pieces.extend(self._stretch(line, start, end, offset))
        return _unfinished_after_lede(pieces)

    def _front_trimmed(self, line: str, offset: int) -> list[Unit]:
        """A paragraph-sized line taken whole, unless a run of headlines is fused to the front
        of its first sentence: then that run is chrome and the rest one unit."""
        whole = [Unit(offset, offset + len(line), line, False)]
        first = _FIRST_END.search(line)
        if first is None or line[: first.end()].count(" ") < FIRST_SENTENCE:
            return whole
        words = [m for m in _TOKEN.finditer(line[: first.end()])]
        cut = _prose_start([m.group() for m in words])
        if cut is None:
            return whole
        head, rest = words[cut - 1].end(), words[cut].start()
        return [
            Unit(offset, offset + head, line[:head], True),
            Unit(offset + rest, offset + len(line), line[rest:], False),
        ]

    def _stretch(self, line: str, start: int, end: int, offset: int) -> list[Unit]:
        """Units of a stretch between furniture: its sentences, with the ones that are really
        fused headlines set apart as chrome, and the prose regrouped into paragraph sizes."""
        units: list[Unit] = []
        prose: list[tuple[int, int]] = []
        for s, e in self._sentences.span_tokenize(line[start:end]):
            s, e = start + s, start + e
            parts = self._run_on_cut(line, _split_headlines(line, s, e, self._common_words))
            for (a, b), is_chrome in _with_own_headline(line, parts):
                if is_chrome:
                    units.extend(self._grouped(line, prose, offset))
                    prose = []
                    units.append(Unit(offset + a, offset + b, line[a:b], True))
                else:
                    prose.append((a, b))
        return units + self._grouped(line, prose, offset)

    def _run_on_cut(
        self, line: str, parts: list[tuple[tuple[int, int], bool]]
    ) -> list[tuple[tuple[int, int], bool]]:
        """Parts of a sentence, with any part of RUN_ON_WORDS or more that no cut made
        prose-sized cut once more: sentence-case headlines without full stops run into a
        story's sentence read like prose to the first cut. Such a run is headlines up to its
        prose tail (chrome), then the tail (prose). With no tail it votes: marking it chrome
        lost more stories than it dropped headlines (3 points of fused-page top-1 on briefs of a
        train fold). Since the story's own headline votes with its prose, 40 words cut more
        of the runs that hide a story than 50 did: fused 0.717 -> 0.726, short lede + chrome
        0.580 -> 0.596 on that fold (15 to 30 words within half a point of 40)."""
        result = []
        for (a, b), is_chrome in parts:
            # counted in C; only the rare long part is tokenised with offsets
            if is_chrome or len(line[a:b].split()) < RUN_ON_WORDS:
                result.append(((a, b), is_chrome))
                continue
            tokens = _token_spans(line, a, b)
            cut = _prose_tail([line[s:e] for s, e in tokens], self._common_words)
            if cut is None:
                result.append(((a, b), False))
            else:
                result += [((a, tokens[cut - 1][1]), True), ((tokens[cut][0], b), False)]
        return result

    def _has_unpunctuated_run(self, line: str) -> bool:
        """Whether some long stretch of the line never ends a sentence: headlines or links
        fused together, as prose never is."""
        last_word = line.rsplit(None, 1)[-1] if line.strip() else ""
        if SENTENCE_END.search(last_word):
            # Only the last sentence can lack an ending (the others end where punctuation
            # ended them), and it has one: no need to find the sentences, which costs most.
            return False
        # Punkt decides each break from the words on either side of it, so the breaks it finds
        # in the line's tail are the line's own: the last sentence is the tail's last, or is
        # longer than the tail when the tail holds no break.
        tail = _tail_start(line, TAIL_WORDS)
        sentences = list(self._sentences.span_tokenize(line[tail:]))
        if tail and len(sentences) == 1:
            return True
        start, end = sentences[-1]
        return len(line[tail + start : tail + end].split()) >= UNPUNCTUATED_RUN

    def _grouped(self, line: str, sentences: list[tuple[int, int]], offset: int) -> list[Unit]:
        """Consecutive prose sentences regrouped into units of about CHUNK_WORDS words."""
        groups: list[list[int]] = []  # [start, end, words] within the line
        for s, e in sentences:
            words = line[s:e].count(" ") + 1
            if groups and groups[-1][2] + words <= CHUNK_WORDS:
                groups[-1][1:] = [e, groups[-1][2] + words]
            else:
                groups.append([s, e, words])
        return [Unit(offset + s, offset + e, line[s:e], False) for s, e, _ in groups]


def _unfinished_after_lede(pieces: list[Unit]) -> list[Unit]:
    """The pieces of a flattened line with every voting piece after the lede that ends no
    sentence made chrome. The lede (the first voting pieces, up to the first chrome) may be cut
    short by a feed; a later piece that stops mid-sentence is a piece of other stories'
    headlines that a call to action or a ticker cut apart, and a few of them outvoted the
    story. On briefs of a train fold: fused pages 0.726 -> 0.732, a short lede + chrome 0.596
    -> 0.626. Only pieces that read as headlines (few function words) gained half as much; the
    lede too lost 5 and 8 points.
    """
    result, lede_seen, lede_over = [], False, False
    for piece in pieces:
        if piece.chrome:
            lede_over = lede_seen
        elif lede_over and not SENTENCE_END.search(piece.text):
            piece = piece._replace(chrome=True)
        lede_seen = lede_seen or not piece.chrome
        result.append(piece)
    return result


def _reads_as_prose(words: list[str]) -> bool:
    """Enough function words for prose, and not title case: title-case "To", "Of" and "In"
    are headlines' words too."""
    return function_share(words) >= PROSE_SHARE and not title_case(words)


def _token_spans(line: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) offsets in `line` of the words of line[start:end]."""
    return [m.span() for m in _TOKEN.finditer(line, start, end)]


def _with_own_headline(
    line: str, parts: list[tuple[tuple[int, int], bool]]
) -> list[tuple[tuple[int, int], bool]]:
    """Parts of a sentence with the last OWN_HEADLINE_WORDS words of a run of headlines given to
    the prose that follows it. Where headlines run straight into a story, the last of them is
    most often the story's own, and it names the topic better than the lede does: on briefs of a
    train fold, fused pages 0.654 -> 0.717 and a short lede + chrome 0.503 -> 0.580 (9 to 20
    words all within 1.5 points of that, 6 words 2-3 points below). A run no longer than that
    stays chrome whole: given to the prose, it cost 1 to 1.5 points."""
    result = list(parts)
    for k in range(len(result) - 1):
        ((a, b), chrome), ((_, end), next_chrome) = result[k], result[k + 1]
        if not chrome or next_chrome:
            continue
        tokens = _token_spans(line, a, b)
        if len(tokens) > OWN_HEADLINE_WORDS:
            cut = len(tokens) - OWN_HEADLINE_WORDS
            result[k] = ((a, tokens[cut - 1][1]), True)
            result[k + 1] = ((tokens[cut][0], end), False)
    return result


def _split_headlines(
    line: str, start: int, end: int, common_words: frozenset[str] = frozenset()
) -> list[tuple[tuple[int, int], bool]]:
    """A sentence of a flattened page, as (span, is chrome) parts.

    Prose sentences end with a full stop, a question or an exclamation mark, and read like
    prose; a run of fused headlines or links does not. Where headlines run straight into a
    sentence, the headlines are the words before the point where prose begins: into the first
    sentence of a stretch, or into a later one when the last headline before them happened to
    end with a full stop or a question mark. A lede cut short at a word limit may sit between
    two runs of headlines with no full stop anywhere: its prose is kept, both runs are not.
    """
    tokens = _token_spans(line, start, end)
    words = [line[a:b] for a, b in tokens]
    if not words:
        return []
    if not SENTENCE_END.search(words[-1]):
        cut = _prose_end(words)
        if cut is not None:
            return [((start, tokens[cut - 1][1]), False), ((tokens[cut][0], end), True)]
        # headlines, then a lede cut short, then maybe more headlines
        opening = _prose_start(words, title_case_runs=True)
        if opening is None:
            starts = range(MIN_CHROME_RUN, len(words) - MIN_PROSE_WORDS + 1)
            opening = next((k for k in starts if _opens_prose(words, k, common_words)), None)
        if opening is None:
            # a lede cut short with no headlines after it reads as prose throughout: keeping it
            # gave a short lede + chrome 0.626 -> 0.652 on briefs of a train fold (fused -0.1)
            return [((start, end), len(words) >= UNPUNCTUATED_WORDS and not _reads_as_prose(words))]
        head = ((start, tokens[opening - 1][1]), True)
        rest = _split_headlines(line, tokens[opening][0], end, common_words)
        return [head, *rest]
    if len(words) < LONG_SENTENCE:  # a punctuated headline ("... 'This Is Us'?") or prose
        return [((start, end), len(words) >= UNPUNCTUATED_WORDS and title_case(words))]
    cut = _prose_start(words, title_case_runs=True)
    if cut is None:  # prose; or headlines fused until one of them ended a sentence
        return [((start, end), _title_case_headlines(words))]
    return [((start, tokens[cut - 1][1]), True), ((tokens[cut][0], end), False)]


def _prose_start(words: list[str], *, title_case_runs: bool = False) -> int | None:
    """Where a sentence that opens with fused headlines turns into prose, if it does: the
    first capitalised word after which the next words read as prose while the words before
    it read as headlines (looked at a few words either side). With `title_case_runs`, on a
    page that shows site furniture, a long title-case run counts as headlines too; a
    paragraph-sized line without furniture is more often one story's own headline and lede.
    """
    for k in range(MIN_CHROME_RUN, len(words) - MIN_PROSE_WORDS + 1):
        if not words[k][:1].isupper():
            continue
        # the whole run before must read as headlines: few function words, and no clause
        # breaks unless in title case ("Report: Star Quits Show, Fans Stunned")
        if any(w.endswith((",", ";", ":")) for w in words[:k]) and not title_case(words[:k]):
            return None
        before, after = words[max(0, k - SIDE_WORDS) : k], words[k : k + 3 * SIDE_WORDS // 2]
        if (
            (
                function_share(words[:k]) < HEADLINE_SHARE
                or (title_case_runs and _title_case_run(words[:k]))
            )
            and headlinese(before)
            and _reads_as_prose(after)
        ):
            return k
    return None


def _prose_tail(words: list[str], common_words: frozenset[str]) -> int | None:
    """Where the prose at the end of a run-on sentence begins, if it does: the last word that
    opens prose (`_opens_prose`) far enough from the end to start a sentence."""
    starts = range(len(words) - MIN_PROSE_WORDS, MIN_CHROME_RUN - 1, -1)
    return next((k for k in starts if _opens_prose(words, k, common_words)), None)


def _opens_prose(words: list[str], k: int, common_words: frozenset[str]) -> bool:
    """Whether prose begins at word k of a run of fused headlines: the word is capitalised
    although the training text writes it in lower case too ("Students", "The"), follows no
    clause break and no name it could belong to ("Maryland county Students", not "Maryland
    State"), and the words from it read as prose."""
    word, previous = words[k], words[k - 1]
    bare = word.strip(WORD_EDGES).lower()
    if (
        not word[:1].isupper()
        or bare not in common_words
        or previous.endswith((",", ";", ":"))
        or (previous[:1].isupper() and bare not in STOP_WORDS)
    ):
        return False
    after = words[k : k + 3 * SIDE_WORDS // 2]
    return _reads_as_prose(after)


def _prose_end(words: list[str]) -> int | None:
    """Where a sentence cut short (a truncated lede, with no full stop) runs into headlines, if
    it does: the first capitalised word after some prose from which the rest of the sentence
    reads as headlines. None when the sentence does not open as prose, as runs of headlines
    do not."""
    opening = words[:MIN_PROSE_WORDS]
    if len(opening) < MIN_PROSE_WORDS or not _reads_as_prose(opening):
        return None
    tails = headlinese_tails(words)
    for k in range(MIN_PROSE_WORDS, len(words) - MIN_CHROME_RUN + 1):
        if not words[k][:1].isupper():
            continue
        before = words[max(0, k - SIDE_WORDS) : k]
        if function_share(before) >= PROSE_SHARE and tails[k]:
            return k
    return None


def _title_case_headlines(words: list[str]) -> bool:
    """A long sentence in title case: headlines, unless shouted (old wire copy in capitals) or
    a list of names (a team's line-up, with a comma after nearly every name)."""
    shouted = sum(w.isupper() for w in words)
    listed = sum(w.endswith((",", ";")) for w in words)
    return (
        title_case(words)
        and shouted < SHOUTED_SHARE * len(words)
        and listed < LIST_SHARE * len(words)
    )


def _title_case_run(words: list[str]) -> bool:
    """Several headlines in title case, whose capitalised "To", "Of" and "In" look like the
    function words of prose to a count of function words; the run ends where they do, on a
    word that is not lower case, never a few words into the prose."""
    return len(words) >= TITLE_RUN_WORDS and not words[-1][:1].islower() and title_case(words)


def _lines(text: str, offset: int) -> list[tuple[int, int]]:
    """Offsets of the non-blank lines of a block."""
    spans, start = [], 0
    for piece in text.split("\n"):
        stripped = piece.strip()
        if stripped:
            begin = start + len(piece) - len(piece.lstrip())
            spans.append((offset + begin, offset + begin + len(stripped)))
        start += len(piece) + 1
    return spans


def _tail_start(line: str, words: int) -> int:
    """Offset of the last `words` words of a line (0 when it has no more)."""
    pieces = line.rsplit(None, words)  # the head, then the last `words` words
    if len(pieces) <= words:
        return 0
    rest = line[len(pieces[0]) :]
    return len(line) - len(rest.lstrip())


def _may_hold_furniture(line: str) -> bool:
    """Whether a line has a call to action, or figures close enough together to make a
    ticker stretch: if not, _furniture_tokens would find nothing, and it costs far more."""
    if may_call_to_action(line) and CALLS_TO_ACTION.search(line) is not None:
        return True
    return _CLOSE_FIGURES.search(line) is not None


def _furniture_tokens(line: str, tokens: list[tuple[int, int]]) -> list[bool]:
    """Tokens of a flattened line that are calls to action or stretches of prices."""
    words = [line[s:e] for s, e in tokens]
    ends = [e for _, e in tokens]
    chrome = [False] * len(tokens)
    for match in CALLS_TO_ACTION.finditer(line):
        k = bisect_right(ends, match.start())  # the first token that ends after it starts
        while k < len(tokens) and tokens[k][0] < match.end():  # the phrase itself
            chrome[k] = True
            k += 1
        for _ in range(CALL_REACH):  # and what it points at: "for the latest gold prices"
            if k >= len(tokens) or words[k][:1].isupper():
                break
            chrome[k] = True
            if SENTENCE_END.search(words[k]):
                break
            k += 1
    figures = [*figure_flags(words), False]
    # A window can only be a ticker when figures make up its share of it: count them as the
    # window slides, and look closer only there (prose seldom gets that far).
    in_window = sum(figures[:TICKER_TOKENS])
    for k in range(len(words) - TICKER_TOKENS + 1):
        if k:
            in_window += figures[k + TICKER_TOKENS - 1] - figures[k - 1]
        if in_window < TICKER_NUMBER_SHARE * TICKER_TOKENS:
            continue
        if is_ticker(" ".join(words[k : k + TICKER_TOKENS])):
            # the figures, and the names that stand right before one ("Sensex 81,234")
            for i in range(k, k + TICKER_TOKENS):
                chrome[i] = chrome[i] or figures[i] or figures[i + 1]
    return chrome


def _runs(flags: list[bool]) -> list[tuple[int, int]]:
    """(start, end) of each run of equal flags."""
    runs, k = [], 0
    while k < len(flags):
        j = k
        while j < len(flags) and flags[j] == flags[k]:
            j += 1
        runs.append((k, j))
        k = j
    return runs
