"""Article pages and feeds for the ingestion tests, with the clutter real sites carry."""

from __future__ import annotations

from html import escape

STORY = (
    "Russian President Vladimir Putin and Chinese leader Xi Jinping signed a joint statement "
    "in Beijing on Thursday that expands cooperation between Russia and China in energy, "
    "trade and transport.",
    "The agreement covers additional gas deliveries through the Power of Siberia pipeline, "
    "new rail links across the Amur river and payments in national currencies, officials in "
    "Moscow said after the talks.",
    "Analysts say the partnership between Beijing and the Kremlin has deepened steadily since "
    "2014, as both governments face pressure from Western sanctions and export controls.",
    "Trade between the two countries reached a record last year, driven by Russian oil and gas "
    "sales and Chinese exports of cars, machinery and electronics.",
    "The two presidents also discussed the situation on the Korean peninsula and agreed to "
    "hold the next round of talks in Moscow later this year.",
)

CLUTTER_WORDS = (
    "Subscribe to our newsletter",
    "We use cookies",
    "Related articles",
    "Celebrity diet secrets",
    "trackingPixel",
)


def article_page(
    title: str = "Putin and Xi sign energy and trade pact", paragraphs: tuple[str, ...] = STORY
) -> str:
    """A news page: navigation, cookie banner, byline, story, related list, scripts, footer."""
    story = "\n".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8"><title>{escape(title)} | World Wire</title>
<meta property="og:title" content="{escape(title)}">
<meta name="author" content="Anna Petrova">
<meta property="article:published_time" content="2024-05-16T09:30:00Z">
<script>window.trackingPixel = function() {{ return 42; }};</script>
<style>.cookie {{ position: fixed; }}</style>
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World</a></li>
<li><a href="/business">Business</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent"><p>We use cookies to improve your experience.
<button>Accept all</button></p></div>
<main><article>
<h1>{escape(title)}</h1>
<div class="byline">By <a href="/authors/anna">Anna Petrova</a> · 16 May 2024</div>
{story}
</article>
<aside class="related"><h2>Related articles</h2><ul>
<li><a href="/a1">Celebrity diet secrets revealed</a></li>
<li><a href="/a2">Ten gadgets you need this summer</a></li>
<li><a href="/a3">Markets close higher on Friday</a></li></ul></aside>
<div class="newsletter">Subscribe to our newsletter for daily updates</div>
</main>
<footer><p>© 2024 World Wire. All rights reserved.</p><a href="/privacy">Privacy</a></footer>
<script>trackingPixel();</script>
</body></html>"""


def rss(title: str, items: list[dict[str, str]]) -> str:
    """An RSS 2.0 feed; item keys: title, link, guid, description, content, pubDate."""
    parts = []
    for item in items:
        fields = []
        for key in ("title", "link", "guid", "description", "pubDate"):
            if key in item:
                fields.append(f"<{key}>{escape(item[key])}</{key}>")
        if "content" in item:
            fields.append(f"<content:encoded><![CDATA[{item['content']}]]></content:encoded>")
        parts.append("<item>" + "".join(fields) + "</item>")
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>{escape(title)}</title><link>http://example.com/</link>
<description>Test feed</description>
{"".join(parts)}
</channel></rss>"""


def atom(title: str, entries: list[dict[str, str]]) -> str:
    """An Atom feed; entry keys: title, link, id, summary, content, updated."""
    parts = []
    for entry in entries:
        fields = [f'<title type="html">{escape(entry.get("title", ""))}</title>']
        if "link" in entry:
            fields.append(f'<link rel="alternate" href="{escape(entry["link"])}"/>')
        fields.append(f"<id>{escape(entry.get('id', entry.get('link', '')))}</id>")
        fields.append(f"<updated>{entry.get('updated', '2024-05-16T10:00:00Z')}</updated>")
        if "summary" in entry:
            fields.append(f"<summary>{escape(entry['summary'])}</summary>")
        if "content" in entry:
            fields.append(f'<content type="html">{escape(entry["content"])}</content>')
        parts.append("<entry>" + "".join(fields) + "</entry>")
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>{escape(title)}</title>
<id>urn:test:{escape(title)}</id><updated>2024-05-16T10:00:00Z</updated>
{"".join(parts)}
</feed>"""


def long_html(topic: str, sentences: int = 40) -> str:
    """A full story as HTML paragraphs (long enough to be taken from the feed as is)."""
    lines = [
        f"<p>Sentence {n} of the {topic} story explains one more detail of the {topic} "
        f"events for readers who follow the {topic} news closely.</p>"
        for n in range(1, sentences + 1)
    ]
    return "".join(lines)
