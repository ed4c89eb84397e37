"""HTML input: recognise markup and reduce a page to plain text, one paragraph per block."""

from __future__ import annotations

import html as html_lib
import re

_HTML_HINT = re.compile(r"<(?:!doctype|html|body|p|div|br|article|span|h[1-6]|a\s)[\s>/]", re.I)
_DROP_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "form", "nav",
              "footer", "aside", "button", "select", "head", "figcaption")
_BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section",
               "article", "header", "blockquote", "pre", "ul", "ol", "table", "figure",
               "dd", "dt", "hr", "main")
_TAG = re.compile(r"<[^>]*>")
_SCRIPTISH = re.compile(r"<(script|style|noscript|template)\b.*?</\1\s*>", re.I | re.S)


def looks_like_html(text: str) -> bool:
    """Whether the text is (probably) HTML markup rather than plain text."""
    return bool(_HTML_HINT.search(text[:5000]))


def html_to_text(html: str) -> str:
    """Reduce an HTML page to plain text, one paragraph per block, scripts and navigation gone."""
    if not html or not html.strip():
        return ""
    try:
        return _lxml_text(html)
    except Exception:  # malformed markup of any kind: fall back to a regex strip
        return _regex_text(html)


def _lxml_text(html: str) -> str:
    from lxml import etree
    from lxml import html as lxml_html

    root = lxml_html.document_fromstring(html.encode("utf-8", "replace"))
    for element in [*root.iter(*_DROP_TAGS), *root.iter(etree.Comment)]:
        if element.getparent() is not None:
            element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n\n" + (element.tail or "")
        if element.tag in ("br", "hr"):
            continue
        element.text = "\n\n" + (element.text or "")
    text = root.text_content()
    return _tidy(text)


def _regex_text(html: str) -> str:
    text = _SCRIPTISH.sub(" ", html)
    text = re.sub(r"<(?:/?(?:p|div|li|h[1-6]|tr|section|article|blockquote)|br)\b[^>]*>", "\n\n",
                  text, flags=re.I)
    return _tidy(html_lib.unescape(_TAG.sub(" ", text)))


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
