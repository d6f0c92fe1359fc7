"""The Bot API methods the bot calls, each answered as Telegram answers it."""

from __future__ import annotations

import mimetypes
import time

from tests.fake_telegram.entities import ParsedText, utf16_len
from tests.fake_telegram.limits import (
    _CHAT_ACTIONS,
    _COMMAND_RE,
    _LANGUAGE_RE,
    _URL_RE,
    _WEBHOOK_SECRET_RE,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CAPTION_LENGTH,
    MAX_COMMANDS,
    MAX_DOWNLOAD_SIZE,
    MAX_MESSAGE_LENGTH,
    MAX_PHOTO_UPLOAD_SIZE,
    MAX_UPLOAD_SIZE,
    NOT_MODIFIED,
    QUERY_TOO_OLD,
    JSONDict,
)
from tests.fake_telegram.menu import MenuMethods
from tests.fake_telegram.params import _looks_like_image
from tests.fake_telegram.records import (
    FileRecord,
    Revision,
    SentMessage,
    TelegramAPIError,
    UploadedFile,
    _bad,
)


class BotApiMethods(MenuMethods):
    """The Bot API methods, by the names the dispatch table gives them."""

    # ---------------------------------------------------------------- Bot API methods

    def _m_true(self, params: JSONDict) -> bool:
        return True

    def _m_get_me(self, params: JSONDict) -> JSONDict:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_set_webhook(self, params: JSONDict) -> bool:
        url = params.get("url")
        if not isinstance(url, str) or not _URL_RE.match(url) or url.startswith("tg://"):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and (
            not isinstance(secret, str) or not _WEBHOOK_SECRET_RE.fullmatch(secret)
        ):
            raise _bad("bad webhook: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self.allowed_updates = [str(a) for a in allowed]
        self.webhook_url, self.webhook_secret = url, secret
        self.webhook_max_connections = int(params.get("max_connections") or 40)
        self._wake_pollers("conflict")  # a long poll in progress ends with 409
        return True

    def _m_delete_webhook(self, params: JSONDict) -> bool:
        self.webhook_url = self.webhook_secret = None
        if params.get("drop_pending_updates"):
            self.dropped_updates.extend(self._pending)
            if self._pending:
                self.confirmed_offset = max(
                    self.confirmed_offset, self._pending[-1]["update_id"] + 1
                )
            self._pending = []
        return True

    def _m_get_webhook_info(self, params: JSONDict) -> JSONDict:
        return {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }

    def _language_code(self, params: JSONDict) -> str:
        code = params.get("language_code") or ""
        if not isinstance(code, str) or not _LANGUAGE_RE.match(code):
            raise _bad("LANGUAGE_CODE_INVALID")
        return code

    def _m_set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad("can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise _bad("too many commands specified")
        cleaned = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name, description = command.get("command"), command.get("description")
            if not isinstance(name, str) or not _COMMAND_RE.match(name):
                raise _bad("BOT_COMMAND_INVALID")
            if not isinstance(description, str) or not 1 <= len(description.strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            cleaned.append({"command": name, "description": description})
        key = (self._scope_key(params), self._language_code(params))
        if cleaned:
            self._commands[key] = cleaned
        else:
            self._commands.pop(key, None)
        return True

    def _m_get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        key = (self._scope_key(params), self._language_code(params))
        return [dict(c) for c in self._commands.get(key, [])]

    def _m_delete_my_commands(self, params: JSONDict) -> bool:
        self._commands.pop((self._scope_key(params), self._language_code(params)), None)
        return True

    def _m_send_message(self, params: JSONDict) -> JSONDict:
        chat_id = self._chat_id(params)
        if params.get("text") is None or params.get("text") == "":
            raise _bad("message text is empty")
        markup = self._validate_markup(params.get("reply_markup"))
        self._check_chat(chat_id)
        self._private_only(chat_id, markup)
        parsed = self._parse_text(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            empty_error="message text is empty",
            long_error="message is too long",
        )
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendMessage", chat_id)
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params["text"]),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="text",
            entities=parsed.entities,
            date=int(time.time()),
            reply_to_message_id=reply_to,
        )
        return self._message_json(self._store_bot_message(message))

    def _edit_target(self, params: JSONDict) -> tuple[int, int]:
        if params.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # the fake has no inline messages
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        self._check_chat(chat_id)
        return chat_id, message_id

    def _editable(self, chat_id: int, message_id: int) -> SentMessage:
        message = self._find_bot_message(chat_id, message_id)
        if message is None:
            if message_id in self._user_messages.get(chat_id, {}):
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        return message

    def _apply_edit(
        self,
        message: SentMessage,
        *,
        html: str,
        parsed: ParsedText,
        parse_mode: str | None,
        markup: JSONDict | None,
    ) -> JSONDict:
        if (
            message.text == parsed.text
            and message.entities == parsed.entities
            and message.reply_markup == markup
        ):
            raise _bad(NOT_MODIFIED)
        message.history.append(
            Revision(
                html=message.html,
                text=message.text,
                parse_mode=message.parse_mode,
                entities=message.entities,
                reply_markup=message.reply_markup,
                date=message.edit_date or message.date,
            )
        )
        message.html, message.text, message.entities = html, parsed.text, parsed.entities
        message.parse_mode = parse_mode
        message.reply_markup = markup
        message.edit_date = int(time.time())
        return self._message_json(message)

    def _m_edit_message_text(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        if params.get("text") is None or params.get("text") == "":
            raise _bad("message text is empty")
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        self._private_only(chat_id, markup)
        message = self._editable(chat_id, message_id)
        if message.kind != "text":
            raise _bad("there is no text in the message to edit")
        parsed = self._parse_text(
            params["text"],
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_MESSAGE_LENGTH,
            empty_error="message text is empty",
            long_error="message is too long",
        )
        return self._apply_edit(
            message,
            html=str(params["text"]),
            parsed=parsed,
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )

    def _m_edit_message_caption(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        self._private_only(chat_id, markup)
        message = self._editable(chat_id, message_id)
        if message.kind == "text":
            raise _bad("there is no caption in the message to edit")
        parsed = self._parse_text(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            long_error="message caption is too long",
        )
        return self._apply_edit(
            message,
            html=str(params.get("caption") or ""),
            parsed=parsed,
            parse_mode=params.get("parse_mode"),
            markup=markup,
        )

    def _m_edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        chat_id, message_id = self._edit_target(params)
        markup = self._validate_markup(params.get("reply_markup"), inline_only=True)
        self._private_only(chat_id, markup)
        message = self._editable(chat_id, message_id)
        return self._apply_edit(
            message,
            html=message.html,
            parsed=ParsedText(message.text, message.entities),
            parse_mode=message.parse_mode,
            markup=markup,
        )

    def _m_delete_message(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or isinstance(message_id, bool):
            raise _bad("message identifier is not specified")
        if chat_id not in self._chats:
            raise _bad("chat not found")
        message = self._find_bot_message(chat_id, message_id)
        if message is not None:
            message.deleted = True
            return True
        if self._user_messages.get(chat_id, {}).pop(message_id, None) is not None:
            return True
        raise _bad("message to delete not found")

    def _m_answer_callback_query(self, params: JSONDict) -> bool:
        query_id = str(params.get("callback_query_id") or "")
        record = self._callbacks.get(query_id)
        if record is None or record.answered:
            raise _bad(QUERY_TOO_OLD)
        text = params.get("text")
        if text is not None and utf16_len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad("MESSAGE_TOO_LONG")
        record.answered = True
        record.answer_text = None if text is None else str(text)
        record.show_alert = bool(params.get("show_alert"))
        return True

    def _m_send_chat_action(self, params: JSONDict) -> bool:
        chat_id = self._chat_id(params)
        self._check_chat(chat_id)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        self.chat_actions.append((chat_id, str(action)))
        return True

    def _m_get_file(self, params: JSONDict) -> JSONDict:
        record = self._files.get(str(params.get("file_id") or ""))
        if record is None:
            raise _bad("invalid file_id")
        if record.file_size > MAX_DOWNLOAD_SIZE or record.file_path is None:
            raise _bad("file is too big")
        return {
            "file_id": record.file_id,
            "file_unique_id": record.file_unique_id,
            "file_size": record.file_size,
            "file_path": record.file_path,
        }

    def _media_prologue(
        self, params: JSONDict, name: str
    ) -> tuple[int, JSONDict | None, ParsedText, FileRecord | None, UploadedFile | None]:
        chat_id = self._chat_id(params)
        markup = self._validate_markup(params.get("reply_markup"))
        self._check_chat(chat_id)
        self._private_only(chat_id, markup)
        existing, upload = self._input_file(params, name)
        parsed = self._parse_text(
            params.get("caption"),
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION_LENGTH,
            empty_error=None,
            long_error="message caption is too long",
        )
        return chat_id, markup, parsed, existing, upload

    def _m_send_document(self, params: JSONDict) -> JSONDict:
        chat_id, markup, parsed, existing, upload = self._media_prologue(params, "document")
        if upload is not None:
            if len(upload.data) > MAX_UPLOAD_SIZE:
                raise TelegramAPIError(413, "Request Entity Too Large")
            filename = upload.filename or "document"
            mime = (
                upload.content_type
                if upload.content_type and upload.content_type != "application/octet-stream"
                else mimetypes.guess_type(filename)[0] or "application/octet-stream"
            )
            suffix = "." + filename.rsplit(".", 1)[1] if "." in filename else ""
            file = self._new_file(
                "documents",
                content=upload.data,
                file_size=len(upload.data),
                file_name=filename,
                mime_type=mime,
                extension=suffix,
            )
        else:
            assert existing is not None
            file = existing
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendDocument", chat_id)
        media: JSONDict = {
            "file_id": file.file_id,
            "file_unique_id": file.file_unique_id,
            "file_size": file.file_size,
        }
        if file.file_name:
            media["file_name"] = file.file_name
        if file.mime_type:
            media["mime_type"] = file.mime_type
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params.get("caption") or ""),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="document",
            entities=parsed.entities,
            date=int(time.time()),
            file_bytes=file.content,
            filename=file.file_name,
            mime_type=file.mime_type,
            file_id=file.file_id,
            reply_to_message_id=reply_to,
            media=media,
        )
        return self._message_json(self._store_bot_message(message))

    def _m_send_photo(self, params: JSONDict) -> JSONDict:
        chat_id, markup, parsed, existing, upload = self._media_prologue(params, "photo")
        if upload is not None:
            if len(upload.data) > MAX_PHOTO_UPLOAD_SIZE:
                raise _bad("PHOTO_SAVE_FILE_INVALID")
            if not _looks_like_image(upload.data):
                raise _bad("IMAGE_PROCESS_FAILED")
            file = self._new_file(
                "photos",
                content=upload.data,
                file_size=len(upload.data),
                file_name=upload.filename,
                mime_type="image/jpeg",
                extension=".jpg",
            )
        else:
            assert existing is not None
            file = existing
        reply_to = self._reply_target(chat_id, params)
        self._rate_check("sendPhoto", chat_id)
        sizes = [
            {
                "file_id": file.file_id,
                "file_unique_id": file.file_unique_id,
                "file_size": file.file_size,
                "width": 1280,
                "height": 960,
            }
        ]
        message = SentMessage(
            message_id=self._next_message_id(chat_id),
            chat_id=chat_id,
            html=str(params.get("caption") or ""),
            text=parsed.text,
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
            kind="photo",
            entities=parsed.entities,
            date=int(time.time()),
            file_bytes=file.content,
            filename=file.file_name,
            mime_type=file.mime_type,
            file_id=file.file_id,
            reply_to_message_id=reply_to,
            media=sizes,
        )
        return self._message_json(self._store_bot_message(message))
