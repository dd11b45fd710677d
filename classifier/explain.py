"""The words behind each tag, as an editor reads them: the text's own words, not stems.

`TopicModel.explain` names the vectorizer's terms ("rate", "central bank"); an editor who
checks a tag wants the words of the article that made it ("rates", "raised rates", "Central
Bank"). Each term is mapped back to the surface words of the text whose stems form it.
"""

import re
from dataclasses import dataclass
from itertools import pairwise

from classifier.model import TopicModel
from classifier.results import ArticleTags
from classifier.text import normalise, stem_of

# The tokenizer's word pattern (classifier/text.py), matched on the text as written so that
# case survives; each match is lower-cased before it is stemmed, as the tokenizer does.
_WORD = re.compile(r"[^\W_]+(?:['.\-][^\W_]+)*")
MAX_FORMS = 4  # surface forms shown per term: enough to recognise it, few enough to read


@dataclass(frozen=True, slots=True)
class Evidence:
    """One term behind a tag: the model's term, its share of the score, the text's words."""

    term: str
    weight: float
    words: tuple[str, ...]


def surface_forms(text: str, terms: list[str]) -> dict[str, tuple[str, ...]]:
    """For each term (a stem, or two stems joined by a space), the words of the text that
    form it, most frequent first; a two-stem term maps to the span from its first word to its
    second, stop words between them included ("Bank of England" for "bank england")."""
    written = _WORD.findall(normalise(text))
    # (position in the text, word as written, stem) of every word that is not a stop word
    kept = [(i, word, stem) for i, word in enumerate(written) if (stem := stem_of(word.lower()))]
    found: dict[str, dict[str, int]] = {term: {} for term in terms}
    for _, word, stem in kept:
        if stem in found:
            _count(found[stem], word)
    for (start, _, first), (end, _, second) in pairwise(kept):
        term = f"{first} {second}"
        if term in found:
            _count(found[term], " ".join(written[start : end + 1]))
    return {term: _best(forms) for term, forms in found.items()}


def _count(forms: dict[str, int], form: str) -> None:
    # Case variants of one word are one form; the first way the text writes it is kept.
    key = next((known for known in forms if known.lower() == form.lower()), form)
    forms[key] = forms.get(key, 0) + 1


def _best(forms: dict[str, int]) -> tuple[str, ...]:
    ranked = sorted(forms, key=lambda form: -forms[form])  # stable: first seen wins ties
    return tuple(ranked[:MAX_FORMS])


def explain_tags(
    model: TopicModel, text: str, result: ArticleTags, top_n: int = 5
) -> dict[str, list[Evidence]]:
    """For each top-level tag of a tagged text, the terms that raised it most, read from the
    paragraphs that voted (boilerplate did not make the tag, so it explains nothing)."""
    voting = "\n\n".join(text[p.start : p.end] for p in result.paragraphs if not p.skipped)
    source = voting or text
    terms = model.explain(source, [tag.label for tag in result.tags], top_n)
    forms = surface_forms(source, sorted({t for pairs in terms.values() for t, _ in pairs}))
    return {
        label: [Evidence(term, weight, forms[term] or (term,)) for term, weight in pairs]
        for label, pairs in terms.items()
    }
