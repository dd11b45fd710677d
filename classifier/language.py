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
MIN_FOREIGN_SHARE = 0.12  # such words make up a third of running text; names lists hold a few
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
# The commonest function words of languages often met in news feeds, written for this check.
# Words that are also English ("a", "in", "die", "son", "me") are left out.
FOREIGN = {
    "fr": "le la les de des du une et est dans pour que qui sur pas par avec au aux ce cette il "
    "elle ont sont été être plus mais ou leur nous vous ses",
    "de": "der das und ist nicht mit den dem des ein eine einen sich auf für von zu im auch "
    "dass wird werden wurde oder nach bei aus sind",
    "es": "el los las de del una y es en que por con para se su sus al lo como más pero fue "
    "está ha han este esta entre sobre",
    "pt": "o os as de da das do dos um uma e é em que para com não por se na nas nos ao mais "
    "foi são está pelo pela",
    "id": "yang dan di ke dari ini itu untuk dengan tidak ada akan dalam pada juga oleh "
    "sebagai adalah karena atau bisa mereka telah",
    "it": "il lo gli della delle dei di che è per con non una sono nel nella alla anche "
    "come più ma ha",
    "nl": "de het een en van dat niet met voor zijn op ook aan bij wordt door maar naar hebben",
}
_FOREIGN = {code: frozenset(words.split()) - STOP_WORDS for code, words in FOREIGN.items()}


def detect(text: str) -> Language:
    """'en' for English, 'other' for text in another language or a non-Latin script."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    latin = sum(c.isascii() or "\u00c0" <= c <= "\u024f" for c in letters)
    if latin < 0.5 * len(letters):
        return "other"
    words = [w.lower() for w in _WORD.findall(text)]
    english = sum(w in STOP_WORDS for w in words)
    foreign = max(sum(w in vocabulary for w in words) for vocabulary in _FOREIGN.values())
    if len(words) < MIN_WORDS:
        return "other" if foreign >= 2 and foreign > 2 * english else "en"
    return "other" if foreign > english and foreign >= MIN_FOREIGN_SHARE * len(words) else "en"
