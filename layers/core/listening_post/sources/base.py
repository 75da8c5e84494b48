"""What every source adapter returns, and the helpers they share for reading payloads."""

from __future__ import annotations

import codecs
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from listening_post.parsed import ParsedPost


class PayloadError(ValueError):
    """The whole payload is unusable (not JSON, an HTML error page, a plain-text error)."""


class RecordError(ValueError):
    """One record of a payload is unusable; the rest of the page is kept."""


# What one malformed record can raise inside a parser: a field of the wrong type or shape as much as a
# missing one. Caught per record, so the record goes to quarantine and the rest of the page is kept.
MALFORMED = (RecordError, TypeError, ValueError, KeyError, IndexError, AttributeError)


def parse_guarded(parse: Callable[[bytes], Page], body: bytes) -> Page:
    """Run a parser; whatever a response's shape makes it raise becomes a PayloadError with the reason.

    Parsers catch malformed records one by one; this is the net under the page-level code, so that no
    response can crash an import or a collection run.
    """
    try:
        page = parse(body)
    except PayloadError:
        raise
    except (*MALFORMED, UnicodeError, RecursionError) as exc:
        raise PayloadError(f"malformed response ({type(exc).__name__}: {exc})") from None
    if page.replaced_characters is None:
        # The JSON platforms declare UTF-8 (RFC 8259): what load_json replaced, counted the same way.
        page.replaced_characters = decode_body(body, "utf-8").replaced if isinstance(body, bytes) else 0
    return page


def reason_of(exc: BaseException) -> str:
    if isinstance(exc, RecordError):
        return str(exc)
    return f"malformed record ({type(exc).__name__}: {exc})"


@dataclass(slots=True)
class Reject:
    """A record that could not be parsed: it goes to quarantine with the reason."""

    reason: str
    record: Any
    index: int | None = None
    author_native: str | None = None  # who wrote it, when known: quarantine keeps only its pseudonym
    # The platform the author belongs to when it is not the payload's (a capture export's posts are tiktok,
    # instagram...): the pseudonym must be the one erasure computes for that platform.
    author_source: str | None = None


@dataclass(slots=True)
class Page:
    """The posts of one API response, the records that failed, and where the next page starts."""

    posts: list[ParsedPost] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)
    next_cursor: str | None = None
    # Records that are no post: deleted or removed by the author or a moderator (Reddit's "[deleted]"),
    # blocked or not found. Counted, never stored, never quarantined: they carry no opinion.
    withdrawn: int = 0
    # Invalid byte sequences of the payload replaced with U+FFFD when decoding it (:func:`decode_body`);
    # None until counted (parse_guarded counts for parsers that do not).
    replaced_characters: int | None = None


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # before any platform we read; 1970 means a zeroed clock
MAX_SKEW = timedelta(days=1)  # clocks and time zones drift; a day ahead is a bug, not a post


def screen_times(page: Page, now: datetime) -> Page:
    """Move posts dated in the future or before 2000 to the rejects: they would land in the wrong
    partitions and skew a week's figures. The reject names the post, never its author."""
    kept: list[ParsedPost] = []
    for post in page.posts:
        if post.created_at > now + MAX_SKEW:
            reason = f"created_at {post.created_at.isoformat()} is in the future"
        elif post.created_at < EARLIEST:
            reason = f"created_at {post.created_at.isoformat()} is before {EARLIEST.year}"
        else:
            kept.append(post)
            continue
        # An id that names the author is left out: quarantine holds no identity (the pseudonym is added
        # from author_native, so that erasure finds the record).
        post_id = None if post.id_names_author else post.post_id
        page.rejects.append(
            Reject(reason, {"post_id": post_id, "url": post.url}, None, post.author_native, post.source)
        )
    page.posts = kept
    return page


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: int  # invalid byte sequences replaced with U+FFFD


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"))
_BOMS16 = ((codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Labels the web reads as windows-1252 (WHATWG Encoding): their bytes 0x80-0x9F are curly quotes and
# dashes in real feeds, not C1 control characters.
_WINDOWS_1252 = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "us-ascii", "ascii", "cp1252"})
WINDOWS_1252 = "windows-1252"
# Labels whose real-world bytes are those of a superset (WHATWG Encoding): Chinese feeds declared GB2312
# hold GBK characters, Korean ones declared EUC-KR hold UHC ones, Thai TIS-620 ones windows-874 ones.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-kr": "cp949", "tis-620": "cp874"}


def bom_encoding(body: bytes) -> str | None:
    for bom, name in _BOMS:  # UTF-32 LE before UTF-16 LE: its BOM starts with UTF-16 LE's
        if body.startswith(bom):
            return name
    for bom, name in _BOMS16:
        if body.startswith(bom):
            return name
    return None


def codec_name(label: str) -> str | None:
    """Python's codec for an encoding label (``ISO-8859-1`` reads as windows-1252); None when unknown."""
    label = label.strip().lower().replace("_", "-")
    if label in _WINDOWS_1252:
        return WINDOWS_1252
    if label in _SUPERSETS:
        return _SUPERSETS[label]
    try:
        return codecs.lookup(label).name
    except (LookupError, ValueError):  # ValueError: a label holding a NUL byte (damaged declarations)
        return None


def decode_body(body: bytes, declared: str | None = None) -> Decoded:
    """The one decoding rule of every source: a byte order mark wins, then the declared encoding (the
    format's, e.g. UTF-8 for JSON, or the document's own declaration), each read with only the invalid
    byte sequences replaced (U+FFFD) and counted. With nothing declared: UTF-8 when the bytes are valid
    UTF-8, else windows-1252 (the web's default) unless that reads as noise, then the detector's guess
    (charset-normalizer): real feeds in KOI8-R, TIS-620 or Shift_JIS come without a declaration.
    """
    encoding = bom_encoding(body) or (codec_name(declared) if declared else None)
    if encoding is None:
        try:
            return Decoded(body.decode("utf-8"), "utf-8", 0)
        except UnicodeDecodeError:
            encoding = _guess(body)
    if encoding in ("utf-8", "utf-8-sig") and body.isascii():
        return Decoded(body.decode("ascii"), encoding, 0)
    text = body.decode(encoding, errors="replace")
    replaced = text.count("\ufffd")
    if replaced:  # a U+FFFD the sender wrote is no replacement of ours
        replaced -= _written_replacements(body, encoding)
    return Decoded(text, encoding, max(0, replaced))


def _written_replacements(body: bytes, encoding: str) -> int:
    """How many U+FFFD the bytes hold as such (none in single-byte code pages, which cannot write it)."""
    if encoding in ("utf-16", "utf-32"):  # endianness from the BOM
        encoding += "-le" if body[:2] == codecs.BOM_UTF16_LE else "-be"
    try:
        mark = "\ufffd".encode(encoding.removesuffix("-sig"))
    except UnicodeEncodeError:
        return 0
    return body.count(mark)


def _guess(body: bytes) -> str:
    import charset_normalizer  # only for undeclared bytes that are not UTF-8: rare

    results = charset_normalizer.from_bytes(body)
    if not results:
        return WINDOWS_1252
    least = min(r.chaos for r in results)
    calm = [r.encoding for r in results if r.chaos == least]
    # Short Latin text reads "calm" in several code pages: the web's default wins among them.
    best = "cp1252" if "cp1252" in calm else str(results.best().encoding)  # type: ignore[union-attr]
    return codec_name(best) or best


def load_json(payload: bytes | str) -> Any:
    """Decode a JSON response, saying plainly what came instead when it is not JSON."""
    text = decode_body(payload, "utf-8").text if isinstance(payload, bytes) else payload
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped:
        raise PayloadError("empty response body")
    if stripped[:1] == "<":
        kind = "an HTML page" if stripped[:15].lower().startswith(("<!doctype html", "<html")) else "XML/HTML"
        raise PayloadError(f"expected JSON but got {kind}: {_excerpt(stripped)}")
    try:
        return json.loads(stripped)
    except json.JSONDecodeError as exc:
        if stripped[:1] not in "[{":
            raise PayloadError(f"expected JSON but got text: {_excerpt(stripped)}") from None
        raise PayloadError(f"invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


def _excerpt(text: str, limit: int = 120) -> str:
    text = " ".join(text.split())
    return repr(text[:limit] + ("…" if len(text) > limit else ""))


def parse_timestamp(value: Any, *, field_name: str = "created_at") -> datetime:
    """An ISO 8601 string or epoch seconds as an aware UTC datetime; RecordError otherwise."""
    if isinstance(value, bool) or value is None or value == "":
        raise RecordError(f"missing {field_name}")
    try:
        if isinstance(value, int | float):
            return datetime.fromtimestamp(float(value), tz=UTC)
        if isinstance(value, str):
            parsed = datetime.fromisoformat(value.strip().replace("z", "Z"))
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=UTC)  # the platforms that omit an offset mean UTC
            return parsed.astimezone(UTC)
    except (ValueError, OverflowError, OSError):
        pass
    raise RecordError(f"unreadable {field_name} {value!r}")


def optional_int(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def require_str(record: dict[str, Any], key: str) -> str:
    value = record.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str) or not value:
        raise RecordError(f"missing {key}" if value in (None, "") else f"{key} is not a string")
    return value


def as_dict(value: Any) -> dict[str, Any]:
    """``value`` when it is a JSON object, else an empty one: for optional nested objects."""
    return value if isinstance(value, dict) else {}


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def describe(data: Any) -> str:
    """What a decoded response looks like, for a message naming a shape that is not supported."""
    if isinstance(data, dict):
        keys = ", ".join(repr(k) for k in list(data)[:8]) + (", …" if len(data) > 8 else "")
        return f"a JSON object with keys {keys}" if data else "an empty JSON object"
    if isinstance(data, list):
        if not data:
            return "an empty JSON list"
        first = data[0]
        return f"a JSON list of {len(data)} items, the first {describe(first)}"
    return "a JSON " + _JSON_NAMES.get(type(data).__name__, type(data).__name__)


_JSON_NAMES = {"str": "string", "int": "number", "float": "number", "bool": "boolean", "NoneType": "null"}
