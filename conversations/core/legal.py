"""The vetted legal citations a text may carry, each with its source, and which fit a case.

Only articles checked against the statutes' text are here (../shared/PRODUCT.md, "Facts the
texts and deadlines rest on"). A text cites at most two, and never an article not listed:
a test renders every text and checks each 《…法》第N条 it finds against this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from conversations.core.model import IssueType


class Citation(StrEnum):
    """An article a text may cite; the value keys its words in the labels ("law.<value>")."""

    CPL_24 = "cpl_24"  # 消费者权益保护法 第24条
    CPL_25 = "cpl_25"  # 消费者权益保护法 第25条
    CPL_46 = "cpl_46"  # 消费者权益保护法 第46条
    CPL_53 = "cpl_53"  # 消费者权益保护法 第53条
    ECL_20 = "ecl_20"  # 电子商务法 第20条
    ECL_62 = "ecl_62"  # 电子商务法 第62条


@dataclass(frozen=True)
class Article:
    """A law's article: its name as the texts write it, its number, and where it was read."""

    law: str
    number: int
    gist: str  # what it says, for the maintainers (the texts' words live in the labels)
    source: str


_CPL = "中华人民共和国消费者权益保护法"
_CPL_SOURCE = "国家法律法规数据库 flk.npc.gov.cn, 消费者权益保护法 (2013 revision)"
_ECL = "中华人民共和国电子商务法"
_ECL_SOURCE = "国家法律法规数据库 flk.npc.gov.cn, 电子商务法 (2018)"

VETTED: dict[Citation, Article] = {
    Citation.CPL_24: Article(_CPL, 24, "goods or services not up to quality: return, "
                             "replacement or repair", _CPL_SOURCE),
    Citation.CPL_25: Article(_CPL, 25, "7-day no-reason return generally does not apply to "
                             "digital goods downloaded online (一般不适用); never a demand's basis",
                             _CPL_SOURCE),
    Citation.CPL_46: Article(_CPL, 46, "a regulator handles a complaint and informs the "
                             "consumer within 7 working days of receiving it", _CPL_SOURCE),
    Citation.CPL_53: Article(_CPL, 53, "paid in advance, not provided as agreed: perform or "
                             "refund the prepayment with interest and reasonable costs",
                             _CPL_SOURCE),
    Citation.ECL_20: Article(_ECL, 20, "deliver as promised or agreed, in manner and time",
                             _ECL_SOURCE),
    Citation.ECL_62: Article(_ECL, 62, "in a dispute the business provides the original "
                             "contract and transaction records", _ECL_SOURCE),
}

# What a demand text may rest on, by the problem: at most two lines. A double charge or an
# "other" problem has no article on the list that fits it well, so its texts cite none.
_BY_ISSUE: dict[IssueType, tuple[Citation, ...]] = {
    IssueType.NOT_DELIVERED: (Citation.ECL_20, Citation.CPL_53),
    IssueType.INVALID_CODE: (Citation.CPL_24,),
    IssueType.USED_CODE: (Citation.CPL_24, Citation.ECL_62),
}
MAX_LINES = 2


def basis(issue: IssueType | None, stalled: IssueType | None = None) -> tuple[Citation, ...]:
    """The articles a case's demand texts cite: by its problem, or for stalling, by the
    problem being stalled."""
    found = _BY_ISSUE.get(issue) if issue is not None else None
    if found is None and stalled is not None:
        found = _BY_ISSUE.get(stalled)
    return (found or ())[:MAX_LINES]
