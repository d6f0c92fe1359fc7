"""The case file as a Telegram Mini App: the page at /app, its API, evidence thumbnails.

Every API request carries `Authorization: tma <initData>`; launch data not signed with the
bot's token, or older than a day, is answered 401 and nothing else. A user reads and changes
only their own cases. Changes are the engine's own button presses, run by the coach, so the
chat hears of them exactly as if the button had been tapped there.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from aiohttp import web
from PIL import Image, ImageOps

from bot.initdata import WebAppUser, check_init_data
from bot.settings import Secret
from bot.webapp_pages import View, case_page, list_page
from conversations.core.actions import Action
from conversations.core.events import Press
from conversations.core.model import Case, Lang
from conversations.shell.service import Coach, Inbound
from conversations.store.rows import User
from conversations.store.storage import Store
from conversations.texts.rendering import Texts

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).with_name("static")
STATIC_TYPES = {"app.js": "text/javascript", "app.css": "text/css"}
THUMBNAIL_PX = 480
THUMBNAIL_KINDS = ("photo", "image")
# Scripts and styles only from this server, no inline ones; images also as blob: URLs (the
# thumbnails are fetched with the Authorization header); framed only by Telegram's web client.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; "
    "connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'self' https://web.telegram.org"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
# The page's buttons: the engine's own presses, as the chat's buttons send them.
ACTIONS: dict[str, tuple[Action, str]] = {
    "resolve": (Action.RESOLVE, ""),
    "reopen": (Action.REOPEN, ""),
    "reply": (Action.REPLY, ""),
    "log": (Action.LOG, ""),
    "snooze_1h": (Action.SNOOZE, "1h"),
    "snooze_9am": (Action.SNOOZE, "9am"),
}
CONTINUES_IN_CHAT = frozenset({"reply", "log"})  # the chat asks the questions that follow

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class MiniApp:
    """The Mini App's routes on the bot's web server."""

    def __init__(
        self,
        store: Store,
        coach: Coach,
        texts: Texts,
        token: Secret,
        files_dir: Path,
        default_tz: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._store = store
        self._coach = coach
        self._texts = texts
        self._token = token
        self._files_dir = files_dir
        self._default_tz = default_tz
        self._clock = clock
        self._static = {name: (STATIC_DIR / name).read_bytes() for name in STATIC_TYPES}

    def add_to(self, web_app: web.Application) -> None:
        """Register the page, its assets and its API."""
        web_app.middlewares.append(_security_headers)
        router = web_app.router
        router.add_get("/app", self._page)
        router.add_get("/app/static/{name}", self._asset)
        router.add_get("/app/api/cases", self._signed(self._list))
        router.add_get(r"/app/api/cases/{no:\d+}", self._signed(self._case))
        router.add_post(r"/app/api/cases/{no:\d+}/{action:[a-z_0-9]+}", self._signed(self._act))
        router.add_get(r"/app/api/cases/{no:\d+}/evidence/{item:\d+}",
                       self._signed(self._thumbnail))

    def _signed(self, handler: Callable[[web.Request, WebAppUser], Awaitable[web.Response]]
                ) -> Handler:
        """The handler, for requests signed by Telegram for this bot; 401 for any other."""
        async def checked(request: web.Request) -> web.StreamResponse:
            scheme, _, init_data = request.headers.get("Authorization", "").partition(" ")
            user = None
            if scheme.lower() == "tma":
                user = check_init_data(init_data.strip(), self._token.reveal(), self._clock())
            if user is None:
                log.warning("refused a Mini App request without valid launch data from %s",
                            request.remote)
                return web.Response(status=401)
            return await handler(request, user)

        return checked

    async def _page(self, request: web.Request) -> web.Response:
        # The launch data is in the URL's fragment, which never reaches the server: the page
        # is the same for everyone, in Chinese unless the browser asks for English first.
        accept = request.headers.get("Accept-Language", "")
        lang = Lang.from_telegram(accept.split(",", 1)[0].strip())
        html = self._texts.render_html("app/page", {}, lang, self._default_tz)
        return web.Response(text=html, content_type="text/html", charset="utf-8",
                            headers={"Cache-Control": "no-cache"})

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._static:
            raise web.HTTPNotFound()
        return web.Response(body=self._static[name], content_type=STATIC_TYPES[name],
                            charset="utf-8", headers={"Cache-Control": "no-cache"})

    async def _read(self, signed: WebAppUser) -> tuple[View, Mapping[int, Case]]:
        async with self._store.transaction() as tx:
            user = await tx.user(signed.id)
            cases = await tx.cases(signed.id)
        return self._view(signed, user), cases

    def _view(self, signed: WebAppUser, user: User | None) -> View:
        lang = (Lang.from_telegram(signed.language_code) if signed.language_code
                else user.lang if user else Lang.ZH)
        tz = ZoneInfo(user.tz) if user else self._default_tz
        return View(self._texts, lang, tz, bool(user and user.quiet_hours), self._clock())

    async def _list(self, request: web.Request, signed: WebAppUser) -> web.Response:
        view, cases = await self._read(signed)
        return _html(list_page(view, cases))

    async def _case(self, request: web.Request, signed: WebAppUser) -> web.Response:
        view, cases = await self._read(signed)
        case = cases.get(int(request.match_info["no"]))
        if case is None:  # not theirs, or gone: the same answer either way
            raise web.HTTPNotFound()
        return _html(case_page(view, case))

    async def _act(self, request: web.Request, signed: WebAppUser) -> web.Response:
        no, name = int(request.match_info["no"]), request.match_info["action"]
        _, cases = await self._read(signed)
        if name not in ACTIONS or no not in cases:
            raise web.HTTPNotFound()
        if cases[no].status != "confirmed":
            raise web.HTTPConflict()  # a draft is finished in the chat, not followed up
        action, arg = ACTIONS[name]
        press = Press(None, action, f"{no}.{arg}" if arg else str(no))
        # In a private chat the chat id is the user's id: the replies go to their chat.
        inbound = Inbound(signed.id, signed.id, press, self._clock(), signed.language_code)
        handled = await self._coach.handle(inbound)
        return web.json_response({"notice": handled.notice, "in_chat": name in CONTINUES_IN_CHAT},
                                 headers={"Cache-Control": "no-store"})

    async def _thumbnail(self, request: web.Request, signed: WebAppUser) -> web.Response:
        no, item_id = int(request.match_info["no"]), int(request.match_info["item"])
        path = await self._image_path(signed.id, no, item_id)
        if path is None:
            raise web.HTTPNotFound()
        try:
            body = await asyncio.to_thread(_thumbnail, path)
        except (OSError, ValueError, Image.DecompressionBombError):
            raise web.HTTPNotFound() from None
        return web.Response(body=body, content_type="image/jpeg",
                            headers={"Cache-Control": "private, max-age=3600"})

    async def _image_path(self, user_id: int, no: int, item_id: int) -> Path | None:
        """The downloaded file of one of the user's images, fetched first if need be."""
        for attempt in range(2):
            async with self._store.transaction() as tx:
                case = (await tx.cases(user_id)).get(no)
            item = next((i for i in case.evidence if i.id == item_id), None) if case else None
            if item is None or item.kind not in THUMBNAIL_KINDS or item.file_id is None:
                return None
            if item.local_path is not None:
                root = self._files_dir.resolve()
                path = (root / item.local_path).resolve()
                return path if path.is_relative_to(root) and path.is_file() else None
            if attempt == 0:
                await self._coach.download(user_id, no)  # through getFile, kept owner-only
        return None


def _html(body: str) -> web.Response:
    return web.Response(text=body, content_type="text/html", charset="utf-8",
                        headers={"Cache-Control": "no-store"})


def _thumbnail(path: Path) -> bytes:
    """A small JPEG of an image, turned upright."""
    with Image.open(path) as image:
        small = ImageOps.exif_transpose(image) or image
        small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
        out = io.BytesIO()
        small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The Mini App's pages and answers carry the content security policy."""
    response = await handler(request)
    if request.path == "/app" or request.path.startswith("/app/"):
        response.headers.update(SECURITY_HEADERS)
    return response
