"""The reading corpus, run through the engine: accuracy as issue #9 sets it (≥ 97% of fields).

`bench/reading.py` prints the same figures by field, typing style and time category.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.reading_corpus import (
    CONTACT_FIELDS,
    STORY_FIELDS,
    Score,
    read_story,
    read_time,
    score_story,
    score_time,
    stories,
    time_items,
)

TARGET = 0.97  # of all fields, as the issue asks
FLOOR = 0.92  # no single field may lag far behind the rest
STYLES = {"fullwidth", "nopunct", "lines", "ascii", "voice", "emoji", "form", "mixed",
          "traditional", "cantonese", "english"}  # fmt: skip


@pytest.fixture(scope="module")
def story_score() -> Score:
    score = Score()
    for story in stories():
        score_story(story, read_story(story), score)
    return score


def test_the_corpus_is_large_and_well_formed() -> None:
    items: list[dict[str, Any]] = list(stories())
    assert len(items) >= 200
    assert len({s["id"] for s in items}) == len(items)
    assert {s["style"] for s in items} == STYLES
    assert Counter(s["lang"] for s in items).keys() == {"zh-CN", "zh-TW", "zh-HK", "en"}
    for s in items:
        assert set(s["expect"]) == {*STORY_FIELDS, "contacts"}, s["id"]
        for contact in s["expect"]["contacts"]:
            assert set(contact) == set(CONTACT_FIELDS), s["id"]
    issues = Counter(s["expect"]["issue_type"] for s in items)
    for issue in ("invalid_code", "used_code", "not_delivered", "double_charge",
                  "support_stalling"):  # fmt: skip
        assert issues[issue] >= 5, issue


def test_stories_are_read_to_the_target(story_score: Score) -> None:
    misses = "\n".join(story_score.misses)
    assert story_score.rate("all") >= TARGET, f"{story_score.rate('all'):.1%}\n{misses}"


@pytest.mark.parametrize(
    "field", [*STORY_FIELDS, "contacts", *(f"contact.{f}" for f in CONTACT_FIELDS)]
)
def test_no_field_lags_behind(story_score: Score, field: str) -> None:
    wrong = [m for m in story_score.misses if f" {field.removeprefix('contact.')}:" in m]
    assert story_score.rate(field) >= FLOOR, "\n".join(wrong)


def test_every_typing_style_is_read(story_score: Score) -> None:
    for style in STYLES:
        assert story_score.rate(f"style:{style}") >= FLOOR, style


def test_time_expressions_are_read_in_the_sense_asked() -> None:
    score = Score()
    for item in time_items():
        score_time(item, read_time(item), score)
    assert score.rate("all") >= TARGET, "\n".join(score.misses)
