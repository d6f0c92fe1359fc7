"""Telegram's HTML parse mode, as strict as Telegram: entities, UTF-16 lengths and offsets."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tests.fake_telegram.limits import _INT_RE, JSONDict

# --------------------------------------------------------------------------------------------


class HTMLParseError(ValueError):
    """The text is not valid Telegram HTML; ``str(exc)`` is Telegram's reason."""


@dataclass
class ParsedText:
    """Plain text plus MessageEntity dicts (UTF-16 offsets)."""

    text: str
    entities: list[JSONDict]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_slice(text: str, offset: int, length: int) -> str:
    """Substring of ``text`` addressed in UTF-16 code units."""
    raw = text.encode("utf-16-le", "surrogatepass")
    return raw[2 * offset : 2 * (offset + length)].decode("utf-16-le", "replace")


_ALLOWED_TAGS = frozenset(
    {
        "a",
        "b",
        "strong",
        "i",
        "em",
        "s",
        "strike",
        "del",
        "u",
        "ins",
        "tg-spoiler",
        "tg-emoji",
        "span",
        "pre",
        "code",
        "blockquote",
    }
)
_SPACE_BYTES = frozenset(b" \t\r\n\0\v")
_NAMED_ENTITIES = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
_SIMPLE_TAG_TYPES = {
    "i": "italic",
    "em": "italic",
    "b": "bold",
    "strong": "bold",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_AMP, _LT, _GT, _SLASH, _EQ = 0x26, 0x3C, 0x3E, 0x2F, 0x3D


def _is_alpha(c: int) -> bool:
    return 0x41 <= c <= 0x5A or 0x61 <= c <= 0x7A


def _is_digit(c: int) -> bool:
    return 0x30 <= c <= 0x39


def _hex_value(c: int) -> int:
    if _is_digit(c):
        return c - 0x30
    if 0x61 <= c <= 0x66:
        return c - 0x61 + 10
    if 0x41 <= c <= 0x46:
        return c - 0x41 + 10
    return -1


def _decode_html_entity(data: bytes, pos: int) -> tuple[int, int]:
    """Decode the entity at ``data[pos] == '&'``; returns (code point or 0, position after)."""
    size = len(data)

    def at(k: int) -> int:
        return data[k] if k < size else 0

    end = pos + 1
    code = 0
    if at(pos + 1) == ord("#"):
        end += 1
        if at(pos + 2) == ord("x"):
            end += 1
            while _hex_value(at(end)) >= 0:
                code = code * 16 + _hex_value(at(end))
                end += 1
                if code >= 0x10FFFF:
                    return 0, pos
        else:
            while _is_digit(at(end)):
                code = code * 10 + at(end) - 0x30
                end += 1
                if code >= 0x10FFFF:
                    return 0, pos
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return 0, pos
    else:
        while _is_alpha(at(end)):
            end += 1
        code = _NAMED_ENTITIES.get(data[pos + 1 : end], 0)
        if code == 0:
            return 0, pos
    if at(end) == ord(";"):
        end += 1
    return code, end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    out_pos: int


def _checked_link(url: str) -> str | None:
    """Rough equivalent of tdlib's LinkManager::get_checked_link (None: entity dropped)."""
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None
    scheme, sep, _ = url.partition("://")
    if sep:
        return url if scheme.lower() in {"http", "https", "tg", "ton", "ftp"} else None
    return f"http://{url}" if "." in url and ":" not in url else None


def parse_html(source: str, *, strict_ampersand: bool = True) -> ParsedText:
    """Parse Telegram's HTML subset like tdlib does; raise :class:`HTMLParseError` on failure.

    Byte offsets in error messages are UTF-8 byte offsets, entity offsets are UTF-16 units.
    With ``strict_ampersand`` a ``&`` that does not start an entity is rejected (real Telegram
    keeps it as a literal ``&``); this catches text the bot forgot to escape.
    """
    return _Parser(source.encode("utf-8", "surrogatepass"), strict_ampersand).run()


class _Parser:
    """One pass over the UTF-8 bytes: text, character entities, start tags and end tags."""

    def __init__(self, data: bytes, strict_ampersand: bool) -> None:
        self.data, self.size, self.strict = data, len(data), strict_ampersand
        self.out = bytearray()
        self.utf16 = 0
        self.entities: list[JSONDict] = []
        self.stack: list[_OpenTag] = []
        self.i = 0

    def at(self, k: int) -> int:
        return self.data[k] if k < self.size else 0

    def skip_spaces(self) -> None:
        while self.at(self.i) != 0 and self.at(self.i) in _SPACE_BYTES:
            self.i += 1

    def skip_to_space_or_gt(self, *stops: int) -> None:
        while self.at(self.i) not in _SPACE_BYTES and self.at(self.i) not in (_GT, *stops):
            self.i += 1

    def run(self) -> ParsedText:
        while self.i < self.size:
            if self.data[self.i] == _LT:
                self.tag()
            else:
                self.char()
        if self.stack:
            raise HTMLParseError(
                f'Can\'t find end tag corresponding to start tag "{self.stack[-1].name}"'
            )
        try:
            text = self.out.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HTMLParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, check "
                "for unmatched surrogate code units"
            ) from exc
        for entity in self.entities:
            entity.pop("_code_language", None)
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return ParsedText(text, self.entities)

    def char(self) -> None:
        """One byte of text, or a character entity (&amp; &#60; …)."""
        c = self.data[self.i]
        if c == _AMP:
            code, after = _decode_html_entity(self.data, self.i)
            if code:
                self.utf16 += 2 if code > 0xFFFF else 1
                self.out += chr(code).encode("utf-8", "surrogatepass")
                self.i = after
                return
            if self.strict:
                raise HTMLParseError(
                    f'Unescaped "&" at byte offset {self.i} (strict fake; Telegram would keep '
                    "it, but it means the text was not HTML-escaped)"
                )
        if c & 0xC0 != 0x80:
            self.utf16 += 2 if c >= 0xF0 else 1
        self.out.append(c)
        self.i += 1

    def tag(self) -> None:
        begin = self.i
        self.i += 1
        if self.at(self.i) != _SLASH:
            self.start_tag(begin)
        else:
            self.end_tag(begin)
        self.i += 1  # skip '>'

    def start_tag(self, begin: int) -> None:
        self.skip_to_space_or_gt()
        if self.at(self.i) == 0:
            raise HTMLParseError(f"Unclosed start tag at byte offset {begin}")
        tag = self.data[begin + 1 : self.i].lower().decode("utf-8", "replace")
        if tag not in _ALLOWED_TAGS:
            raise HTMLParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument = ""
        while self.at(self.i) != _GT:
            self.skip_spaces()
            if self.at(self.i) == _GT:
                break
            argument = self.attribute(tag, begin, argument)
        if tag == "span" and argument != "spoiler":
            raise HTMLParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        self.stack.append(_OpenTag(tag, argument, self.utf16, len(self.out)))

    def attribute(self, tag: str, begin: int, argument: str) -> str:
        """One attribute of a start tag; the tag's argument as it now stands."""
        attr_begin = self.i
        self.skip_to_space_or_gt(_EQ)
        name = self.data[attr_begin : self.i].decode("utf-8", "replace")
        if not name:
            raise HTMLParseError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
        self.skip_spaces()
        if self.at(self.i) != _EQ:
            if tag == "blockquote" and name == "expandable":
                return "1"
            raise HTMLParseError(
                "Expected equal sign in declaration of an attribute of the tag "
                f'"{tag}" at byte offset {begin}'
            )
        self.i += 1
        self.skip_spaces()
        if self.at(self.i) == 0:
            raise HTMLParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value = self.quoted() if self.at(self.i) in (ord("'"), ord('"')) else self.token()
        if self.at(self.i) == 0:
            raise HTMLParseError(f"Unclosed start tag at byte offset {begin}")
        return _ARGUMENTS.get((tag, name), _keep)(value.decode("utf-8", "replace"), argument)

    def token(self) -> bytes:
        """An unquoted attribute value: letters, digits, dots and dashes."""
        start = self.i
        while _is_alpha(self.at(self.i)) or _is_digit(self.at(self.i)) or (
            self.at(self.i) in (ord("."), ord("-"))
        ):
            self.i += 1
        if self.at(self.i) not in _SPACE_BYTES and self.at(self.i) != _GT:
            raise HTMLParseError(f"Unexpected end of name token at byte offset {start}")
        return self.data[start : self.i].lower()

    def quoted(self) -> bytes:
        """A quoted attribute value, character entities decoded."""
        quote = self.at(self.i)
        self.i += 1
        value = bytearray()
        while self.at(self.i) != quote and self.at(self.i) != 0:
            if self.at(self.i) == _AMP:
                code, after = _decode_html_entity(self.data, self.i)
                if code:
                    value += chr(code).encode("utf-8", "surrogatepass")
                    self.i = after
                    continue
            value.append(self.at(self.i))
            self.i += 1
        if self.at(self.i) == quote:
            self.i += 1
        return bytes(value)

    def end_tag(self, begin: int) -> None:
        if not self.stack:
            raise HTMLParseError(f"Unexpected end tag at byte offset {begin}")
        self.skip_to_space_or_gt()
        end_tag = self.data[begin + 2 : self.i].lower().decode("utf-8", "replace")
        while self.at(self.i) in _SPACE_BYTES and self.at(self.i) != 0:
            self.i += 1
        if self.at(self.i) != _GT:
            raise HTMLParseError(f"Unclosed end tag at byte offset {begin}")
        top = self.stack[-1]
        if end_tag and end_tag != top.name:
            raise HTMLParseError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.name}>", '
                f'found "</{end_tag}>"'
            )
        if self.utf16 > top.utf16_offset:
            _close_entity(top, self.utf16, bytes(self.out), self.entities)
        self.stack.pop()


def _keep(value: str, argument: str) -> str:
    return argument  # an attribute Telegram ignores


def _prefixed(prefix: str) -> Callable[[str, str], str]:
    """An attribute whose value names the argument after a prefix ("language-", "tg-")."""
    return lambda value, argument: value[len(prefix) :] if value.startswith(prefix) else argument


# The attributes that give a tag its argument: the link, the code's language, the spoiler.
_ARGUMENTS: dict[tuple[str, str], Callable[[str, str], str]] = {
    ("a", "href"): lambda value, argument: value,
    ("code", "class"): _prefixed("language-"),
    ("span", "class"): _prefixed("tg-"),
    ("tg-emoji", "emoji-id"): lambda value, argument: value,
}


def _close_entity(top: _OpenTag, utf16: int, out: bytes, entities: list[JSONDict]) -> None:
    """Append the entity for a closed tag (mirrors tdlib, including pre+code merging)."""
    offset, length = top.utf16_offset, utf16 - top.utf16_offset
    if top.name in _SIMPLE_TAG_TYPES:
        entities.append({"type": _SIMPLE_TAG_TYPES[top.name], "offset": offset, "length": length})
        return
    closer = _CLOSERS.get(top.name)
    if closer is not None:
        closer(top, offset, length, out, entities)


def _close_emoji(top: _OpenTag, offset: int, length: int, out: bytes, entities: list[JSONDict]
                 ) -> None:
    if not _INT_RE.match(top.argument) or int(top.argument) <= 0:
        raise HTMLParseError("Invalid custom emoji identifier specified")
    entities.append({"type": "custom_emoji", "offset": offset, "length": length,
                     "custom_emoji_id": top.argument})


def _close_link(top: _OpenTag, offset: int, length: int, out: bytes, entities: list[JSONDict]
                ) -> None:
    url = top.argument or out[top.out_pos :].decode("utf-8", "replace")
    checked = _checked_link(url)
    if checked is not None:
        entities.append({"type": "text_link", "offset": offset, "length": length, "url": checked})


def _same_span(entities: list[JSONDict], kind: str, offset: int, length: int) -> JSONDict | None:
    """The last entity, when it is of `kind` over exactly this span (<pre><code>…)."""
    last = entities[-1] if entities else None
    if last is not None and last["type"] == kind and (last["offset"], last["length"]) == (
        offset, length
    ):
        return last
    return None


def _close_pre(top: _OpenTag, offset: int, length: int, out: bytes, entities: list[JSONDict]
               ) -> None:
    code = _same_span(entities, "code", offset, length)
    if code is None:
        entities.append({"type": "pre", "offset": offset, "length": length})
        return
    code["type"] = "pre"  # <pre><code>..</code></pre>, with its language if it had one
    if code.get("_code_language"):
        code["language"] = code.pop("_code_language")


def _close_code(top: _OpenTag, offset: int, length: int, out: bytes, entities: list[JSONDict]
                ) -> None:
    pre = _same_span(entities, "pre", offset, length)
    if pre is not None and top.argument:
        pre["language"] = top.argument
        return
    entity: JSONDict = {"type": "code", "offset": offset, "length": length}
    if top.argument:
        entity["_code_language"] = top.argument
    entities.append(entity)


def _close_quote(top: _OpenTag, offset: int, length: int, out: bytes, entities: list[JSONDict]
                 ) -> None:
    kind = "expandable_blockquote" if top.argument else "blockquote"
    entities.append({"type": kind, "offset": offset, "length": length})


_CLOSERS: dict[str, Callable[[_OpenTag, int, int, bytes, list[JSONDict]], None]] = {
    "tg-emoji": _close_emoji,
    "a": _close_link,
    "pre": _close_pre,
    "code": _close_code,
    "blockquote": _close_quote,
}


_TRIM_CHARS = " \t\r\n\v\f"


def _trim(parsed: ParsedText) -> ParsedText:
    """Strip leading/trailing whitespace as Telegram does, shifting/clipping entities."""
    left = parsed.text.lstrip(_TRIM_CHARS)
    lead = utf16_len(parsed.text) - utf16_len(left)
    text = left.rstrip(_TRIM_CHARS)
    total = utf16_len(text)
    entities = []
    for entity in parsed.entities:
        start = max(entity["offset"] - lead, 0)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            entities.append({**entity, "offset": start, "length": end - start})
    return ParsedText(text, entities)


def _is_valid_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _to_unix(date: int | float | datetime | None) -> int:
    if date is None:
        return int(time.time())
    if isinstance(date, datetime):
        return int(date.timestamp())
    return int(date)
