"""The test's side: a user sends, forwards and presses; the fake serves what they did."""

from __future__ import annotations

import asyncio
from datetime import datetime

from tests.fake_telegram.entities import _to_unix
from tests.fake_telegram.limits import _OPT_IN_UPDATES, JSONDict
from tests.fake_telegram.params import _command_entities
from tests.fake_telegram.records import CallbackQueryRecord, SentMessage, _Chat
from tests.fake_telegram.watching import Watching


class UserActions(Watching):
    """What a user does in the chat, as updates the bot receives."""

    # ---------------------------------------------------------------- test side: users act

    def hold(self, method: str) -> None:
        """Leave every request of `method` unanswered until :meth:`release` (a frozen network)."""
        with self._cond:
            self._held.add(method)
            self._cond.notify_all()

    def release(self, method: str) -> None:
        """Stop holding `method`; held requests are then dropped unanswered.

        A held getUpdates instead goes on as usual, unless its client went away meanwhile.
        """
        with self._cond:
            self._held.discard(method)
            self._cond.notify_all()
        self._wake_threadsafe()

    def serve_updates(self, count: int) -> None:
        """Let a held getUpdates answer once, with at most `count` updates; then hold it again.

        With ``hold("getUpdates")`` first, updates can be queued and handed to the bot in
        exactly the batches a test needs: the bot's next poll, which would confirm the batch,
        waits (its offset not applied) until :meth:`release`.
        """
        with self._cond:
            self._serve_budget = count
            self._held.discard("getUpdates")
            self._cond.notify_all()
        self._wake_threadsafe()

    async def _wait_released(self, method: str) -> None:
        while True:
            with self._cond:
                if method not in self._held or self._closing:
                    return
            await asyncio.sleep(0.05)  # the fake's own loop polls its flag; tests never sleep

    def wait_for_served(self, update_id: int, timeout: float = 10.0) -> None:
        """Wait until a getUpdates answer has handed `update_id` to the bot."""
        self.wait_for(
            lambda: update_id in self.served_update_ids, timeout, f"update {update_id} served"
        )

    def add_chat(
        self,
        chat_id: int,
        *,
        first_name: str = "测试",
        language_code: str | None = "zh-hans",
        username: str | None = None,
    ) -> None:
        """Make a private chat known (as if the user had written to the bot)."""
        with self._cond:
            self._chats[chat_id] = _Chat(chat_id, first_name, language_code, username)
            self._cond.notify_all()

    def block(self, chat_id: int) -> None:
        """The user blocks the bot: further sends answer 403."""
        with self._cond:
            self.blocked_chats.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        """The user unblocks the bot."""
        with self._cond:
            self.blocked_chats.discard(chat_id)

    def push_update(self, update: JSONDict) -> int:
        """Queue a raw update (``update_id`` is assigned); returns the update_id."""
        with self._cond:
            update_id = next(self._update_ids)
            body = {k: v for k, v in update.items() if k != "update_id"}
            body = {"update_id": update_id, **body}
            kinds = [k for k in body if k != "update_id"]
            kind = kinds[0] if kinds else ""
            allowed = self.allowed_updates
            accepted = kind in allowed if allowed else kind not in _OPT_IN_UPDATES
            if accepted:
                self._pending.append(body)
            else:
                self.dropped_updates.append(body)
            self._cond.notify_all()
        self._wake_threadsafe()
        return update_id

    def _user_message(
        self,
        user_id: int,
        content: JSONDict,
        *,
        language_code: str | None,
        first_name: str,
        date: int | float | datetime | None,
    ) -> int:
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = _Chat(user_id, first_name, language_code)
                self._chats[user_id] = chat
            else:
                chat.first_name, chat.language_code = first_name, language_code
            message_id = self._next_message_id(user_id)
            message: JSONDict = {
                "message_id": message_id,
                "from": self._user_json(chat),
                "chat": self._chat_json(user_id),
                "date": _to_unix(date),
                **content,
            }
            self._user_messages.setdefault(user_id, {})[message_id] = message
            return self.push_update({"message": message})

    def user_sends_text(
        self,
        user_id: int,
        text: str,
        *,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a text message (bot_command entities included); returns update_id."""
        content: JSONDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        return self._user_message(
            user_id, content, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_command(
        self,
        user_id: int,
        command: str,
        *,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends ``/command [args]`` (leading slash optional); returns update_id."""
        text = command if command.startswith("/") else f"/{command}"
        return self.user_sends_text(
            user_id, text, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_sticker(
        self,
        user_id: int,
        *,
        emoji: str = "😀",
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends a (static) sticker; returns update_id."""
        with self._cond:
            file = self._new_file("stickers", content=None, file_size=12_000, extension=".webp")
        sticker = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": file.file_size,
        }
        return self._user_message(
            user_id,
            {"sticker": sticker},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_sends_voice(
        self,
        user_id: int,
        *,
        duration: int = 3,
        file_size: int = 4_000,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends a voice note; returns update_id."""
        with self._cond:
            file = self._new_file(
                "voice", content=None, file_size=file_size, mime_type="audio/ogg", extension=".oga"
            )
        voice = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": file_size,
        }
        return self._user_message(
            user_id, {"voice": voice}, language_code=language_code, first_name=first_name, date=None
        )

    def user_sends_location(
        self,
        user_id: int,
        *,
        latitude: float = 31.2304,
        longitude: float = 121.4737,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user shares a location; returns update_id."""
        return self._user_message(
            user_id,
            {"location": {"latitude": latitude, "longitude": longitude}},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_sends_photo(
        self,
        user_id: int,
        *,
        file_size: int = 80_000,
        caption: str | None = None,
        media_group_id: str | None = None,
        forward_origin: JSONDict | None = None,
        content: bytes | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a photo (3 PhotoSizes, largest = ``file_size``); returns update_id."""
        if content is not None:
            file_size = len(content)
        sizes = []
        with self._cond:
            for width, height, divisor in ((90, 68, 40), (320, 240, 8), (1280, 960, 1)):
                size = max(file_size // divisor, 1)
                data = content if divisor == 1 else None
                file = self._new_file(
                    "photos", content=data, file_size=size, mime_type="image/jpeg", extension=".jpg"
                )
                sizes.append(
                    {
                        "file_id": file.file_id,
                        "file_unique_id": file.file_unique_id,
                        "file_size": size,
                        "width": width,
                        "height": height,
                    }
                )
        body: JSONDict = {"photo": sizes}
        if caption is not None:
            body["caption"] = caption
        if media_group_id is not None:
            body["media_group_id"] = media_group_id
        if forward_origin is not None:
            body["forward_origin"] = forward_origin
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_document(
        self,
        user_id: int,
        *,
        file_name: str = "evidence.pdf",
        mime_type: str = "application/pdf",
        file_size: int | None = None,
        content: bytes | None = None,
        caption: str | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
        date: int | float | datetime | None = None,
    ) -> int:
        """The user sends a document (downloadable via getFile when <= 20 MB); returns update_id."""
        if file_size is None:
            file_size = len(content) if content is not None else 1024
        suffix = "." + file_name.rsplit(".", 1)[1] if "." in file_name else ""
        with self._cond:
            file = self._new_file(
                "documents",
                content=content,
                file_size=file_size,
                file_name=file_name,
                mime_type=mime_type,
                extension=suffix,
            )
        document = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": file_size,
        }
        body: JSONDict = {"document": document}
        if caption is not None:
            body["caption"] = caption
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=date
        )

    def user_sends_media(
        self,
        user_id: int,
        kind: str,
        *,
        file_size: int = 500_000,
        mime_type: str | None = None,
        file_name: str | None = None,
        caption: str | None = None,
        media_group_id: str | None = None,
        duration: int = 30,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user sends an ``audio``, ``video``, ``animation`` or ``video_note``.

        An animation (a GIF, or a video without sound) also carries a ``document``, as
        Telegram sends it for older clients. Returns update_id.
        """
        default_mime = {"audio": "audio/mpeg"}.get(kind, "video/mp4")
        mime = mime_type or (None if kind == "video_note" else default_mime)
        folder = {"audio": "music", "animation": "animations", "video_note": "video_notes"}
        suffix = "." + (mime or "video/mp4").split("/", 1)[1].replace("mpeg", "mp3")
        with self._cond:
            file = self._new_file(folder.get(kind, "videos"), content=None, file_size=file_size,
                                  file_name=file_name, mime_type=mime, extension=suffix)
        media: JSONDict = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "duration": duration,
            "file_size": file_size,
        }
        if kind == "video_note":
            media["length"] = 240
        elif kind != "audio":
            media.update(width=1280, height=720)
        if mime is not None:
            media["mime_type"] = mime
        if file_name is not None:
            media["file_name"] = file_name
        body: JSONDict = {kind: media}
        if kind == "animation":
            body["document"] = {k: v for k, v in media.items()
                                if k in ("file_id", "file_unique_id", "file_size", "mime_type",
                                         "file_name")}
        if caption is not None:
            body["caption"] = caption
        if media_group_id is not None:
            body["media_group_id"] = media_group_id
        return self._user_message(
            user_id, body, language_code=language_code, first_name=first_name, date=None
        )

    def user_forwards_text(
        self,
        user_id: int,
        text: str,
        *,
        origin_date: int | float | datetime,
        sender_name: str = "客服",
        sender_user_id: int | None = None,
        channel_title: str | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> int:
        """The user forwards a text; origin ``hidden_user``, ``user`` with ``sender_user_id``,
        or ``channel`` with ``channel_title``."""
        origin: JSONDict
        if channel_title is not None:
            origin = {
                "type": "channel",
                "date": _to_unix(origin_date),
                "chat": {"id": -1001234567890, "type": "channel", "title": channel_title},
                "message_id": 77,
            }
        elif sender_user_id is None:
            origin = {
                "type": "hidden_user",
                "date": _to_unix(origin_date),
                "sender_user_name": sender_name,
            }
        else:
            origin = {
                "type": "user",
                "date": _to_unix(origin_date),
                "sender_user": {"id": sender_user_id, "is_bot": False, "first_name": sender_name},
            }
        return self._user_message(
            user_id,
            {"text": text, "forward_origin": origin},
            language_code=language_code,
            first_name=first_name,
            date=None,
        )

    def user_presses(
        self,
        user_id: int,
        callback_data: str,
        *,
        message_id: int | None = None,
        language_code: str | None = "zh-hans",
        first_name: str = "测试",
    ) -> tuple[int, str]:
        """The user presses an inline button; returns (update_id, callback_query_id).

        The attached message is ``message_id`` if given, else the latest bot message carrying
        ``callback_data``, else (forged data) the latest bot message.
        """
        with self._cond:
            chat = self._chats.get(user_id)
            if chat is None:
                chat = _Chat(user_id, first_name, language_code)
                self._chats[user_id] = chat
            live = [m for m in self._bot_messages.get(user_id, []) if not m.deleted]
            target: SentMessage | None
            if message_id is not None:
                target = self._find_bot_message(user_id, message_id)
            else:
                carrying = [m for m in live if callback_data in m.callback_data]
                candidates = carrying or live
                if not candidates:
                    raise ValueError(f"chat {user_id} has no bot message to press a button on")
                target = candidates[-1]
                message_id = target.message_id
            if target is not None:
                message_json = self._message_json(target)
            else:  # deleted or unknown: InaccessibleMessage
                message_json = {
                    "chat": self._chat_json(user_id),
                    "message_id": message_id,
                    "date": 0,
                }
            query_id = str(4_200_000_000_000_000_000 + next(self._callback_ids))
            record = CallbackQueryRecord(query_id, user_id, callback_data, message_id)
            self._callbacks[query_id] = record
            update = {
                "callback_query": {
                    "id": query_id,
                    "from": self._user_json(chat),
                    "message": message_json,
                    "chat_instance": str((user_id * 7_919_000_003) % 10**18),
                    "data": callback_data,
                }
            }
            record.update_id = self.push_update(update)
            return record.update_id, query_id
