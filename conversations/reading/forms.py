"""Labelled fields of a form-style paste ("订单号:… 金额:…")."""

from __future__ import annotations

import re

from conversations.reading.spans import Span

# A form-style paste: "订单号:KM-… 金额:¥49.9 商品:… 购买时间:… 问题:… 诉求:…".
_FORM_LABEL = re.compile(
    r"""(?:^|(?<=[\s,，;；|]))
    (?:(?P<order>订单编号|订单号码|订单号|单号|order\s*(?:no\.?|number|id))
      |(?P<amount>实付金额|支付金额|付款金额|订单金额|实付|金额|价格|amount(?:\s+paid)?|price|paid)
      |(?P<product>商品名称|购买商品|商品|产品|product|item)
      |(?P<purchased>购买时间|下单时间|付款时间|支付时间|交易时间|purchase\s*(?:time|date)|purchased(?:\s+at)?
        |order\s*(?:time|date))
      |(?P<platform>购买平台|平台名称|平台|platform)
      |(?P<issue>问题描述|问题|遇到的问题|issue|problem)
      |(?P<demand>我的诉求|处理要求|诉求|要求|demand|request))
    \s*[:：]\s*""",
    re.VERBOSE | re.I,
)


_FORM_KINDS = ("order", "amount", "product", "purchased", "platform", "issue", "demand")


_FORM_VALUE_END = re.compile(r"\s*[，,；;。]*\s*$")


def form_fields(text: str) -> dict[str, tuple[Span, Span]]:
    """Labelled fields of a form-style paste: kind → (label span, value span); two at least."""
    labels = list(_FORM_LABEL.finditer(text))
    if len(labels) < 2:
        return {}
    out: dict[str, tuple[Span, Span]] = {}
    for i, m in enumerate(labels):
        kind = next(k for k in _FORM_KINDS if m.group(k))
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        line_end = text.find("\n", m.end(), end)
        end = line_end if line_end >= 0 else end
        value_end = _FORM_VALUE_END.search(text, m.end(), end)
        value = (m.end(), value_end.start() if value_end else end)
        if kind not in out and value[0] < value[1]:
            out[kind] = ((m.start(), m.end()), value)
    return out


def form_value(text: str, form: dict[str, tuple[Span, Span]], kind: str) -> str | None:
    """The value typed after a form label, or None."""
    if kind not in form:
        return None
    start, end = form[kind][1]
    return text[start:end].strip() or None


def form_order_no(text: str, form: dict[str, tuple[Span, Span]]) -> str | None:
    """The order number typed after 订单号: as it stands, when it is one token with a digit."""
    value = form_value(text, form, "order")
    token = value.split()[0] if value else ""
    return token if _FORM_TOKEN.fullmatch(token) and any(c.isdigit() for c in token) else None


_FORM_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{3,39}")
