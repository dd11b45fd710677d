"""Main text from an HTML page, without navigation, boilerplate and comments."""

import lxml.html
import trafilatura
from lxml.etree import ParserError


def main_text(html: str) -> str:
    """The page's main text, paragraphs separated by blank lines as the tagger expects.

    Pages too small for the main-text extractor (a fragment, a teaser) fall back to all their
    visible text; a page with no text at all gives "", which tags as no topic.
    """
    text = trafilatura.extract(html, include_comments=False, include_tables=False) or _visible_text(
        html
    )
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _visible_text(html: str) -> str:
    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    for invisible in root.xpath("//script|//style|//noscript|//template"):
        invisible.drop_tree()
    return "\n".join(part.strip() for part in root.itertext() if part.strip())
