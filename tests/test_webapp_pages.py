"""The Mini App's pages render every kind of case in both languages, the user's words escaped."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.keyboards import markup
from bot.webapp_pages import View, case_page, channel_texts, list_page
from conversations.core.channels import TEXT_CHANNELS
from conversations.core.model import Lang, PaidWith
from conversations.texts.messages import OutButton
from conversations.texts.rendering import Texts
from tests.test_rendering import CASES, ITEMS, NASTY, NOW, SH

TEXTS = Texts(webapp_url="https://coach.example.com/app")


def _view(lang: Lang) -> View:
    return View(TEXTS, lang, SH, False, NOW)


@pytest.mark.parametrize("lang", list(Lang))
@pytest.mark.parametrize("name", list(CASES))
def test_every_case_renders_as_a_page(lang: Lang, name: str) -> None:
    case = replace(CASES[name], evidence=ITEMS)
    html = case_page(_view(lang), case)
    assert f"#{case.no}" in html and ("时间线" if lang is Lang.ZH else "Timeline") in html
    texts = "<h2>投诉文本</h2>" if lang is Lang.ZH else "<h2>Complaint texts</h2>"
    assert (texts in html) == (case.status == "confirmed")  # a draft has no texts yet
    listed = list_page(_view(lang), {case.no: case})
    assert f'data-open="{case.no}"' in listed


def test_the_users_words_are_escaped_and_the_texts_are_the_chats() -> None:
    case = replace(CASES["nasty"], evidence=ITEMS)
    html = case_page(_view(Lang.ZH), case)
    assert "a<b>" not in html and "a&lt;b&gt;&amp;amp;" in html
    assert "<script" not in html
    shown = [t.channel for t in channel_texts(_view(Lang.ZH), case)]
    assert shown == [c for c in TEXT_CHANNELS if c != "payment"]  # paid how: not known
    paid = replace(case, paid_with=PaidWith.ALIPAY)
    assert "payment" in [t.channel for t in channel_texts(_view(Lang.ZH), paid)]
    # Only images get a thumbnail, fetched from our server by item number.
    assert html.count("<img") == 1 and 'data-src="/app/api/cases/3/evidence/1"' in html
    assert NASTY not in html


def test_a_finished_case_offers_reopening_and_no_windows() -> None:
    done = replace(CASES["full"], resolved_at=datetime(2024, 3, 4, tzinfo=UTC))
    html = case_page(_view(Lang.EN), done)
    assert 'data-action="reopen"' in html and 'data-action="resolve"' not in html
    assert "Deadlines and reminders" not in html and "snooze" not in html


def test_the_case_view_opens_the_page_only_when_there_is_one() -> None:
    from conversations.core.engine import Ctx
    from conversations.core.engine.views import case_view_replies

    [reply] = case_view_replies(CASES["full"], Ctx(NOW, SH, False))
    [with_page] = TEXTS.render(reply, Lang.ZH, SH)
    [opener] = [b for row in with_page.buttons for b in row if b.web_app]
    assert opener.text == "📄 在页面中查看"
    assert opener.web_app == "https://coach.example.com/app?case=3"
    [without] = Texts().render(reply, Lang.EN, SH)
    assert not any(b.web_app for row in without.buttons for b in row)
    assert "Open as a page" not in [b.text for row in without.buttons for b in row]


def test_outside_a_private_chat_the_page_button_is_left_out() -> None:
    rows = ((OutButton("📄", web_app="https://coach.example.com/app?case=1"),),
            (OutButton("ok", data="*|open|1"),))
    private, group = markup(rows), markup(rows, private=False)
    assert private is not None and group is not None
    assert [[b["text"] for b in r] for r in private["inline_keyboard"]] == [["📄"], ["ok"]]
    assert [[b["text"] for b in r] for r in group["inline_keyboard"]] == [["ok"]]
