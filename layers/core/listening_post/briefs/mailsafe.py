"""Whether an HTML brief is safe to e-mail: no script, no event handler, nothing loaded from another host.

A browser showing the brief from `serve` has the page's Content-Security-Policy; a mail client has none, so
the mailer checks the HTML it is about to send. Rendering escapes every post's text; this is the last line
if a template or a chart ever lets markup through. It reads the HTML with the standard library's parser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

# The brief's links to the neighbouring weeks' files (brief.html.j2, data-nav="file"): relative to the
# brief's folder in the lake, so they lead nowhere once the page is served elsewhere or mailed.
_FILE_NAVIGATION = re.compile(r'<nav [^>]*data-nav="file">.*?</nav>', re.DOTALL)


def without_file_navigation(html: str) -> str:
    return _FILE_NAVIGATION.sub("", html, count=1)


# Elements that run code, embed other documents, or submit and redirect.
_FORBIDDEN = frozenset(
    {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "form", "link", "portal"}
)
# Attributes whose value is fetched when the message is shown (src of img, audio, video, input, ...).
_LOADING = frozenset({"src", "srcset", "poster", "background", "data", "lowsrc", "dynsrc", "action", "formaction"})
_LINKING = frozenset({"href", "xlink:href"})
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_CSS_LOADS = re.compile(r"url\s*\(|@import|expression\s*\(|behavior\s*:|-moz-binding", re.IGNORECASE)


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _FORBIDDEN:
            self.problems.append(f"<{tag}> element")
        if tag == "meta" and any(k == "http-equiv" and (v or "").strip().lower() == "refresh" for k, v in attrs):
            self.problems.append("<meta http-equiv=refresh>")
        self._in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"event handler {name}= on <{tag}>")
            elif name in _LOADING and value.strip() and not value.strip().lower().startswith("data:image/"):
                self.problems.append(f"{name}= on <{tag}> loads {value[:60]!r}")
            elif name in _LINKING and not _harmless_link(value):
                self.problems.append(f"{name}= on <{tag}> links to {value[:60]!r}")
            elif name == "style" and _CSS_LOADS.search(value):
                self.problems.append(f"style= on <{tag}> loads or runs {value[:60]!r}")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style and _CSS_LOADS.search(data):
            self.problems.append("<style> loads or runs " + repr(_CSS_LOADS.search(data)[0]))  # type: ignore[index]


def _harmless_link(value: str) -> bool:
    """A link a reader may follow: http(s) or mailto, a fragment within the message, or a relative path."""
    # Browsers drop tabs and newlines inside URLs and ignore leading spaces: "java\tscript:" is javascript:.
    cleaned = re.sub(r"[\t\n\r]", "", value).strip()
    if cleaned.startswith("#"):
        return True
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return False
    # A relative path (the brief's links to the previous and next week) names no host: it loads nothing.
    if not parts.scheme and not parts.netloc and not cleaned.startswith(("/", "\\")) and ":" not in cleaned:
        return True
    return parts.scheme.lower() in _LINK_SCHEMES


def mail_safety_problems(html: str) -> list[str]:
    """What makes ``html`` unsafe to e-mail, one line each; an empty list when there is nothing."""
    checker = _Checker()
    checker.feed(html)
    checker.close()
    return checker.problems
