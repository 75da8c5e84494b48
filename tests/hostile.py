"""A lake built from hostile posts through the real path, and an HTML safety check with a real HTML parser.

The posts are real recorded platform responses from ../shared/data/payloads (a Bluesky searchPosts body and
the Guardian's RSS feed) whose text fields, links and dates are replaced: the format stays the platform's
own. The configuration's country name and topic label carry markup too. `listening-post import` then
`listening-post summarize` build the brief, as on a laptop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape as html_escape
from pathlib import Path
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape

import html5lib

from listening_post.cli import main

COUNTRY, WEEK = "GB", "2025-W21"  # the Bluesky posts were recorded on Monday 2025-05-19
LINKS_WEEK = "2025-W22"  # the feed's items are moved to the week after: alone there, each is an example
MARKER = "window.__pwned"
# Each one runs script in a page or a mail client that shows it raw.
HOSTILE_TEXTS = [
    f"<script>{MARKER}=1</script> great wonderful news",
    f'<img src=x onerror="{MARKER}=1"> terrible awful news',
    f"<svg onload={MARKER}=1> fine news",
    f'<a href="javascript:{MARKER}=1">click</a> great news',
    f"[click](javascript:{MARKER}=1) awful news",
    '<iframe src="https://evil.example/frame"></iframe> good news',
    f'<div style="background:url(https://evil.example/pixel.png)">bad</div> news {MARKER}',
    f"<details open ontoggle={MARKER}=1> sad news",
]
# Links a feed supplies, shown as each example's "link": only the http(s) one may become a link.
HOSTILE_LINKS = [
    f'https://news.example/a" onmouseover="{MARKER}=1',  # a real link that must not close its attribute
    f" JaVaScRiPt:{MARKER}=1",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX19wd25lZD0xPC9zY3JpcHQ+",
    f"vbscript:{MARKER}=1",
    f"javascript:{MARKER}=1",
]
HOSTILE_CONFIG = f"""version: 1
secrets:
  author_key: {{env: LISTENING_POST_AUTHOR_KEY}}
countries:
  - code: {COUNTRY}
    name: 'Britain <img src=x onerror="{MARKER}=1">'
    languages: [en]
    timezone: Europe/London
analysis:
  min_n: 3
topics:
  - id: hostile
    label: '<script>{MARKER}=1</script> Elections'
    query: 'redistricting OR news'
"""


@dataclass
class HostileLake:
    lake: Path
    config: Path
    out: Path  # the briefs of WEEK (hostile texts)
    links_out: Path  # the briefs of LINKS_WEEK (hostile links)

    def brief(self, name: str, week: str = WEEK) -> str:
        return ((self.out if week == WEEK else self.links_out) / name).read_text(encoding="utf-8")


def build(payloads: Path, root: Path) -> HostileLake:
    """Import the hostile payloads and summarise their week; the briefs are in ``out``. Needs the author key."""
    bluesky = json.loads((payloads / "bluesky/searchPosts_q-redistricting.response.json").read_text())
    for i, post in enumerate(bluesky["posts"]):
        post["record"]["text"] = f"{HOSTILE_TEXTS[i % len(HOSTILE_TEXTS)]} redistricting {i}"
        post["record"].pop("facets", None)  # byte offsets into the old text
        post["likeCount"] = 100 - i  # every hostile text among the most engaged examples
    (root / "bluesky.json").write_text(json.dumps(bluesky))

    rss = (payloads / "rss/rssparser_guardian.TRIMMED5.rss").read_text(encoding="utf-8")
    items = rss.split("<item>")
    for n in range(1, len(items)):
        item = items[n]
        link = xml_escape(HOSTILE_LINKS[(n - 1) % len(HOSTILE_LINKS)])
        item = re.sub(r"<link>[^<]*</link>", f"<link>{link}</link>", item, count=1)
        item = re.sub(r"<guid>[^<]*</guid>", f"<guid>{link}</guid>", item, count=1)
        text = HOSTILE_TEXTS[(n - 1) % len(HOSTILE_TEXTS)]
        item = re.sub(r"<title>[^<]*</title>", f"<title>{xml_escape(text)} news</title>", item, count=1)
        # The description is HTML inside XML: markup escaped in that HTML is text the post shows, and text
        # it must stay (escaped twice here, once for HTML and once for XML).
        item = re.sub(
            r"<description>.*?</description>",
            f"<description>{xml_escape(f'<p>{html_escape(text)} great</p>')}</description>",
            item,
            count=1,
            flags=re.DOTALL,
        )
        item = re.sub(r"<pubDate>[^<]*</pubDate>", f"<pubDate>Tue, 27 May 2025 0{n}:00:00 GMT</pubDate>", item)
        items[n] = item
    (root / "feed.rss").write_text("<item>".join(items), encoding="utf-8")

    config = root / "config.yaml"
    config.write_text(HOSTILE_CONFIG)
    lake, out = root / "lake", root / "out"
    common = ["--country", COUNTRY, "--lake", str(lake), "--config", str(config)]
    assert main(["import", "--source", "bluesky", *common, str(root / "bluesky.json")]) == 0
    assert main(["import", "--source", "rss", *common, str(root / "feed.rss")]) == 0
    assert main(["summarize", *common, "--week", WEEK, "--out", str(out)]) == 0
    assert main(["summarize", *common, "--week", LINKS_WEEK, "--out", str(root / "out-links")]) == 0
    return HostileLake(lake, config, out, root / "out-links")


_LOADING = {"src", "srcset", "poster", "background", "data", "action", "formaction", "lowsrc", "dynsrc"}
_CSS_LOAD = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)
# The brief's links to its neighbouring weeks, built from the ISO week (never from data), beside it on disk.
_WEEK_LINK = re.compile(r"\.\./week=\d{4}-w\d{2}/brief\.html")


def unsafe_parts(html: str, *, same_origin_links: bool = False) -> list[str]:
    """What in ``html`` would run script or load from another host, read by html5lib (the WHATWG parsing
    algorithm browsers follow). <a href> to http(s) is fine; relative links too where ``same_origin_links``."""
    document = html5lib.parse(html, namespaceHTMLElements=False)
    problems = []
    for element in document.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        local = tag.rsplit("}", 1)[-1].lower()
        if local in {"script", "iframe", "object", "embed", "base", "form", "link", "frame"}:
            problems.append(f"<{local}> element")
        if local == "style" and _CSS_LOAD.search(element.text or ""):
            problems.append("<style> loads from elsewhere")
        for name, value in element.attrib.items():
            attr = (name[1] if isinstance(name, tuple) else name).rsplit("}", 1)[-1].lower()
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            if attr.startswith("on"):
                problems.append(f"{attr}= on <{local}>")
            elif attr in _LOADING and not compact.startswith("data:image/"):
                problems.append(f"{attr}={value!r} on <{local}>")
            elif attr == "href":
                scheme = urlsplit(compact).scheme
                relative = not scheme and not compact.startswith("//")
                week_link = _WEEK_LINK.fullmatch(compact) is not None
                if scheme not in ("http", "https") and not (same_origin_links and relative) and not week_link:
                    problems.append(f"href={value!r} on <{local}>")
            elif attr == "style" and _CSS_LOAD.search(value):
                problems.append(f"style={value!r} on <{local}>")
    return problems


def visible_text(html: str) -> str:
    document = html5lib.parse(html, namespaceHTMLElements=False)
    body = document.find("body")
    return "".join(body.itertext()) if body is not None else ""
