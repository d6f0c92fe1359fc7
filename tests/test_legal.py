"""Every article of law a text cites is on the vetted list, and no text cites more than two."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conversations.core import channels
from conversations.core.legal import MAX_LINES, VETTED, Citation, basis
from conversations.core.model import IssueType, Lang
from conversations.texts.rendering import TEMPLATES_DIR
from conversations.texts.telegram_html import to_plain
from tests.test_golden import CASES, TEXTS, TZ, reply_for

_NUMERALS = {c: i for i, c in enumerate("零一二三四五六七八九", 0)}
# 《消费者权益保护法》第24条, 《中华人民共和国电子商务法》第六十二条
_ZH_ARTICLE = re.compile(r"《([^》]{2,30}法)》\s*第\s*([0-9一二三四五六七八九十百]+)\s*条")
# Article 53 of China's Law on the Protection of Consumer Rights and Interests
_EN_ARTICLE = re.compile(r"Article\s+(\d+)\s+of\s+([^,.;:]+)")
_EN_LAWS = {"Law on the Protection of Consumer Rights and Interests": "消费者权益保护法",
            "E-Commerce Law": "电子商务法"}
_NEVER = re.compile(r"三倍|第55条|第五十五条|Article\s+55|three-fold|treble|triple", re.I)


def cited(law: str, number: int) -> bool:
    """Whether 《law》第number条 is on the vetted list (law with or without 中华人民共和国)."""
    name = law.removeprefix("中华人民共和国")
    return any(
        a.law.removeprefix("中华人民共和国") == name and a.number == number
        for a in VETTED.values()
    )


def _number(text: str) -> int:
    """An article number in Arabic or Chinese numerals."""
    if text.isdigit():
        return int(text)
    total, unit = 0, 0
    for ch in text:
        if ch == "百":
            total += (unit or 1) * 100
            unit = 0
        elif ch == "十":
            total += (unit or 1) * 10
            unit = 0
        else:
            unit = _NUMERALS[ch]
    return total + unit


def articles(text: str) -> list[tuple[str, int]]:
    """Every (law, article) a text cites, in Chinese or in English."""
    found = [(m.group(1), _number(m.group(2))) for m in _ZH_ARTICLE.finditer(text)]
    for m in _EN_ARTICLE.finditer(text):
        law = next((zh for en, zh in _EN_LAWS.items() if en in m.group(2)), m.group(2).strip())
        found.append((law, int(m.group(1))))
    return found


def _pre_blocks(html: str) -> list[str]:
    return [to_plain(b) for b in re.findall(r"<pre>(.*?)</pre>", html, re.S)]


def test_the_article_reader_reads_both_numeral_styles_and_english() -> None:
    assert articles("依《消费者权益保护法》第二十五条") == [("消费者权益保护法", 25)]
    assert articles("《中华人民共和国电子商务法》第62条") == [("中华人民共和国电子商务法", 62)]
    assert articles("Under Article 53 of China's Law on the Protection of Consumer Rights and "
                    "Interests, a business") == [("消费者权益保护法", 53)]
    assert not cited("消费者权益保护法", 55) and cited("中华人民共和国消费者权益保护法", 24)


def test_no_template_or_label_names_an_article_off_the_list() -> None:
    # The users' own rule citations are data, never in the templates: every article written
    # in our words is one of the vetted ones.
    seen = set()
    for path in Path(TEMPLATES_DIR).rglob("*.j2"):
        source = path.read_text(encoding="utf-8")
        for law, number in articles(source):
            assert cited(law, number), (path, law, number)
            seen.add((law.removeprefix("中华人民共和国"), number))
        assert not _NEVER.search(source), path
    assert len(seen) == len(VETTED)  # and each vetted article is worded in the labels


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("case_name", list(CASES))
def test_every_rendered_text_cites_only_vetted_articles_at_most_two(
    case_name: str, lang: Lang
) -> None:
    for name in channels.TEXT_CHANNELS:
        [message] = TEXTS.render(reply_for(CASES[case_name], name, lang), lang, TZ)
        whole = to_plain(message.html)
        assert not _NEVER.search(whole), (case_name, name)
        for law, number in articles(whole):
            assert cited(law, number), (case_name, name, law, number)
        pasted = {a for block in _pre_blocks(message.html) for a in articles(block)}
        assert len(pasted) <= MAX_LINES, (case_name, name, pasted)


def test_the_basis_fits_the_problem_and_never_rests_a_demand_on_no_reason_return() -> None:
    assert basis(IssueType.NOT_DELIVERED) == (Citation.ECL_20, Citation.CPL_53)
    assert basis(IssueType.USED_CODE) == (Citation.CPL_24, Citation.ECL_62)
    assert basis(IssueType.DOUBLE_CHARGE) == ()
    assert basis(IssueType.SUPPORT_STALLING, IssueType.INVALID_CODE) == (Citation.CPL_24,)
    for issue in IssueType:
        assert Citation.CPL_25 not in basis(issue)
        assert len(basis(issue)) <= MAX_LINES
