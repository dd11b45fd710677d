"""Is a text English? A light check with no download: function words and writing systems.

The model is English-only; a French story about pensions scored by English features gets a
confident wrong tag. The commonest short words of a language make up a third or more of any
running text in it, so counting them tells English from the languages news arrives in most
often; a text mostly in a non-Latin script is not English either.
"""

import re
from typing import Literal

from classifier.stopwords import STOP_WORDS

Language = Literal["en", "other"]
MIN_WORDS = 10  # below this a text may be a headline with no function words at all
SAMPLE_CHARS = 800  # about 130 words: dozens of function words in any language
MIN_FOREIGN_SHARE = 0.12  # such words make up a third of running text; names lists hold a few
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")
_NON_LATIN_LETTER = re.compile(r"[^\W\d_A-Za-z\u00c0-\u024f]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The commonest function words of languages often met in news feeds, written for this check.
# Words that are also English ("a", "in", "die", "son", "me") are left out, and so are
# French "est" and Spanish "y", which English tables write for "estimate" and "y/y".
FOREIGN = {
    "fr": "le la les de des du une et dans pour que qui sur pas par avec au aux ce cette il "
    "elle ont sont été être plus mais ou leur nous vous ses",
    "de": "der das und ist nicht mit den dem des ein eine einen sich auf für von zu im auch "
    "dass wird werden wurde oder nach bei aus sind",
    "es": "el los las de del una es en que por con para se su sus al lo como más pero fue "
    "está ha han este esta entre sobre",
    "pt": "o os as de da das do dos um uma e é em que para com não por se na nas nos ao mais "
    "foi são está pelo pela",
    "id": "yang dan di ke dari ini itu untuk dengan tidak ada akan dalam pada juga oleh "
    "sebagai adalah karena atau bisa mereka telah",
    "it": "il lo gli della delle dei di che è con non una sono nel nella alla anche più ma ha",
    "nl": "de het een en van dat niet met voor zijn op ook aan bij wordt door maar naar hebben",
}
_FOREIGN = {code: frozenset(words.split()) - STOP_WORDS for code, words in FOREIGN.items()}
_ANY_FOREIGN = frozenset().union(*_FOREIGN.values())
# Words that join the parts of Spanish, Portuguese, French and Italian names ("Paseo de la
# Reforma", "Alianza por el Cambio", "Rio de Janeiro"), which English news about those places
# keeps as they are.
_JOINER_WORDS = "de del el la las los da das do dos di du des le y e por"
NAME_JOINERS = frozenset(_JOINER_WORDS.split())
NAME_JOINER_RUN = 2  # "de la", "de los": longer runs of them are sentences, not names


def _without_name_joiners(words: list[str]) -> list[str]:
    """The words, less joiners that stand between two capitalised words: parts of a name.

    Run only when a text looks foreign, so English text pays nothing for it.
    """
    kept: list[str] = []
    run: list[str] = []
    for word in words:
        if word in NAME_JOINERS:
            run.append(word)
            continue
        inside_name = (
            0 < len(run) <= NAME_JOINER_RUN
            and kept
            and kept[-1][:1].isupper()
            and word[:1].isupper()
        )
        if not inside_name:
            kept.extend(run)
        run = []
        kept.append(word)
    kept.extend(run)
    return kept


def detect(text: str) -> Language:
    """'en' for English, 'other' for text in another language or a non-Latin script."""
    # The opening of a long text tells its language as well as the whole, at a bounded cost.
    text = text[:SAMPLE_CHARS]
    # Plain ASCII is Latin script, and so is text with no letter outside it: no count needed.
    if not text.isascii() and _NON_LATIN_LETTER.search(text):
        letters = len(_LETTER.findall(text))
        if len(_LATIN_LETTER.findall(text)) < 0.5 * letters:
            return "other"
    words = _WORD.findall(text)
    # map keeps the per-word work in C: this runs on every document served.
    english = sum(map(STOP_WORDS.__contains__, map(str.lower, words)))
    # Only lower-case words count as foreign: capitalised ones are mostly names ("Los Angeles",
    # "De Beers", "Le Mans"), which an English results table or rate list repeats. The
    # vocabularies hold lower-case words only, so looking a word up as written does that.
    foreign = sum(map(_ANY_FOREIGN.__contains__, words))
    if foreign and foreign > english:  # else no one language can outnumber English
        # the text's length stays that of every word: only the count of foreign ones drops
        unnamed = _without_name_joiners(words)
        foreign = max(
            sum(map(vocabulary.__contains__, unnamed)) for vocabulary in _FOREIGN.values()
        )
    if len(words) < MIN_WORDS:
        return "other" if foreign >= 2 and foreign > 2 * english else "en"
    return "other" if foreign > english and foreign >= MIN_FOREIGN_SHARE * len(words) else "en"
