"""What texts quote of the user's facts: the platform's rule, source and clause; a region."""

from __future__ import annotations

import re
from dataclasses import dataclass

from conversations.reading.windows import states_a_window

# 《售后规则》第5条(第2款): the source the user named, then what the clause says.
_RULE = re.compile(
    r"^\s*(《[^》]{1,60}》\s*(?:第\s*[0-9一二三四五六七八九十百零.]{1,8}\s*[条章节款项]"
    r"(?:\s*第\s*[0-9一二三四五六七八九十]{1,4}\s*[款项])?)?)\s*([:：,，]?)\s*(.*?)\s*$",
    re.DOTALL,
)


_QUOTES = "“”\"'‘’「」"


@dataclass(frozen=True)
class Rule:
    """A clause of the platform's own rules, split into where it is and what it says."""

    source: str  # 《虚拟商品售后规则》第5条, or the user's words when they name no 《》
    clause: str  # 卡密失效需在24小时内处理; empty when only the source was given
    named: bool  # the source is a 《》 title
    window: bool = False  # the rule states a time ("24小时内处理"): a text may say it was missed


def split_rule(citation: str | None) -> Rule | None:
    """The rule the user gave, as source and clause, so a text can quote the clause; the
    user's words stay whole unless a colon or comma sets the clause apart."""
    if not citation:
        return None
    m = _RULE.match(citation)
    window = states_a_window(citation)
    if m is None or (m.group(3) and not m.group(2)):
        return Rule(citation.strip(), "", False, window)
    source, clause = m.group(1).strip(), m.group(3).strip()
    if len(clause) >= 2 and clause[0] in _QUOTES and clause[-1] in _QUOTES:
        clause = clause[1:-1].strip()  # quoted once by the text, not twice
    clause = clause.rstrip("。.;；")
    return Rule(source, clause, True, window)


# 浙江省杭州市西湖区…, 北京市朝阳区…, 广西壮族自治区南宁市青秀区…: the 所在地区 of a form.
_REGION = re.compile(
    r"^\s*(?P<province>(?:北京|天津|上海|重庆)市|[^\s省市]{2,3}省|[^\s区]{2,12}?自治区)\s*"
    r"(?P<city>[^\s市]{1,8}?(?:市|自治州|地区|盟))?\s*"
    r"(?P<district>[^\s区县旗市]{1,8}?(?:区|县|旗|市))?"
)


_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")


def region(address: str | None) -> tuple[str, ...] | None:
    """The province, city and district a registered address starts with, for a form's
    所在地区; None unless at least the province and the city (or a municipality's district)
    can be read."""
    m = _REGION.match(address or "")
    if m is None:
        return None
    province, city, district = m.group("province", "city", "district")
    if province in _MUNICIPALITIES:
        # 北京市朝阳区: the city is the municipality itself; what follows is the district.
        district = district or (city if city and city.endswith("区") else None)
        if city and city.endswith("市") and city != province:
            district = district or city
        city = province
    if not city:
        return None
    return tuple(p for p in (province, city, district) if p)
