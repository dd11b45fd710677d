"""Main text from an HTML page, without navigation, boilerplate, related stories and comments.

trafilatura finds the main text of most article pages. On a page too small or too odd for it
(a teaser, a fragment, a live page) it returns little or nothing; then our own rules take over:
the elements that are furniture by name (nav, footer, aside, forms, share bars, comment and
related-story blocks) are dropped and every remaining block becomes a paragraph, so that the
tagger's chrome rules and roll-up see the page's structure.
"""

import re

import lxml.html
import trafilatura
from lxml.etree import ParserError

MIN_EXTRACTED_WORDS = 25  # less than this from trafilatura is "little"
_INVISIBLE = "//script|//style|//noscript|//template|//svg|//iframe"
_FURNITURE_TAGS = "//nav|//footer|//header|//aside|//form|//button|//select|//figcaption"
_FURNITURE_NAMES = re.compile(
    r"(?:^|[-_ ])(?:nav|navbar|menu|footer|header|sidebar|cookie|consent|share|social|"
    r"related|recommended|trending|popular|comments?|newsletter|subscribe|promo|advert|ads?|"
    r"breadcrumbs?|pagination|tags)(?:$|[-_ ])",
    re.IGNORECASE,
)
_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "td", "dd", "dt"}


def main_text(html: str) -> str:
    """The page's main text, paragraphs separated by blank lines as the tagger expects.

    A page with no text at all gives "", which tags as no topic.
    """
    extracted = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    if len(extracted.split()) < MIN_EXTRACTED_WORDS:
        fallback = _blocks_without_furniture(html)
        if len(fallback.split()) > len(extracted.split()):
            return fallback
    return "\n\n".join(line.strip() for line in extracted.splitlines() if line.strip())


def _blocks_without_furniture(html: str) -> str:
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    for element in root.xpath(f"{_INVISIBLE}|{_FURNITURE_TAGS}"):
        element.drop_tree()
    for element in root.xpath("//*[@class or @id or @role]"):
        names = " ".join([element.get("class", ""), element.get("id", ""), element.get("role", "")])
        if element.getparent() is not None and _FURNITURE_NAMES.search(names):
            element.drop_tree()
    paragraphs = []
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            text = " ".join(element.text_content().split())
            if text and not any(
                isinstance(a.tag, str) and a.tag.lower() in _BLOCKS for a in element.iterancestors()
            ):
                paragraphs.append(text)
    if not paragraphs:  # no block markup at all: the visible text, line by line
        paragraphs = [" ".join(t.split()) for t in root.itertext() if t.strip()]
    return "\n\n".join(paragraphs)
