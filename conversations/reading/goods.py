"""The goods a story names: the product in the user's own words, and how many were bought.

A product is a noun phrase ending in a head word (卡, 点券, Q币, gift card, top-up…) with its
brand before it. The phrase starts after the last word that cannot belong to a name (a
buying verb, the shop, a pronoun, an article, a clause's end), without the count, face value
and fillers people put between the verb and the name ("买了两张100元的Steam卡" → "Steam卡",
a count of 2). Of several phrases, the first one bought wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.reading import goods_words as w
from conversations.reading.normalize import Norm
from conversations.reading.numbers import cn_number
from conversations.reading.spans import Span

MAX_NAME_CHARS = 40  # how far before its head word a product's name may begin
MAX_NAME_WORDS = 6


@dataclass(frozen=True)
class Goods:
    """A product as the user wrote it and the count bought; None where the story is silent."""

    product: str | None = None
    quantity: int | None = None


@dataclass(frozen=True)
class _Mention:
    """One product phrase: the pieces of text its name is quoted from, and its count."""

    pieces: tuple[Span, ...]
    rank: int  # 1: after a buying verb · 2: starting a clause or after the shop · 3: other
    count: int | None


def read_goods(
    n: Norm, text: str | None = None, form: dict[str, tuple[Span, Span]] | None = None
) -> Goods:
    """The product and quantity a story names. `text` is n.text with some spans blanked
    (same length); `form` the labelled fields of a form-style paste."""
    text = n.text if text is None else text
    form_count = _form_count(text)
    if form and "product" in form:
        goods = _from_form(n, text, form["product"][1])
        if goods.product:
            return Goods(goods.product, form_count or goods.quantity)
    mention = _best(_mentions(text, 0, len(text)))
    count = mention.count if mention else None
    product = _quote(n, mention) if mention else _headless(n, text)
    return Goods(product, form_count or count or _bare_count(text))


def _headless(n: Norm, text: str) -> str | None:
    """A product named without a head word: a 《title》 topped up, a title-case name bought,
    or a top-up brand with its price."""
    for pattern in (w.TITLE_TOPUP, w.EN_TITLE_BOUGHT, w.BRAND_PRICED):
        m = pattern.search(text)
        if m:
            return n.quote(*m.span("name")).strip()
    return None


def _from_form(n: Norm, text: str, value: Span) -> Goods:
    """The goods in the value of a 商品: / product: field; the value itself, cut before its
    face value or count, when it has no head word."""
    mention = _best(_mentions(text, *value))
    if mention:
        return Goods(_quote(n, mention), mention.count)
    cut = w.FORM_CUT.search(text, *value)
    end = cut.start() if cut else value[1]
    product = n.quote(value[0], end).strip()
    return Goods(product if 2 <= len(product) <= MAX_NAME_CHARS else None, None)


def _best(mentions: list[_Mention]) -> _Mention | None:
    """The first mention of the surest rank."""
    return min(mentions, key=lambda m: m.rank, default=None)


def _quote(n: Norm, mention: _Mention) -> str:
    """The user's characters for a mention's name."""
    return n.quote_spans(list(mention.pieces)).strip()


def _mentions(text: str, lo: int, hi: int) -> list[_Mention]:
    """Every product phrase between lo and hi, in order."""
    found = (_mention(text, head, last, lo) for head, last in _heads(text, lo, hi))
    return [m for m in found if m is not None]


def _heads(text: str, lo: int, hi: int) -> list[tuple[Span, Span]]:
    """Head words with their neighbours joined ("会员"+"月卡", "UC"+"点数卡", "coin card"),
    each with the span of its last word (which says whether it is counted)."""
    out: list[tuple[Span, Span]] = []
    for m in w.HEAD.finditer(text, lo, hi):
        if out and _joined(text, out[-1][0][1], m.start()):
            out[-1] = ((out[-1][0][0], m.end()), m.span())
        else:
            out.append((m.span(), m.span()))
    return out


def _joined(text: str, end: int, start: int) -> bool:
    """Whether two head words make one: touching, or one space after an English one
    ("coin card", "RP 卡")."""
    gap = text[end:start]
    return gap == "" or (gap == " " and text[end - 1].isascii())


def _mention(text: str, head: Span, last: Span, lo: int) -> _Mention | None:
    """The product phrase ending at a head word, or None when it names no product."""
    start, whole = _clause_start(text, head[0], lo)
    # The search runs on past the head, so "3个" sees the "月" of "3个月卡" after it.
    boundary = _last_before(w.BOUNDARY, text, start, head[0])
    name_start = boundary.end() if boundary is not None else start
    name_start = _past_lead(text, name_start, head[0], last)
    lead = _lead_start(text, start, name_start)
    anchor = text[start:lead].rstrip()
    rank = 1 if w.BUY_BEFORE.search(anchor) else 2 if _at_shop(anchor, whole) else 3
    if not _names_product(text, name_start, head, rank):
        return None
    currency = bool(w.CURRENCY_HEAD.fullmatch(text[last[0] : last[1]]))
    count = _lead_count(text, lead, name_start, currency)
    if count is None:
        count = _trail_count(text, head[1], currency)
    return _Mention(_pieces(text, name_start, head), rank, count)


def _lead_token(text: str, pos: int, end: int) -> re.Match[str] | None:
    """The lead token at pos that ends by `end` (looking past `end`, as above)."""
    t = w.LEAD_TOKEN.match(text, pos)
    return t if t and pos < t.end() <= end else None


def _clause_start(text: str, at: int, lo: int) -> tuple[int, bool]:
    """Where the clause holding `at` begins, at most MAX_NAME_CHARS back; and whether that
    is the clause's real start rather than the limit."""
    floor = max(lo, at - MAX_NAME_CHARS)
    start = floor
    punct = _last_before(w.PUNCT_STOP, text, floor, at)
    if punct is not None:
        start = punct.end()
        if text[punct.start()] in w.OPEN_QUOTES:
            return start, True  # inside quotes a space is part of the name
    space = _last_before(w.SPACE_STOP, text, start, at)
    start = space.end() if space is not None else start
    return start, start > floor or floor == lo


def _last_before(pattern: re.Pattern[str], text: str, start: int, end: int) -> re.Match[str] | None:
    """The last match ending by `end` (its lookarounds see past `end`)."""
    last = None
    for m in pattern.finditer(text, start):
        if m.end() > end:
            break
        last = m
    return last


def _at_shop(anchor: str, whole: bool) -> bool:
    """Whether a name stands first in its clause or right after the shop's name."""
    return (whole and not anchor) or bool(w.SHOP_BEFORE.search(anchor))


def _past_lead(text: str, pos: int, end: int, last: Span) -> int:
    """Past the counts, face values and fillers before a name; an amount of in-game money
    with no other name stays ("500 diamonds")."""
    token = None
    while t := _lead_token(text, pos, end):
        token, pos = (token if t.group().isspace() else t), t.end()
    if token is None or pos < end or not token.group("en") or token.group("x"):
        return pos
    return token.start() if w.CURRENCY_HEAD.fullmatch(text[last[0] : last[1]]) else pos


def _lead_start(text: str, start: int, end: int) -> int:
    """The start of the run of lead tokens ("了两张", "a ¥500 ") that ends at `end`."""
    for i in range(start, end):
        if _tokens(text, i, end) is not None:
            return i
    return end


def _tokens(text: str, pos: int, end: int) -> list[dict[str, str | None]] | None:
    """The lead tokens from pos to end, or None when something else stands between."""
    out: list[dict[str, str | None]] = []
    while pos < end:
        t = _lead_token(text, pos, end)
        if not t:
            return None
        out.append(t.groupdict())
        pos = t.end()
    return out


def _names_product(text: str, name_start: int, head: Span, rank: int) -> bool:
    """Whether a phrase names a product: a brand before a generic head ("Steam卡", not
    "新卡" or "a code"); a bare head only when bought ("买的点数卡") or specific ("话费")."""
    name = text[name_start : head[0]].strip().rstrip("的嘅").strip()
    head_word = text[head[0] : head[1]]
    if not name:
        if w.NEEDS_BRAND.fullmatch(head_word):
            return False
        return rank == 1 or bool(w.SPECIFIC_HEAD.fullmatch(head_word))
    if name.lower() in w.GENERIC_NAMES or len(name.split()) > MAX_NAME_WORDS:
        return False
    if w.HEAD.search(name):
        return False  # two phrases run together ("网易一卡通 paid 150 … code")
    return len(name) <= MAX_NAME_CHARS


def _pieces(text: str, name_start: int, head: Span) -> tuple[Span, ...]:
    """The name's spans, leaving out a face value inside it ("Steam ¥20 codes")."""
    pieces: list[Span] = []
    pos = name_start
    for face in w.INNER_FACE.finditer(text, name_start, head[0]):
        pieces.append((pos, face.start()))
        pos = face.end()
    pieces.append((pos, head[1]))
    return tuple((s, e) for s, e in pieces if s < e)


def _lead_count(text: str, lead: int, name_start: int, currency: bool) -> int | None:
    """The count said before a name: "两张", "3 Steam codes"; a number after an article is a
    face value ("a 100 Q coin top-up")."""
    for token in _tokens(text, lead, name_start) or []:
        if token["article"]:
            return None
        if token["count"] and _counted(token["cl"], currency):
            return _number(token["count"])
        if token["en"] and not currency:
            return _number(token["en"])
    return None


def _trail_count(text: str, end: int, currency: bool) -> int | None:
    """The count said right after a product: "2张", "×2", "¥100 两张", "(12 cards)"."""
    m = w.TRAIL_COUNT.match(text, end)
    if not m:
        return None
    if m.group("count") and _counted(m.group("cl"), currency):
        return _number(m.group("count"))
    number = m.group("x") or m.group("en")
    return _number(number) if number and not currency else None


def _counted(classifier: str | None, currency: bool) -> bool:
    """Whether a classifier counts items: "100个" of Q币 is an amount, "两张" always items."""
    return not currency or classifier in ("张", "组")


def _bare_count(text: str) -> int | None:
    """A count said with a buying verb and no name after it ("买了一张", "2 cards ordered")."""
    m = w.BARE_COUNT.search(text)
    return _number(m.group("count") or m.group("en")) if m else None


def _form_count(text: str) -> int | None:
    """A count given as a form field ("数量：1")."""
    m = w.FORM_COUNT.search(text)
    return _number(m.group("count")) if m else None


def _number(word: str) -> int | None:
    """A count in digits, Chinese numerals or English words; None for zero or "几"."""
    value = w.EN_NUMBERS.get(word.lower()) or cn_number(word)
    return value if value else None
