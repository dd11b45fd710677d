"""Main text out of pages written for these tests: the story stays, the furniture goes."""

from classifier.extract import main_text

STORY = [
    "Harbour City reached their first national volleyball championship final in eleven years, "
    "coming back from two sets down to beat Northfield 3-2 in front of a sell-out crowd.",
    "The deciding set went to 17-15 after Northfield saved three match points, and the coach "
    "said her team never stopped believing. The final against the champions is on Sunday.",
]
FURNITURE = [
    "Home",
    "Business",
    "Markets live: gold at record",
    "Accept all cookies",
    "Share on WhatsApp",
    "Budget row deepens as ministers clash",
    "Great match, well done girls!",
    "Copyright Harbour Herald",
]


def page(article: str) -> str:
    return f"""<!doctype html><html><head><title>Cup final</title><script>var x=1;</script></head>
<body><nav><a href="/">Home</a> <a href="/business">Business</a></nav>
<div class="ticker">Markets live: gold at record</div>
<div id="cookie-banner"><p>Accept all cookies</p></div>
{article}
<div class="share-bar"><a>Share on WhatsApp</a></div>
<aside class="related-stories"><h3>Related</h3>
<ul><li>Budget row deepens as ministers clash</li></ul></aside>
<section class="comments"><p>Great match, well done girls!</p></section>
<footer><p>Copyright Harbour Herald</p></footer></body></html>"""


def test_a_full_article_page_gives_its_story_only():
    text = main_text(
        page(
            "<article><h1>Harbour City reach the final</h1>"
            + "".join(f"<p>{p}</p>" for p in STORY)
            + "</article>"
        )
    )
    for paragraph in STORY:
        assert paragraph in text
    assert not any(item in text for item in FURNITURE)


def test_a_teaser_too_small_for_the_extractor_falls_back_to_our_rules():
    teaser = STORY[0][:119]
    text = main_text(
        page(f"<div class='teaser'><h2>Harbour City reach the final</h2><p>{teaser}</p></div>")
    )
    assert teaser in text and "Harbour City reach the final" in text
    assert not any(item in text for item in FURNITURE)
    assert text.count("\n\n") >= 1  # blocks stay apart as paragraphs


def test_a_page_without_text_gives_nothing():
    assert main_text("<html><body><script>var a;</script></body></html>") == ""
    assert main_text("not html at all") == "not html at all"
