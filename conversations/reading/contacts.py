"""The contacts with support a story tells of: channel, time, agent, ticket and promise.

A contact begins at a clause that says support was reached ("找了在线客服", "3月3号打了客服
电话", "contacted support the next morning"). Later clauses tell more of the same contact
until one names another channel, another day, another ticket, or says "again" (又, 再).
What support promised is a window in the contact's clauses, said by support, not the user.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from conversations.core.model import Channel, Contact
from conversations.core.timing import Part, RoughTime, Window
from conversations.reading.agents import TICKET, contact_ids
from conversations.reading.clauses import Clause, nearest
from conversations.reading.normalize import Norm
from conversations.reading.purchase import BUY as _BUY
from conversations.reading.spans import Span, trimmed
from conversations.reading.times import scan_times
from conversations.reading.windows import promise_window, scan_promises, scan_windows

# Channels named outright, most specific first: a clause naming two ("客服电话") is the first.
_CHANNELS: tuple[tuple[Channel, re.Pattern[str]], ...] = (
    (Channel.C12315, re.compile(r"12315|一二三一五|全国12315")),
    (Channel.HEIMAO, re.compile(r"黑猫|black\s*cat|heimao", re.I)),
    (Channel.JUTOUSU, re.compile(r"聚投诉|jutousu", re.I)),
    (Channel.MEDIATION, re.compile(
        r"消协|消费者协会|市场监管|工商局|调解|consumer\s+(?:association|council)|regulator"
        r"|market\s+supervision|mediat", re.I)),
    (Channel.EMAIL, re.compile(
        r"邮件|邮箱|电邮|信箱|寄信|来信|回信|e-?mail|\bmail(?:ed)?\b", re.I)),
    (Channel.PHONE, re.compile(
        r"电话|致电|热线|打过去|打去|打俾|hotline|phone|\bcalling\b|\brang\b"
        # "called them", not "an agent called Lily" or "a site called 星耀卡盟"
        r"|\bcall(?:ed)?\s+(?:them|the|their|your|you|support|customer|hotline|back|him|her|it)\b",
        re.I)),
    (Channel.PAYMENT, re.compile(
        r"(?:支付宝|微信支付|微信|wechat\s*pay|alipay)\s*(?:投诉|申诉|客服)"
        r"|(?:投诉|申诉)\s*(?:到|去)?\s*(?:支付宝|微信)", re.I)),
    (Channel.PLATFORM_SUPPORT, re.compile(
        r"在线客服|人工客服|平台客服|客服聊天|在线聊天|聊天窗口|站内信|工单|售后|机器人客服"
        # not "ticket": a phone call gives one as well
        r"|online\s+(?:chat|support)|live\s+(?:chat|support)|chat\s+support|in-app|\bchat(?:ted)?\b",
        re.I)),
)  # fmt: skip
# Support reached, without the channel said ("找了客服", "问了", "contacted them").
_REACHED = re.compile(
    r"客服|售后|联系|找了|找过|搵|揾|(?<![疑请])问(?!题|号)|询问|咨询|反馈|催了|催过|催促|投诉了|投诉过|"
    r"发消息|发信息|私信|发了消息|发了信息|"
    r"投诉咗|申诉|申请|留言"
    r"|(?<![A-Za-z])(?:support|agent|customer\s+service|cs|staff|seller|merchant|ticket)(?![A-Za-z])"
    r"|\b(?:contacted|reached\s+out|complained|asked|messaged|(?<!was\s)(?<!were\s)reported(?!\s+as)"
    r"|wrote\s+to|emailed"
    r"|opened\s+a|filed|raised|submitted|chased)\b",
    re.I,
)
# A threat or a plan is not a contact made: "否则我就投诉到12315", "明天我会再打电话".
_NOT_DONE = re.compile(
    r"否则|不然|要不然|打算|准备|会再|将会|我将|我会|我要去|要去|我就去|我要投诉|想投诉|我想|如果|若是|"
    r"再不|的话|还没(?:有)?(?:联系|找|问|打)|没(?:有)?联系|未联系|联系不上"
    r"|haven'?t\s+(?:been\s+able\s+to\s+)?(?:contact|reach)|not\s+(?:yet\s+)?contacted"
    r"|(?:couldn'?t|can'?t|unable\s+to)\s+reach|otherwise|\bI\s+will\b|\bI'll\b|going\s+to|plan\s+to|\bif\b|\bor\s+I\b|\bwill\s+(?:call"
    r"|email|file|report|complain)",
    re.I,
)
# A sentence that goes on with what support said: "They said 7 working days."
_THEY_SAID = re.compile(
    r"\s*(?:they|he|she|the\s+agent|他们|他|她|对方|佢哋|佢)\s*(?:also\s+)?(?:said|say|told|promised"
    r"|说|话|讲|表示|承诺|答应)",
    re.I,
)
# "第一次10/23早上，第二次今早": the times of repeated contacts told one after another.
_ORDINAL = re.compile(r"第[一二三四五1-5]次|\b(?:first|second|third)\s+time\b", re.I)
_LATER = re.compile(r"\s*(?:第[二三四五2-5]次|(?:the\s+)?(?:second|third)\s+time)", re.I)
_AGAIN = re.compile(r"又|再次|再|重新|第[二三四2-4]次|又一次|\bagain\b|\banother\b|\bonce\s+more\b"
                    r"|\bfollow(?:ed)?\s+up\b", re.I)  # fmt: skip
_UTC = ZoneInfo("UTC")
# The user reaching out, as against support answering.
_USER_ACTS = re.compile(
    r"联系|找|(?<![疑请])问(?!题)|打|拨|发|投诉|申请|催|留言|咨询|反馈|搵|揾|寄|提交(?!技术|给技术|到技术)|开了"
    r"|\b(?:contacted|called|emailed"
    r"|asked|reported|wrote|messaged|chased|complained|filed|reached|opened|raised|submitted|rang"
    r"|phoned|tried)\b",
    re.I,
)
# What support said: a window after these is their promise, not the user's.
_SAID = re.compile(
    r"说|称|表示|承诺|答应|保证|告知|告诉|回复|答复|话|讲|让我等|叫我等|要我等|让我|叫我|要等|需要|要"
    r"|\b(?:said|says|told|promised|replied|responded|claimed|assured|answered|wrote\s+back"
    r"|stated|saying|keeps?\s+saying|would|will|can\s+take|takes)\b",
    re.I,
)
# A duration that tells of time spent, not promised: "等了3天", "已经48小时了".
_WAITED_BEFORE = re.compile(r"(?:等了|已经|已|过了|超过|快|近|都|waited|for|after|over)\s*$", re.I)


@dataclass
class _Builder:
    """A contact being read, clause by clause."""

    channel: Channel | None
    clauses: list[Clause]
    at: datetime | None = None
    windows: list[tuple[int, int, Window]] = field(default_factory=list)
    ticket: str | None = None


def story_contacts(
    norm: Norm,
    masked: str,
    clauses: list[Clause],
    times: list[tuple[int, int, datetime]],
    purchase: Span | None,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[Contact, ...]:
    """Each contact with support the story tells of, in story order.

    `masked` is the normalised text with the user's demand and rule citation blanked, so
    their deadlines are not taken for promises; `times` are the story's past times.
    """
    windows = [w for w in scan_windows(masked, now, tz) if not _waited(masked, w[0])]
    built: list[_Builder] = []
    current: _Builder | None = None
    for clause in clauses:
        told = masked[clause.start : clause.end]
        if _HEADER.match(masked, clause.end) and clause.end - clause.start <= 8:
            continue  # "联系记录:", a form's heading, tells of no contact itself
        reached = _REACHED.search(told) or _named(told)
        planned = _NOT_DONE.search(masked, _joined_start(masked, clauses, clause), clause.end)
        if reached and not planned:
            channel = _named(told)
            at = _time_of(masked, clause, clauses, times, purchase)
            sentence_end = max(c.end for c in clauses if c.sentence == clause.sentence)
            if current is None or _new_contact(masked, current, clause, channel, at, sentence_end):
                current = _Builder(channel, [clause], at)
                built.append(current)
            else:
                current.clauses.append(clause)
                current.channel = _refined(current.channel, channel)
                current.at = current.at or at
        elif current is not None and (
            clause.sentence == current.clauses[-1].sentence or _THEY_SAID.match(told)
        ):
            # More of what support said or did; "第一次10/23早上" says when.
            at = _time_of(masked, clause, clauses, times, purchase) if _ORDINAL.search(
                told) else None
            later = _LATER.match(told)  # "第二次那个人就说…": the second call
            if later or (at is not None and current.at is not None and _AGAIN.search(told) and (
                at.date() != current.at.date()
            )):
                current = _Builder(current.channel, [clause], at)
                built.append(current)
            else:
                current.clauses.append(clause)
                current.at = current.at or at
        else:
            continue
        spoken = any(_SAID.search(masked, c.start, c.end) for c in current.clauses[:-1])
        current.windows += _promises(masked, clause, windows, current.at or now, tz, spoken)
    _loose_tickets(norm, built, clauses)
    # A mention that tells of no contact ("未来卡盟售后太慢了") gives way to real ones; alone,
    # it counts only when it names support ("客服不理人"), not a channel ("the email got lost").
    strong = [b for b in built if _told(masked, b)]
    weak = [b for b in built if any(_SUPPORT.search(masked, c.start, c.end) for c in b.clauses)]
    return tuple(_contact(norm, masked, b, tz) for b in (strong or weak))


_SUPPORT = re.compile(
    r"客服|售后|(?<![A-Za-z])(?:support|customer\s+service|cs|agent)(?![A-Za-z])", re.I
)
_HEADER = re.compile(r"\s*:\s*(?:\n|$)")
# Support that does not answer: it was reached all the same.
_NO_ANSWER = re.compile(
    r"不理|不回|没回|没人回|没人理|不回复|没有回复|不接|没人接|踢皮球|推诿|敷衍|甩锅|不处理|不管|不给处理"
    r"|没处理|拖着|一直拖|没下文|没消息|石沉大海|不了了之|did\s+nothing|nothing\s+happened"
    r"|no\s+(?:response|answer)|(?:haven'?t|have\s+not|never)\s+heard|not\s+heard\s+back"
    r"|ignor|no\s+reply|never\s+(?:replied|answered)|(?:doesn'?t|don'?t|won'?t)\s+(?:reply|answer)",
    re.I,
)


def _told(text: str, b: _Builder) -> bool:
    """Whether a contact's clauses tell of reaching support, not only name it."""
    return bool(b.at or b.windows or b.ticket) or any(
        pattern.search(text, c.start, c.end)
        for c in b.clauses
        for pattern in (_USER_ACTS, _SAID, _NO_ANSWER, TICKET)
    )


def _joined_start(text: str, clauses: list[Clause], clause: Clause) -> int:
    """Where a clause's thought begins: the clause before it when no punctuation stands between
    ("明天下午我会再 | 打电话" is one plan)."""
    i = clauses.index(clause)
    before = clauses[i - 1] if i else None
    if before is None or before.sentence != clause.sentence:
        return clause.start
    between = text[before.end : clause.start]
    return before.start if not re.search(r"[,，。!?;\n]", between) else clause.start


def _named(text: str) -> Channel | None:
    """The most specific channel a piece of text names, if any."""
    return next((channel for channel, pattern in _CHANNELS if pattern.search(text)), None)


def _refined(current: Channel | None, named: Channel | None) -> Channel | None:
    """A contact's channel once a later clause names one: "客服" then "在线客服"."""
    return current or named


def _new_contact(
    text: str,
    current: _Builder,
    clause: Clause,
    channel: Channel | None,
    at: datetime | None,
    sentence_end: int,
) -> bool:
    """Whether a clause reaching support tells of a new contact rather than the current one."""
    told = text[clause.start : clause.end]
    if channel is not None and current.channel is not None and channel is not current.channel:
        return True
    if channel is not None and channel is not Channel.PLATFORM_SUPPORT and current.channel is None:
        return True  # "客服甩锅…打了他们电话": the phone is another contact
    promised = _promised_here(text, clause, sentence_end)
    if at is not None and current.at is not None and at.date() != current.at.date():
        # "3月4日客服回复已提交技术" answers the contact before; a promise made then is new.
        return bool(_USER_ACTS.search(told) or promised)
    if at is not None and current.at is None and (
        _AGAIN.search(told)
        or (clause.sentence != current.clauses[-1].sentence
        and (_USER_ACTS.search(told) or promised))
    ):
        return True  # "客服先说需要申请…。12月22号提交了工单": a dated contact after an undated one
    if _AGAIN.search(told) and clause.sentence != current.clauses[-1].sentence:
        return True
    ticket = TICKET.search(told)
    return bool(ticket and current.ticket and ticket.group("id") != current.ticket)


def _promised_here(text: str, clause: Clause, sentence_end: int) -> bool:
    """Whether support promises a time from this clause to its sentence's end ("said a new
    code would come in 2 working days"): counted from then, it is a contact of its own."""
    said = _SAID.search(text, clause.start, sentence_end)
    return bool(said and scan_promises(text[said.end() : sentence_end], datetime.now(UTC), _UTC))


def _time_of(
    text: str,
    clause: Clause,
    clauses: list[Clause],
    times: list[tuple[int, int, datetime]],
    purchase: Span | None,
) -> datetime | None:
    """When a contact was made: a time in its clause, or in a clause of the same sentence just
    before it that says nothing else ("3月3号，打了客服电话")."""
    cues = [(m.span(), "contact") for m in _REACHED.finditer(text, clause.start, clause.end)]
    cues += [(m.span(), "buy") for m in _BUY.finditer(text, clause.start, clause.end)]
    own = [
        t for s, e, t in times
        if clause.start <= s < clause.end and (s, e) != purchase
        and nearest((s, e), cues) != "buy"  # "bought it last tuesday, support said…"
    ]  # fmt: skip
    if own:
        return own[0]
    i = clauses.index(clause)
    before = clauses[i - 1] if i else None
    if before is not None and before.sentence == clause.sentence:
        alone = [
            (s, e, t) for s, e, t in times
            if before.start <= s < before.end and (s, e) != purchase
            and _LEAD.fullmatch(text[before.start : s] + text[e : before.end])
        ]  # fmt: skip
        if alone:
            return alone[0][2]
    # A timeline line: "8.22 在线客服 说24小时", "Sept 22 - filed on 12315".
    line_start = text.rfind("\n", 0, clause.start) + 1
    first = next((t for t in times if t[0] >= line_start), None)
    same = first is not None and any(
        c.sentence == clause.sentence and c.start <= first[0] < c.end for c in clauses
    )  # on one line of a timeline, not the story's first sentence
    if first and same and first[0] - line_start <= 3 and first[1] <= clause.start and (
        first[:2] != purchase
    ):
        return first[2]
    return None


# What may stand beside a time in the clause before a contact: "然后我今天上午，打了…".
_LEAD = re.compile(r"[\s,]*(?:然后|后来|接着|我|就|那个|是|在|于|on|at|then|and|I)*[\s,:-]*", re.I)


def _promises(
    text: str,
    clause: Clause,
    windows: list[tuple[int, int, Window]],
    made_at: datetime,
    tz: ZoneInfo,
    spoken: bool,
) -> list[tuple[int, int, Window]]:
    """The windows support promised in a clause: "3个工作日内给答复", "说要7个工作日", and
    after what support said ("说已提交技术，3个工作日给答复") a bare one too."""
    said = _SAID.search(text, clause.start, clause.end)
    found = [w for w in windows if clause.start <= w[0] < clause.end]
    if not found and (said or spoken):
        # Without 内 / within: "客服说3个工作日给答复", "can take up to 30 minutes".
        begin = said.end() if said and said.start() < _first_digit(text, clause) else clause.start
        loose = scan_promises(text[begin : clause.end], made_at, tz)
        found = [(begin + s, begin + e, w) for s, e, w in loose if not _waited(text, begin + s)]
    if not found and said:
        # A day said as the answer's time: "说周一财务上班处理", "让我等到一月五号".
        found = _said_day(text, said.end(), clause.end, made_at, tz)
    return found[:1]


def _said_day(
    text: str, start: int, end: int, made_at: datetime, tz: ZoneInfo
) -> list[tuple[int, int, Window]]:
    """A day or time after what support said, read forwards from the contact, as "by then"."""
    base = _midday(made_at)
    for s, e, at in scan_times(text[start:end], base, tz, forwards=True):
        if at <= made_at:
            continue
        until = at if not isinstance(at, RoughTime) else at.exact().astimezone(tz).replace(
            hour=23, minute=59)
        return [(start + s, start + e, Window(text[start + s : start + e], until=until))]
    return []


def _first_digit(text: str, clause: Clause) -> int:
    """Where the first number of a clause is (a speech verb after it does not introduce it)."""
    m = re.search(r"[\d一二两三四五六七八九十半]", text[clause.start : clause.end])
    return clause.start + m.start() if m else clause.end


def _waited(text: str, start: int) -> bool:
    """Whether a duration tells of time already spent."""
    return bool(_WAITED_BEFORE.search(text, max(0, start - 6), start))


def _loose_tickets(norm: Norm, built: list[_Builder], clauses: list[Clause]) -> None:
    """A ticket told in a clause of its own belongs to the contact told before it (or the
    first one)."""
    for clause in clauses:
        if any(clause in b.clauses for b in built):
            continue
        m = TICKET.search(norm.text, clause.start, clause.end)
        if not m or not any(c.isdigit() for c in m.group("id")):
            continue
        before = [b for b in built if b.clauses[0].start < clause.start] or built[:1]
        if before and before[-1].ticket is None:
            before[-1].ticket = m.group("id")


def _midday(at: datetime) -> datetime:
    """The instant to read "明天" from: a contact known only to its day is read from that
    day's midday, not its first minute (which "明天" said after midnight would misread)."""
    if isinstance(at, RoughTime) and at.part is Part.DAY:
        return at.exact().replace(hour=12)
    return at


def _contact(norm: Norm, masked: str, b: _Builder, tz: ZoneInfo) -> Contact:
    """The contact read, its promise counted from when it was made."""
    # Over the contact's whole stretch: "12/4 客服 Amy 说…" may be cut into two clauses.
    ticket, agent = contact_ids(norm, b.clauses[0].start, b.clauses[-1].end)
    promise: str | None = None
    window: Window | None = None
    if b.windows:
        start, end, window = b.windows[0]
        promise = _promise_words(norm, masked, b, start, end)
        window = Window(norm.quote(start, end), window.amount, window.unit, window.until)
        if window.until is not None and b.at is not None:
            # "客服说明天下午6点前处理": tomorrow from the contact, not from the day of typing;
            # a contact known only to the day is read from its midday, not its first minute.
            window = promise_window(window.text, _midday(b.at), tz) or window
    return Contact(
        channel=b.channel or Channel.PLATFORM_SUPPORT,
        at=b.at,
        promise=promise,
        window=window,
        ticket=b.ticket or ticket,
        agent=agent,
    )


# "said that they would…": the promise starts after these.
_FILLER = re.compile(r"(?:(?:that|they|it|he|she|we)\s+)?(?:(?:would|will)\s+)?(?:be\s+)?", re.I)
_PROMISE_END = re.compile(r"[,，。!?;\n]|但|可是|却|结果|然而|到现在|至今|\bbut\b|\bthen\b", re.I)


def _promise_words(norm: Norm, masked: str, b: _Builder, start: int, end: int) -> str:
    """What was promised, in the user's words: from what support said to the clause's end."""
    clause = next(c for c in b.clauses if c.start <= start < c.end)
    said = _SAID.search(norm.text, clause.start, start)
    begin = said.end() if said else start
    while said and (said := _SAID.match(norm.text, trimmed(norm.text, begin, start)[0], start)):
        begin = said.end()  # "答复说…": after the last of the words for saying
    begin = trimmed(norm.text, begin, start)[0]
    filler = _FILLER.match(norm.text, begin, start)
    begin = filler.end() if filler and filler.end() < start else begin
    stop = _PROMISE_END.search(masked, end, clause.end)
    blank = next((i for i in range(end, clause.end) if masked[i] != norm.text[i]), clause.end)
    words = norm.quote(begin, min(stop.start() if stop else clause.end, blank)).strip(" ,，")
    return words[:120] or norm.quote(start, end)
