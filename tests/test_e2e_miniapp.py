"""End to end: the case file as a Mini App, in Debian's Chromium driven by Playwright.

The bot polls the fake Bot API and serves the page on a loopback port (a TLS proxy would
stand in front of it as WEBAPP_URL); the browser opens it as Telegram does, with signed
launch data in the URL's fragment.
"""

from __future__ import annotations

import io
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import noto_cjk_sans_otc
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import BotProcess
from tests.fake_telegram import FakeTelegram
from tests.ports import free_port
from tests.test_e2e_channels import _confirmed_case
from tests.test_e2e_intake import USER, say, tap
from tests.test_initdata import sign

CHROMIUM = Path("/usr/bin/chromium")
PUBLIC_URL = "https://coach.example.test/app"  # the page as Telegram opens it, behind TLS
OTHER = 5151
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"  # git-ignored
THEME = {"bg_color": "#ffffff", "text_color": "#000000", "hint_color": "#707579",
         "link_color": "#2481cc", "button_color": "#3390ec", "button_text_color": "#ffffff",
         "secondary_bg_color": "#f4f4f5"}
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 15_000

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is missing")



def launch_data(fake: FakeTelegram, user: int, age: float = 60.0, lang: str = "zh-hans") -> str:
    """initData as Telegram signs it for `user`, signed `age` seconds ago."""
    person = {"id": user, "first_name": "小王", "language_code": lang}
    return sign({
        "query_id": "AAHtest",
        "user": json.dumps(person, ensure_ascii=False, separators=(",", ":")),
        "auth_date": str(int(time.time() - age)),
    }, fake.token)


def page_url(base: str, init_data: str, case: int | None = None) -> str:
    """The page with Telegram's launch parameters in the fragment."""
    query = f"?case={case}" if case is not None else ""
    fragment = urlencode({"tgWebAppData": init_data, "tgWebAppVersion": "8.0",
                          "tgWebAppPlatform": "android",
                          "tgWebAppThemeParams": json.dumps(THEME)})
    return f"{base}/app{query}#{fragment}"


def call(
    url: str, init_data: str | None, method: str = "GET"
) -> tuple[int, bytes, dict[str, str]]:
    """A request with the Mini App's authorization header; its status, body and headers."""
    headers = {"Authorization": f"tma {init_data}"} if init_data is not None else {}
    data = b"" if method == "POST" else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status), response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read(), dict(exc.headers)


@pytest.fixture
def served(fake: FakeTelegram, tmp_path: Path) -> Iterator[tuple[BotProcess, str]]:
    """The bot, polling, with its web server and the Mini App on a free loopback port."""
    port = free_port()
    process = BotProcess(fake, tmp_path, WEB_HOST="127.0.0.1", WEB_PORT=str(port),
                         WEBAPP_URL=PUBLIC_URL).start()
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.proc is not None and process.proc.poll() is None:
            process.kill()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{process.log()}"


def _fontconfig(folder: Path) -> Path:
    """The system's fonts and the Noto Sans CJK the PDF export embeds: a phone has Chinese
    fonts, a CI machine may not, and a screenshot of boxes shows nothing to a reviewer."""
    conf = folder / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{Path(noto_cjk_sans_otc.__file__).parent}</dir>"
        f"<cachedir>{folder / 'cache'}</cachedir></fontconfig>\n",
        encoding="utf-8",
    )
    return conf


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    fonts = _fontconfig(tmp_path_factory.mktemp("fonts"))
    env: dict[str, str | float | bool] = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True,
                                     env=env)
        try:
            yield chromium
        finally:
            chromium.close()


# Telegram's Android client injects this bridge; here it records what the page asks of it.
BRIDGE = """
window.telegramEvents = [];
window.TelegramWebviewProxy = {postEvent: function (type, data) {
  window.telegramEvents.push([type, JSON.parse(data)]);
}};
"""


def _phone(browser: Browser, base: str) -> Page:
    """A 360-pixel-wide phone screen inside Telegram that may read and write the clipboard."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2,
                                  locale="zh-CN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(BRIDGE)
    return context.new_page()


def _told(page: Page, kind: str) -> list[Any]:
    """What the page told Telegram's client of one kind, in order."""
    events = page.evaluate("window.telegramEvents")
    return [data for name, data in events if name == kind]


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 1200), (40, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def _case_with_a_screenshot(fake: FakeTelegram) -> None:
    _confirmed_case(fake)
    say(fake, "/cases")
    tap(fake, "#1")
    fake.user_sends_photo(USER, caption="激活失败截图", content=_jpeg())
    fake.expect(USER)


def test_the_case_file_page_shows_copies_and_acts_as_the_chat_does(
    fake: FakeTelegram, served: tuple[BotProcess, str], browser: Browser, tmp_path: Path
) -> None:
    _bot, base = served
    # The menu button opens the page in every private chat, and /start labels it per user.
    assert fake.menu_buttons[None]["web_app"]["url"] == PUBLIC_URL
    say(fake, "/start")
    fake.wait_for(lambda: USER in fake.menu_buttons, what="the chat's own menu button")
    assert fake.menu_buttons[USER]["text"] == "案件档案"
    _case_with_a_screenshot(fake)
    say(fake, "/cases")
    [view] = tap(fake, "#1")
    [opener] = [b for b in view.buttons if "web_app" in b]
    assert opener["text"] == "📄 在页面中查看"
    assert opener["web_app"]["url"] == f"{PUBLIC_URL}?case=1"

    page = _phone(browser, base)
    page.goto(page_url(base, launch_data(fake, USER), case=1))
    expect(page.locator("h1")).to_have_text("案件 #1")
    for words in ("WL20240302001", "时间线", "期限与提醒", "证据", "投诉文本", "激活失败截图"):
        expect(page.locator("main")).to_contain_text(words)
    expect(page.locator("time[data-deadline]").first).to_contain_text("还剩")
    expect(page.locator("img.thumb.loaded")).to_have_count(1)  # through our server
    thumb = page.locator("img.thumb").get_attribute("src") or ""
    assert thumb.startswith("blob:")
    assert fake.token not in page.content() and "/file/bot" not in page.content()
    # Telegram's theme, its back button while a case is open, and the list behind it.
    button_colour = "getComputedStyle(document.documentElement).getPropertyValue('--button')"
    assert page.evaluate(button_colour).strip() == THEME["button_color"]
    assert _told(page, "web_app_setup_back_button")[-1] == {"is_visible": True}
    page.evaluate("window.Telegram.WebView.receiveEvent('back_button_pressed', {})")
    expect(page.locator("h1")).to_have_text("我的案件")
    assert _told(page, "web_app_setup_back_button")[-1] == {"is_visible": False}
    page.locator("[data-open='1']").click()
    expect(page.locator("h1")).to_have_text("案件 #1")

    # One tap copies one piece: the platform support text's block, then the order number.
    first = page.locator("details.channel").first
    first.locator("button.copy").first.click()
    expect(page.locator("#toast")).to_have_text("已复制")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == first.locator("pre").first.inner_text() and "【投诉】" in copied
    first.locator("[data-copy-text]").first.click()
    assert page.evaluate("navigator.clipboard.readText()") == "WL20240302001"
    assert {"type": "notification", "notification_type": "success"} in _told(
        page, "web_app_trigger_haptic_feedback")

    # Nothing runs off a 360-pixel-wide screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for shot in (tmp_path / "miniapp-case-360.png", ARTIFACTS / "miniapp-case-360.png"):
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)

    # A reminder put off from the page: a notice there, nothing in the chat.
    sent = len(fake.messages(USER))
    page.locator("[data-action=snooze_1h]").click()
    expect(page.locator("#toast")).to_contain_text("再提醒你")
    assert len(fake.messages(USER)) == sent
    # A reply to log: the chat asks for it, the page says to go on there.
    page.locator("[data-action=reply]").click()
    [asked] = fake.expect(USER, 1)
    assert "对方回复了什么" in asked.text
    expect(page.locator("#toast")).to_have_text("请回到聊天中继续回答。")

    # Resolved on the page: the chat says so at once, as if the button had been tapped there.
    sent = len(fake.messages(USER))
    page.locator("[data-action=resolve]").click()
    [said] = fake.expect(USER, 1)
    assert len(fake.messages(USER)) == sent + 1 and "已标记为解决" in said.text
    expect(page.locator(".case-head .badge")).to_contain_text("已解决")
    expect(page.locator("[data-action=reopen]")).to_be_visible()

    # Reopened in the chat: the page shows it when it is looked at again.
    say(fake, "/cases")
    tap(fake, "#1")
    tap(fake, "重新打开")
    page.reload()
    expect(page.locator("[data-action=resolve]")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text("重新打开")


def test_nobody_else_sees_the_case_and_forged_or_stale_launch_data_gets_nothing(
    fake: FakeTelegram, served: tuple[BotProcess, str], browser: Browser
) -> None:
    _bot, base = served
    _case_with_a_screenshot(fake)
    mine = launch_data(fake, USER)
    status, body, headers = call(f"{base}/app/api/cases/1", mine)
    assert status == 200 and "WL20240302001" in body.decode()
    assert "script-src 'self'" in headers["Content-Security-Policy"]

    other = launch_data(fake, OTHER, lang="en")
    for path in ("/app/api/cases/1", "/app/api/cases/1/evidence/1"):
        assert call(base + path, other)[0] == 404
    status, body, _ = call(f"{base}/app/api/cases", other)
    listed = body.decode()
    assert status == 200 and "WL20240302001" not in listed and "No cases yet" in listed

    forged = mine.replace("%22id%22%3A4242", "%22id%22%3A4243")
    assert forged != mine
    stale = launch_data(fake, USER, age=24 * 3600 + 60)
    for bad in (forged, stale, "", None, mine.replace("hash=", "hash=0")):
        status, body, _ = call(f"{base}/app/api/cases/1", bad)
        assert (status, body) == (401, b""), bad
    assert call(f"{base}/app/api/cases/1/resolve", stale, "POST")[:2] == (401, b"")
    assert call(f"{base}/app/api/cases/1/resolve", other, "POST")[0] == 404
    # A draft is finished in the chat: the page cannot press its buttons.
    say(fake, "/new")
    sent = len(fake.messages(USER))
    assert call(f"{base}/app/api/cases/2/resolve", mine, "POST")[0] == 409
    assert call(f"{base}/app/api/cases/1/frobnicate", mine, "POST")[0] == 404
    assert len(fake.messages(USER)) == sent

    # In the browser: another user sees only their own (empty) list; a stale link is refused.
    page = _phone(browser, base)
    page.goto(page_url(base, other, case=1))
    expect(page.locator("main")).to_contain_text("No cases yet")
    assert "WL20240302001" not in page.content()
    page.goto(page_url(base, stale))
    expect(page.locator("#denied")).to_be_visible()
    assert "WL20240302001" not in page.content()
    # The page runs no inline script: every script comes from our own server.
    html = call(f"{base}/app", None)[1].decode()
    assert html.count("<script") == html.count('<script src="/app/static/')


def test_with_a_webhook_the_same_server_serves_the_page(fake: FakeTelegram, tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    bot = BotProcess(fake, tmp_path, WEBHOOK_URL=f"{base}/tg/hook", WEBHOOK_SECRET="s3cret",
                     WEB_HOST="127.0.0.1", WEB_PORT=str(port), WEBAPP_URL=PUBLIC_URL).start()
    try:
        say(fake, "/start")  # by webhook, on the same port
        status, body, headers = call(f"{base}/app", None)
        assert status == 200 and "案件档案" in body.decode()
        assert "frame-ancestors" in headers["Content-Security-Policy"]
        status, body, _ = call(f"{base}/app/api/cases", launch_data(fake, USER))
        assert status == 200 and "还没有案件" in body.decode()
        assert call(f"{base}/healthz", None)[0] == 200
    finally:
        bot.kill()
    assert fake.errors == [], f"Telegram would have rejected: {fake.errors}\n{bot.log()}"
