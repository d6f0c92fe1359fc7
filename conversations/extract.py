"""Pull case facts (amount, order number, issue, demand, ids, platform…) out of user text.

Pure functions: no I/O. Times and windows come from `conversations.timeparse`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from conversations.model import (
    DEFAULT_PLATFORM,
    Channel,
    Contact,
    DemandAction,
    IssueType,
    StoryFacts,
    TimelineEvent,
    Window,
)
from conversations.timeparse import (
    SHANGHAI,
    cn_number,
    find_promise_spans,
    find_time_spans,
    find_window_spans,
    normalise,
    promise_window,
)

MAX_EVENT_CHARS = 200
_Span = tuple[int, int]

# --- Amounts -------------------------------------------------------------------------------

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?"
_CN_AMOUNT_NUM = "[零一二两三四五六七八九十百千万]+"
_AMOUNT = re.compile(
    rf"""(?P<pre>[¥￥]|RMB|CNY|US\$|USD|\$)\s*(?P<n1>{_NUMBER})(?![\d.])
    |(?<![\d.,A-Za-z])(?P<n2>{_NUMBER})\s*
        (?P<suf>元|块钱|块(?!儿)|(?:rmb|cny|yuan|usd|dollars?)(?![a-z]))
    |(?P<cn>{_CN_AMOUNT_NUM})\s*(?P<cnsuf>元|块钱)""",
    re.VERBOSE | re.I,
)
# Words that say an amount is what was paid (or taken), not a face value.
_PAID_WORDS = re.compile(
    r"付|花了|花费|扣款|扣了|扣|价格|售价|paid|pay|charged|cost|spent|price", re.I
)
_FACE_VALUE_BEFORE = re.compile(r"(?:面值|面额|价值|face\s+value\s+(?:of\s+)?)\s*$", re.I)
_FACE_VALUE_AFTER = re.compile(r"\s*的")
_CLAUSE_BREAK = re.compile(r"[。！？!?；;\n，,]")


def parse_amount(text: str) -> int | None:
    """The paid amount in fen: "98元", "¥98", "￥ 1,299.00", "RMB 50", "五十元", "paid 98 yuan".

    Amounts in dollars are left out: the case keeps yuan, and 30 USD is not 30 yuan.
    """
    norm = normalise(text)
    best: tuple[int, int] | None = None  # (score, cents); the first of the best score wins
    for m in _AMOUNT.finditer(norm):
        cents = _amount_cents(m)
        if cents is None or cents <= 0 or _is_dollar(m):
            continue
        score = _amount_score(norm, m)
        if best is None or score > best[0]:
            best = (score, cents)
    return best[1] if best else None


def _amount_cents(m: re.Match[str]) -> int | None:
    """The matched amount in fen."""
    if m.group("cn"):
        yuan = cn_number(m.group("cn"))
        return yuan * 100 if yuan is not None else None
    raw = (m.group("n1") or m.group("n2")).replace(",", "")
    try:
        return int(Decimal(raw) * 100)
    except InvalidOperation:
        return None


def has_foreign_amount(text: str) -> bool:
    """Whether the text gives an amount in dollars ("30 USD", "$25") rather than in yuan."""
    return any(_is_dollar(m) for m in _AMOUNT.finditer(normalise(text)))


def _is_dollar(m: re.Match[str]) -> bool:
    """Whether an amount match is in dollars."""
    return (m.group("pre") or "").upper().endswith(("$", "USD")) or (
        (m.group("suf") or "").lower().startswith(("usd", "dollar"))
    )


def _amount_score(text: str, m: re.Match[str]) -> int:
    """Higher for amounts next to a payment word, lower for face values."""
    score = 1
    before = text[max(0, m.start() - 8) : m.start()]
    before = _CLAUSE_BREAK.split(before)[-1]  # only words of the same clause count
    if _PAID_WORDS.search(before):
        score += 3
    if _FACE_VALUE_BEFORE.search(before) or _FACE_VALUE_AFTER.match(text, m.end()):
        score -= 2
    return score


# --- Order numbers and ids -----------------------------------------------------------------

_SEP = r"(?:[\s:：#＃是为]|\bis\b|\bwas\b|\bno\.)*"
_TOKEN = r"(?P<no>[A-Za-z0-9][A-Za-z0-9_\-]{5,39})(?![A-Za-z0-9_\-])"
_ORDER_KEYWORDED = re.compile(
    rf"""(?:订单编号|订单号码|订单号|订单|(?<![工诉])单号
        |\border\s*(?:no\b\.?|number|num\b|id\b|\#)|\border\b)
    {_SEP}{_TOKEN}""",
    re.VERBOSE | re.I,
)
# Without a keyword only tokens that cannot be much else: a letter prefix and 8+ digits
# (WL20240302001), or 12+ digits (longer than any phone number).
_ORDER_BARE = re.compile(
    r"(?<![A-Za-z0-9_\-])(?P<no>[A-Za-z]{1,6}\d{8,}[A-Za-z0-9]*|\d{12,40})(?![A-Za-z0-9_\-])"
)
_DATE_LIKE = re.compile(r"\d{4}[-/.]\d{1,2}([-/.]\d{1,2})?|\d{1,2}[-/.]\d{1,2}")
_PHONE_LIKE = re.compile(r"1\d{10}")
_AMOUNT_AFTER = re.compile(r"\s*(?:元|块|rmb|cny|yuan)|[:：]\d", re.I)


def parse_order_no(text: str) -> str | None:
    """The order number: after 订单号/单号/order no…, or a bare long token like WL20240302001."""
    norm = normalise(text)
    id_spans = [span for span, _ in _id_matches(norm)]
    keyworded = [
        m for m in _ORDER_KEYWORDED.finditer(norm)
        if _plausible_order_no(norm, m) and not _inside(m.span("no"), id_spans)
    ]  # fmt: skip
    if keyworded:
        # A phone number written after 订单 loses to any other keyworded number.
        plain = [m for m in keyworded if not _PHONE_LIKE.fullmatch(m.group("no"))]
        return (plain or keyworded)[0].group("no")
    for m in _ORDER_BARE.finditer(norm):
        if _plausible_order_no(norm, m) and not _inside(m.span("no"), id_spans):
            return m.group("no")
    return None


def _plausible_order_no(text: str, m: re.Match[str]) -> bool:
    """A token with a digit that is not a date, a time or an amount."""
    token = m.group("no")
    if not any(c.isdigit() for c in token) or _DATE_LIKE.fullmatch(token):
        return False
    return not _AMOUNT_AFTER.match(text, m.end("no"))


def _inside(span: _Span, spans: list[_Span]) -> bool:
    """Whether span overlaps any of spans."""
    return any(span[0] < end and start < span[1] for start, end in spans)


_ID_SEP = r"(?:[\s:：#＃是为]|\bis\b|\bno\.)*"
_TICKET = re.compile(
    rf"""(?:工单编号|工单号|工单|\bticket\s*(?:no\b\.?|number|id\b|\#)?|\bcase\s*(?:id\b|no\b\.?|number|\#))
    {_ID_SEP}(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{{2,39}})(?![A-Za-z0-9_\-])""",
    re.VERBOSE | re.I,
)
_AGENT = re.compile(
    rf"""(?:客服工号|工号|客服编号|客服号|\bagent\s*(?:id\b|no\b\.?|number|\#)?
        |\bstaff\s*(?:id\b|no\b\.?|number|\#)|\boperator\s*(?:id\b|\#))
    {_ID_SEP}(?P<id>[A-Za-z0-9][A-Za-z0-9_\-]{{1,19}})(?![A-Za-z0-9_\-])
    |客服\s*[（(]\s*(?:工号)?\s*[:：]?\s*(?P<paren>[A-Za-z0-9_\-]{{2,20}})\s*[)）]
    |客服\s*(?P<numbered>\d{{3,10}})(?=\s*号|(?![\d小分元年月天日:：.]))""",
    re.VERBOSE | re.I,
)


def parse_ids(text: str) -> tuple[str | None, str | None]:
    """(ticket number, agent id): 工单号 / ticket # / case id, and 工号 / 客服(8801) / agent id."""
    ticket = agent = None
    for _, (kind, value) in _id_matches(normalise(text)):
        if kind == "ticket" and ticket is None:
            ticket = value
        elif kind == "agent" and agent is None:
            agent = value
    return ticket, agent


def _id_matches(text: str) -> list[tuple[_Span, tuple[str, str]]]:
    """Every ticket/agent id with its span, in order; ids must contain a digit."""
    found: list[tuple[_Span, tuple[str, str]]] = []
    for m in _TICKET.finditer(text):
        if any(c.isdigit() for c in m.group("id")):
            found.append((m.span("id"), ("ticket", m.group("id"))))
    for m in _AGENT.finditer(text):
        group = next(g for g in ("id", "paren", "numbered") if m.group(g))
        if any(c.isdigit() for c in m.group(group)):
            found.append((m.span(group), ("agent", m.group(group))))
    return sorted(found)


# --- Issue type ----------------------------------------------------------------------------

# Ordered by precedence: a concrete problem with the code, delivery or charge wins over how
# support behaved, and "already used" is more specific than "invalid" (sites say both).
_ISSUE_PATTERNS: tuple[tuple[IssueType, re.Pattern[str]], ...] = (
    (IssueType.USED_CODE, re.compile(
        r"已被使用|已使用|已被兑换|已兑换过|被人用了|被别人用了|被用过|被使用过"
        r"|already\s+(?:been\s+)?(?:used|redeemed)|been\s+redeemed", re.I)),
    (IssueType.DOUBLE_CHARGE, re.compile(
        r"重复扣款|重复扣费|重复支付|扣了?我?(?:两|2)次|扣款(?:两|2)次|多扣|扣了(?:两|2)笔"
        r"|(?:两|2)次扣(?:款|费|钱)|被扣了?(?:两|2)次|(?:付|支付|付款)了(?:两|2)次"
        r"|charged\s+(?:me\s+)?twice|double[-\s]charged?|charged\s+two\s+times"
        r"|duplicate\s+charge|paid\s+twice", re.I)),
    (IssueType.INVALID_CODE, re.compile(
        r"无效|失效|激活失败|兑换失败|无法激活|无法兑换|提示错误|卡密错误|不能用|用不了"
        r"|invalid|not\s+valid|doesn'?t\s+work|does\s+not\s+work|didn'?t\s+work"
        r"|won'?t\s+(?:work|redeem|activate)|failed\s+to\s+(?:redeem|activate)", re.I)),
    (IssueType.NOT_DELIVERED, re.compile(
        r"未到账|没到账|没有到账|不到账|没收到|没有收到|未收到|未发货|没发货|迟迟不到|延迟到账|充值失败"
        r"|not\s+(?:been\s+)?delivered|never\s+(?:received|arrived|got)|not\s+(?:yet\s+)?arrived"
        r"|haven'?t\s+received|have\s+not\s+received|didn'?t\s+(?:receive|get|arrive)"
        r"|not\s+received", re.I)),
    (IssueType.SUPPORT_STALLING, re.compile(
        r"推诿|踢皮球|不回复|没回复|没有回复|未回复|不理(?!解)|没人理|已提交技术|提交技术|敷衍|不回应"
        r"|no\s+(?:reply|response|answer)|never\s+(?:replied|answered|responded)|ignor(?:ed|ing)"
        r"|not\s+respond|passed\s+(?:it\s+)?to\s+(?:the\s+)?tech|not\s+(?:replying|responding)"
        r"|(?:doesn'?t|don'?t|do\s+not|does\s+not|won'?t)\s+(?:reply|respond|answer)", re.I)),
    (IssueType.AFTERSALES_DELAY, re.compile(
        r"售后拖延|拖着|一直拖|拖延|拖了|一拖再拖"
        r"|after-?sales\s+delay|keeps?\s+delaying|dragging|delayed\s+(?:the\s+)?refund", re.I)),
)  # fmt: skip


def classify_issue(text: str) -> IssueType | None:
    """The issue type named by keywords (zh/en); specific problems win over support behaviour."""
    for issue, pattern in _ISSUE_PATTERNS:
        if pattern.search(text):
            return issue
    return None


# --- Demands -------------------------------------------------------------------------------

# Money taken twice or too much: what to give back is that part, not the whole price.
_OVERCHARGE = re.compile(
    r"(?:(?:退还|退回|返还|退)(?:给我)?)?多(?:扣|收|付)(?:的|了)?(?:钱|部分|金额|款项?|费用)?"
    r"|refund\s+(?:of\s+)?the\s+(?:extra|duplicate|double|second|over)[-\s]?charge"
    r"|overcharge",
    re.I,
)
_ACTION_PATTERNS: tuple[tuple[DemandAction, re.Pattern[str]], ...] = (
    # The part charged twice is the part to give back: never more than the user asks for.
    (DemandAction.REFUND_DIFFERENCE, re.compile(
        rf"退还差价|退差价|补差价|返还差价|差价|{_OVERCHARGE.pattern}"
        r"|refund\s+(?:of\s+)?the\s+(?:price\s+)?difference|price\s+difference", re.I)),
    (DemandAction.FULL_REFUND, re.compile(
        r"全额退款|退全款|退款|退钱|退费|退还|退回|返还|refund(?:ed)?|money\s+back", re.I)),
    (DemandAction.REISSUE_CODE, re.compile(
        r"补发|重发|重新发|补卡|换一张|换卡|重新发放"
        r"|re-?issue|re-?send|replacement|new\s+code|replace\s+the\s+code", re.I)),
    (DemandAction.COMPENSATION, re.compile(r"赔偿|补偿|赔付|compensat\w*", re.I)),
)  # fmt: skip
_NEGATED = re.compile(r"(?:不要|不需要|不用|不接受|don'?t\s+want|\bnot\s+a|\bno)\s*$", re.I)
_VAGUE = re.compile(
    r"必须处理|给(?:我)?个?说法|给(?:我)?个?交代|尽快解决|尽快处理|赶紧处理|赶快处理|马上处理|立即处理"
    r"|处理一下|解决一下|看着办|负责到底|必须解决|给个答复"
    r"|handle\s+it|fix\s+(?:this|it)|sort\s+(?:it|this)\s+out|deal\s+with\s+it|do\s+something"
    r"|resolve\s+(?:this|it)",
    re.I,
)
# Concrete wishes outside the four actions, typed by the user: not vague.
_CONCRETE_OTHER = re.compile(
    r"道歉|解释|说明原因|核实|查明|恢复|解封|开发票|书面|承诺|apolog|explain|investigat|restore",
    re.I,
)
_PHRASE_END = re.compile(r"[，,。！？!?；;\n]")
_EN_CLAUSE_END = re.compile(r"[，,。！？!?；;\n]|\.(?=\s)")


def parse_demand(
    text: str, now: datetime, tz: ZoneInfo = SHANGHAI
) -> tuple[DemandAction | None, str | None, Window | None]:
    """(action, the demand phrase when it names several actions, deadline window)."""
    norm = normalise(text)
    windows = find_window_spans(text, now, tz)
    deadline = windows[0][2] if windows else None
    actions = _find_actions(norm)
    if not actions:
        return None, None, deadline
    first = actions[0][2]
    phrase = _demand_phrase(text, actions, [(s, e) for s, e, _ in windows])
    # The user's words are kept when they say more than one action's name: several actions,
    # the sum ("退还差价20元"), or that it is the overcharge ("退还多扣的200元").
    own_words = phrase and (parse_amount(phrase) or _OVERCHARGE.search(phrase))
    if len({a for _, _, a in actions}) < 2 and not own_words:
        return first, None, deadline
    return first, phrase, deadline


def is_vague_demand(text: str) -> bool:
    """True for a demand with no concrete action: "你们必须处理", "给个说法", "fix this now"."""
    if _find_actions(normalise(text)):
        return False
    return bool(_VAGUE.search(text)) or not _CONCRETE_OTHER.search(text)


def _find_actions(text: str) -> list[tuple[int, int, DemandAction]]:
    """Demanded actions in order of appearance, overlaps and negated ones ("不要补偿") removed."""
    spans = [
        (m.start(), m.end(), action)
        for action, pattern in _ACTION_PATTERNS
        for m in pattern.finditer(text)
        if not _NEGATED.search(text[max(0, m.start() - 12) : m.start()])
    ]
    out: list[tuple[int, int, DemandAction]] = []
    for span in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if not out or span[0] >= out[-1][1]:
            out.append(span)
    return out


def _demand_phrase(
    text: str, actions: list[tuple[int, int, DemandAction]], windows: list[_Span]
) -> str | None:
    """From the first action to the end of the clause holding the last, without the deadline."""
    start, last_end = actions[0][0], actions[-1][1]
    stop = _PHRASE_END.search(text, last_end)
    end = stop.start() if stop else len(text)
    for w_start, _ in windows:
        if last_end <= w_start < end:
            end = w_start  # "…或全额退款 within 48 hours": the deadline is kept apart
    phrase = text[start:end].strip(" \t，,。.!！?？；;")
    return phrase[:120] or None


# --- Platform and product ------------------------------------------------------------------

_DEFAULT_PLATFORM = re.compile(r"未来\s*卡盟")
_NAMED_KAMENG = re.compile(r"(?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,12})卡盟")
# Words that end the phrase before a name: "我昨天在星辰卡盟" → "星辰".
_NAME_BOUNDARY = re.compile(r".*[在从于的了去到是个家买和跟向找给过]")
_IN_PLATFORM = re.compile(
    r"[在从](?P<name>[\u4e00-\u9fffA-Za-z0-9]{1,10}?)"
    r"(?:平台|商城|官网|网站|APP|app|小程序|上(?:买|购买|充值|下单|订购))"
)
_EN_PLATFORM = re.compile(
    r"\b(?:on|from|at|via)\s+(?:the\s+)?(?P<name>[A-Z][\w&.'-]*(?:\s+[A-Z][\w&.'-]*){0,3})\s+"
    r"(?:[Pp]latform|[Ss]tore|[Ss]hop|[Mm]arketplace|[Ww]ebsite|[Ss]ite|[Aa]pp)\b"
)
_GENERIC_NAMES = frozenset(
    {
        *("这", "那", "该", "此", "本", "某", "这个", "那个", "这家", "那家", "一个", "一家"),
        *("各", "其他", "别的", "官方", "第三方", "网上", "网络", "网店", "线上", "手机", "电商"),
        *("他们", "你们", "贵", "The", "This", "That", "Their", "Our", "My", "Your"),
    }
)


def find_platform(text: str) -> str | None:
    """The platform: 未来卡盟, any "XX卡盟", "在XX平台/在XX上买", or "on <Name> store"."""
    norm = normalise(text)
    if _DEFAULT_PLATFORM.search(norm):
        return DEFAULT_PLATFORM
    for m in _NAMED_KAMENG.finditer(norm):
        name = _NAME_BOUNDARY.sub("", m.group("name"))[-8:]
        if name and name not in _GENERIC_NAMES:
            return f"{name}卡盟"
    for pattern in (_IN_PLATFORM, _EN_PLATFORM):
        for m in pattern.finditer(norm):
            name = m.group("name").strip()
            if len(name) >= 2 and name not in _GENERIC_NAMES:
                return name
    return None


_BUY_VERB = re.compile(
    r"(?:下单购买了|购买了|购买|买了|买到|买|充值了(?!卡)|充值(?!卡)|下单了|下单|订购了|订购|拍下了"
    r"|入手了)(?!时间|日期|记录|金额|渠道|平台|商品)"
)
_PRODUCT_WORD = re.compile(
    r"充值卡|礼品卡|购物卡|游戏卡|点卡|月卡|季卡|年卡|周卡|卡密|会员|Q币|点券|钻石|金币|激活码|兑换码"
    r"|CDK|卡(?!盟)",
    re.I,
)
_QUANTITY_AFTER = re.compile(
    r"\s*(?:\d+|[一二两三四五六七八九十百千万]+)\s*[个张点枚颗份](?![\u4e00-\u9fff])"
)
_LEADING_FILLER = re.compile(r"^[了的\s]*(?:[一二两三四五六七八九十\d]*\s*[张个份件套枚])?\s*")
_EN_BUY_VERB = re.compile(
    r"\b(?:bought|purchased|ordered|buy|purchase|paid\s+for|topped\s+up)\s+", re.I
)
_EN_PRODUCT_WORD = re.compile(
    r"\b(?:gift\s+cards?|top-?ups?|cards?|codes?|vouchers?|credits?|memberships?|subscriptions?"
    r"|points|diamonds|coins|keys?|pins?)\b",
    re.I,
)
_EN_LEADING_FILLER = re.compile(r"^(?:(?:a|an|one|the|some|my)\s+)+", re.I)
_EN_PHRASE_END = re.compile(r"[,;!?\n]|\.(?!\d)")
# A space between two Chinese words ends a clause too ("下单 订单 WL… 实付98元").
_PRODUCT_STOP = re.compile(r"[，,。！？!?；;\n]|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def find_product(text: str) -> str | None:
    """The product bought: "100元的Steam充值卡", "腾讯Q币100个", "$50 Google Play gift card"."""
    norm = normalise(text)
    for m in _BUY_VERB.finditer(norm):
        product = _zh_product_after(norm, m.end())
        if product:
            return product
    for m in _EN_BUY_VERB.finditer(norm):
        product = _en_product_after(norm, m.end())
        if product:
            return product
    return None


def _zh_product_after(text: str, start: int) -> str | None:
    """The noun phrase after a Chinese buying verb, ending at its product word (+ quantity)."""
    stop = _PRODUCT_STOP.search(text, start)
    segment = text[start : stop.start() if stop else len(text)][:40]
    word = _PRODUCT_WORD.search(segment)
    if not word:
        return None
    end = word.end()
    # "一卡通点卡": a product word right after another one belongs to the same name.
    while (more := _PRODUCT_WORD.search(segment, end)) and more.start() - end <= 2:
        end = more.end()
    quantity = _QUANTITY_AFTER.match(segment, end)
    if quantity:
        end = quantity.end()
    phrase = _LEADING_FILLER.sub("", segment[:end])
    platform = _DEFAULT_PLATFORM.match(phrase) or _NAMED_KAMENG.match(phrase)
    if platform and phrase[platform.end() : platform.end() + 1] == "的":
        phrase = phrase[platform.end() + 1 :]  # "未来卡盟的Steam卡": the shop is not the product
    phrase = phrase.strip()
    return phrase if 2 <= len(phrase) <= 40 else None


def _en_product_after(text: str, start: int) -> str | None:
    """The noun phrase after an English buying verb, ending at its product word."""
    stop = _EN_PHRASE_END.search(text, start)
    segment = text[start : stop.start() if stop else len(text)]
    word = _EN_PRODUCT_WORD.search(segment)
    if not word or len(segment[: word.start()].split()) > 6:
        return None
    phrase = _EN_LEADING_FILLER.sub("", segment[: word.end()]).strip()
    return phrase if 2 <= len(phrase) <= 60 else None


# --- Rule citations ------------------------------------------------------------------------

_RULE_NAME = re.compile(
    r"[《“\"「『](?P<name>[^》”\"」』\n]{2,40})[》”\"」』]\s*(?:的)?\s*"
    r"(?P<art>第\s*[0-9零一二两三四五六七八九十百]+\s*[条款项章节]|(?:article|section|clause|§)\s*\d+)?",
    re.I,
)
_RULE_WORDS = re.compile(
    r"协议|规则|政策|条款|规定|须知|制度|细则|policy|terms|rules|agreement", re.I
)
_SENTENCE_END = re.compile(r"[。！？!?\n]|\.(?!\d)(?=\s|$)")
# A citation stops where the user turns from the rule to the situation or the demand.
_CITATION_STOP = re.compile(
    r"[，,;；]\s*(?:目前|现在|但|可是|然而|请|已经|已|而|我|now|but|please|yet|however|it\s+has)",
    re.I,
)


def find_rule_citation(text: str) -> str | None:
    """A quoted rule with its article: "《虚拟商品售后规则》第5条，卡密失效需在24小时内处理"."""
    span = _rule_citation_span(normalise(text))
    return text[span[0] : span[1]].strip() if span else None


def _rule_citation_span(text: str) -> _Span | None:
    """Where the citation is: from the opening quote to the end of its sentence."""
    for m in _RULE_NAME.finditer(text):
        if not (m.group("art") or _RULE_WORDS.search(m.group("name"))):
            continue
        end_m = _SENTENCE_END.search(text, m.end())
        end = end_m.start() if end_m else len(text)
        stop = _CITATION_STOP.search(text, m.end(), end)
        if stop:
            end = stop.start()
        return m.start(), end
    return None


# --- The story extractor -------------------------------------------------------------------

_PURCHASE = re.compile(
    r"购买|买了|买的|买|下单|充值(?!卡|失败)|订购|拍下"
    r"|\b(?:bought|purchased|ordered|paid\s+for|topped\s+up|placed\s+an\s+order)\b",
    re.I,
)
_CONTACT = re.compile(
    r"客服|工单|回复|答复|联系|咨询|反馈|售后|工号|打电话|致电|热线|邮件|邮箱"
    r"|黑猫|聚投诉|12315|投诉了|提交了投诉"
    r"|\b(?:support|customer\s+service|agents?|tickets?|repl(?:y|ied)|answered|contacted"
    r"|reached\s+out|e-?mailed|called|phoned|chat(?:ted)?|hotline|complained|filed\s+a\s+complaint"
    r"|staff|reported)\b",
    re.I,
)
_CHANNELS: tuple[tuple[Channel, re.Pattern[str]], ...] = (
    (Channel.EMAIL, re.compile(r"邮件|邮箱|e-?mail", re.I)),
    (Channel.PHONE, re.compile(
        r"电话|致电|热线|\bphone|\bcalled\b|\bcall(?:ed)?\s+(?:them|the)", re.I)),
    (Channel.C12315, re.compile(r"12315")),
    (Channel.HEIMAO, re.compile(r"黑猫|black\s*cat", re.I)),
    (Channel.JUTOUSU, re.compile(r"聚投诉")),
)  # fmt: skip
# A threat ("否则我将向12315投诉") or a plan ("明天我会再打电话") is not a contact made.
_NOT_DONE = re.compile(
    r"否则|不然|要不然|打算|准备|会再|将会|我将|我会|我要去"
    r"|otherwise|\bI\s+will\b|\bI'll\b|going\s+to|plan\s+to|\bwill\s+(?:call|email|file|report)",
    re.I,
)
_DEMAND_MARKER = re.compile(
    r"要求|希望|请求|请(?!问)|我要|我想要|我想|务必|诉求|\bI\s+need\b"
    r"|\bdemand|\bwant\b|would\s+like|I'd\s+like|\bplease\b|\bexpect\b|\brequest|ask(?:ing)?\s+for",
    re.I,
)
# "客服要求我提供截图": the marker belongs to someone else.
_OTHER_SUBJECT = re.compile(
    r"客服|对方|他们|平台|商家|售后|工作人员|\bsupport\b|\bthey\b|\bagent\b|\bstaff\b", re.I
)
_PROMISE_VERB = re.compile(
    r"\b(?:promised|said|told\s+(?:me|us)|assured(?:\s+me)?|stated|replied|answered|will|would)\b",
    re.I,
)
_EN_PROMISE_FILLER = re.compile(
    r"^(?:(?:that|they|it|he|she|we|the\s+issue|this)\s+)?(?:(?:would|will)\s+)?(?:be\s+)?"
    r"(?:to\s+)?",
    re.I,
)
_ZH_PROMISE_TAIL = re.compile(
    r"[^\s，,。！？!?；;、]{0,10}?(?=[\s，,。！？!?；;、]|但|可是|却|结果|然而|到现在|至今|$)"
)


# Channels named outright; platform support only by words that say it ("在线客服", not "客服",
# which is also who answers the hotline).
_PLATFORM_SUPPORT = re.compile(
    r"在线客服|人工客服|平台客服|客服聊天|在线聊天|聊天窗口|站内信|工单|"
    r"\b(?:online\s+chat|live\s+chat|chat(?:ted)?|tickets?)\b",
    re.I,
)
# What support said it would do: the verbs a window without 内 is a promise after.
_ZH_PROMISE_VERB = re.compile(r"说|承诺|答应|表示|保证|告知|回复|答复")
# A form-style paste: "订单号:KM-… 金额:¥49.9 商品:… 购买时间:… 问题:… 诉求:…".
_FORM_LABEL = re.compile(
    r"""(?:^|(?<=[\s,，;；|]))
    (?:(?P<order>订单编号|订单号码|订单号|单号|order\s*(?:no\.?|number|id))
      |(?P<amount>实付金额|支付金额|付款金额|订单金额|实付|金额|价格|amount(?:\s+paid)?|price|paid)
      |(?P<product>商品名称|购买商品|商品|产品|product|item)
      |(?P<purchased>购买时间|下单时间|付款时间|支付时间|交易时间|purchase\s*(?:time|date)|purchased(?:\s+at)?
        |order\s*(?:time|date))
      |(?P<platform>购买平台|平台名称|平台|platform)
      |(?P<issue>问题描述|问题|遇到的问题|issue|problem)
      |(?P<demand>我的诉求|处理要求|诉求|要求|demand|request))
    \s*[:：]\s*""",
    re.VERBOSE | re.I,
)
_FORM_KINDS = ("order", "amount", "product", "purchased", "platform", "issue", "demand")
_FORM_VALUE_END = re.compile(r"\s*[，,；;。]*\s*$")
# A space between Chinese words or numbers ends a clause ("实付98元 10:20 激活失败").
_SOFT_BREAK = re.compile(
    r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d])|(?<=\d)\s+(?=[\u4e00-\u9fff])"
)


@dataclass
class _Group:
    """Clauses of one sentence that belong to one time: the unit a timeline event is made of."""

    start: int
    end: int
    times: list[tuple[int, int, datetime]] = field(default_factory=list)


@dataclass
class _Sentence:
    """A sentence with its time groups."""

    start: int
    end: int
    groups: list[_Group]


def extract_story(text: str, now: datetime, tz: ZoneInfo = SHANGHAI) -> StoryFacts:
    """Everything extractable from a pasted narrative; fields stay None when not found."""
    norm = normalise(text)
    form = _form_fields(norm)
    citation = _rule_citation_span(norm)
    windows = find_window_spans(text, now, tz)
    times = [
        t
        for t in find_time_spans(
            _mask(norm, [(s, e) for s, e, _ in windows]), now, tz, inherit_date=True
        )
        if t[2] <= now  # future times are deadlines or threats, not facts
    ]
    sentences = _sentences(norm, times, [label for label, _ in form.values()])
    demand = form["demand"][1] if "demand" in form else None
    demand = demand or _find_demand_region(norm, sentences, citation)
    purchase_group, purchased_at = _purchase(norm, sentences, form)
    masked = _mask(norm, [s for s in (citation, demand) if s])

    action, demand_text, deadline = (
        parse_demand(text[demand[0] : demand[1]], now, tz) if demand else (None, None, None)
    )
    vague = _vague_demand(text, norm, sentences, demand, action)
    amount = parse_amount(_form_value(norm, form, "amount") or masked)
    if amount is None and action is DemandAction.FULL_REFUND and demand:
        amount = parse_amount(text[demand[0] : demand[1]])  # "要求退款98元": the price paid
    issue_text = _form_value(norm, form, "issue")
    facts = StoryFacts(
        platform=_form_value(norm, form, "platform") or find_platform(norm),
        order_no=_form_order_no(norm, form) or parse_order_no(norm),
        product=_form_product(norm, form) or find_product(
            _mask(norm, [citation] if citation else [])
        ),
        amount_cents=amount,
        purchased_at=purchased_at,
        issue_type=(classify_issue(issue_text) if issue_text else None) or classify_issue(masked),
        events=_events(text, _mask(norm, [demand] if demand else []), sentences, purchase_group),
        contacts=_contacts(text, masked, sentences, windows, purchase_group, now, tz),
        demand_action=action,
        demand_text=demand_text,
        demand_deadline=deadline,
        demand_vague=vague,
        rule_citation=text[citation[0] : citation[1]].strip() if citation else None,
    )
    found = tuple(name for name in _FACT_FIELDS if getattr(facts, name) not in (None, ()))
    return replace(facts, found=found)


_FACT_FIELDS = (
    "platform", "order_no", "product", "amount_cents", "purchased_at", "issue_type", "events",
    "contacts", "demand_action", "demand_text", "demand_deadline", "demand_vague",
    "rule_citation",
)  # fmt: skip


def _mask(text: str, spans: list[_Span]) -> str:
    """The text with the given spans blanked out (same length, so offsets stay valid)."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _form_fields(text: str) -> dict[str, tuple[_Span, _Span]]:
    """Labelled fields of a form-style paste: kind → (label span, value span); two at least."""
    labels = list(_FORM_LABEL.finditer(text))
    if len(labels) < 2:
        return {}
    out: dict[str, tuple[_Span, _Span]] = {}
    for i, m in enumerate(labels):
        kind = next(k for k in _FORM_KINDS if m.group(k))
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        line_end = text.find("\n", m.end(), end)
        end = line_end if line_end >= 0 else end
        value_end = _FORM_VALUE_END.search(text, m.end(), end)
        value = (m.end(), value_end.start() if value_end else end)
        if kind not in out and value[0] < value[1]:
            out[kind] = ((m.start(), m.end()), value)
    return out


def _form_value(text: str, form: dict[str, tuple[_Span, _Span]], kind: str) -> str | None:
    """The value typed after a form label, or None."""
    if kind not in form:
        return None
    start, end = form[kind][1]
    return text[start:end].strip() or None


def _form_order_no(text: str, form: dict[str, tuple[_Span, _Span]]) -> str | None:
    """The order number typed after 订单号: as it stands, when it is one token with a digit."""
    value = _form_value(text, form, "order")
    token = value.split()[0] if value else ""
    return token if _FORM_TOKEN.fullmatch(token) and any(c.isdigit() for c in token) else None


_FORM_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]{3,39}")


def _form_product(text: str, form: dict[str, tuple[_Span, _Span]]) -> str | None:
    """The product typed after 商品:, when it is short enough to be a product name."""
    value = _form_value(text, form, "product")
    return value if value and 2 <= len(value) <= 40 else None


_SENTENCE_BREAK = re.compile(r"[。！？!?；;\n]|(?<![Nn]o)(?<!\b[A-Za-z])\.(?=\s|$)")
_COMMA = re.compile(r"[，,]")


def _sentences(
    text: str, times: list[tuple[int, int, datetime]], labels: list[_Span] | None = None
) -> list[_Sentence]:
    """Sentences split into time groups; punctuation inside a time ("Nov. 3, 2024") stays.

    Each label of a form-style paste starts a sentence of its own.
    """
    breaks = [
        m.start()
        for m in _SENTENCE_BREAK.finditer(text)
        if not any(s <= m.start() < e for s, e, _ in times)  # "Nov. 3" is one time
    ]
    # A label's break is the space before it (each break swallows one character).
    breaks += [start - 1 for start, _ in labels or [] if start > 0]
    out: list[_Sentence] = []
    start = 0
    for end in [*sorted(set(breaks)), len(text)]:
        if end < start:
            continue
        if text[start:end].strip():
            out.append(_Sentence(start, end, _groups(text, start, end, times)))
        start = end + 1
    return out


def _groups(
    text: str, start: int, end: int, times: list[tuple[int, int, datetime]]
) -> list[_Group]:
    """A clause with a time starts a group; clauses without one join the group before."""
    inside = [t for t in times if start <= t[0] < end]
    cuts = sorted(
        m.start()
        for pattern in (_COMMA, _SOFT_BREAK)
        for m in pattern.finditer(text, start, end)
        if not any(s <= m.start() < e for s, e, _ in inside)
    )
    groups: list[_Group] = []
    clause_start = start
    for clause_end in [*cuts, end]:
        clause_times = [t for t in inside if clause_start <= t[0] < clause_end]
        if not groups or (clause_times and groups[-1].times):
            groups.append(_Group(clause_start, clause_end, clause_times))
        else:
            groups[-1].end = clause_end
            groups[-1].times.extend(clause_times)
        clause_start = clause_end + 1
    return groups


def _purchase(
    text: str,
    sentences: list[_Sentence],
    form: dict[str, tuple[_Span, _Span]],
) -> tuple[_Group | None, datetime | None]:
    """The time group of the purchase, and its time: the form's 购买时间 field, or else the
    first sentence naming a purchase."""
    if "purchased" in form:
        value_start = form["purchased"][1][0]
        for group in (g for s in sentences for g in s.groups if g.times):
            if group.start <= value_start < group.end:
                return group, group.times[0][2]
    for sentence in sentences:
        verb = _PURCHASE.search(text, sentence.start, sentence.end)
        timed = [g for g in sentence.groups if g.times]
        if not verb or not timed:
            continue
        own = next((g for g in timed if g.start <= verb.start() < g.end), timed[0])
        return own, own.times[0][2]
    return None, None


def _events(
    text: str, masked: str, sentences: list[_Sentence], purchase: _Group | None
) -> tuple[TimelineEvent, ...]:
    """Each timed group other than the purchase, as an event, earliest first; the demand is
    left out of the event's words (it is masked in `masked`)."""
    events = [
        TimelineEvent(at=g.times[0][2], text=_clip(_without_times(text, masked, g)))
        for s in sentences
        for g in s.groups
        if g.times and g is not purchase
    ]
    return tuple(sorted((e for e in events if e.text), key=lambda e: e.at))


_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,，。.;；:：])")
# A preposition that only introduced the removed time ("on Nov 4 at 9 am", "于3月2日").
_LEADING_PREPOSITION = re.compile(r"(?:\b(?:on|at|in|around|about|since)\s*|于)$", re.IGNORECASE)


def _without_times(text: str, masked: str, group: _Group) -> str:
    """The group's words minus its time phrases: the event's own time says when, absolutely,
    and "今天上午10点" in a complaint read days later would mislead."""
    out, pos = [], group.start
    for start, end, _ in sorted(group.times):
        out.append(_LEADING_PREPOSITION.sub("", _unmasked(text, masked, pos, start)))
        pos = max(pos, end)
    out.append(_unmasked(text, masked, pos, group.end))
    return _SPACE_BEFORE_PUNCT.sub(r"\1", " ".join("".join(out).split()))


def _unmasked(text: str, masked: str, start: int, end: int) -> str:
    """The user's own characters from start to end, blank where `masked` is blanked."""
    pairs = zip(text[start:end], masked[start:end], strict=True)
    return "".join(" " if m == " " else c for c, m in pairs)


def _clip(s: str) -> str:
    """Trimmed of punctuation and capped at MAX_EVENT_CHARS."""
    s = s.strip(" \t，,。.!！?？；;、")
    return s if len(s) <= MAX_EVENT_CHARS else s[: MAX_EVENT_CHARS - 1] + "…"


def _find_demand_region(
    text: str, sentences: list[_Sentence], citation: _Span | None
) -> _Span | None:
    """From the user's demand marker to the end of its sentence; one with an action first."""
    candidates: list[_Span] = []
    for sentence in sentences:
        for m in _DEMAND_MARKER.finditer(text, sentence.start, sentence.end):
            if citation and citation[0] <= m.start() < citation[1]:
                continue
            clause_start = _clause_start(text, sentence.start, m.start())
            if _OTHER_SUBJECT.search(text, clause_start, m.start()):
                continue
            candidates.append((m.start(), sentence.end))
            break
    with_action = [c for c in candidates if _find_actions(text[c[0] : c[1]])]
    chosen = with_action or candidates
    return chosen[0] if chosen else None


def _clause_start(text: str, start: int, pos: int) -> int:
    """Where the clause holding `pos` begins: after the last comma or clause-ending space."""
    # One character past pos, so that a break's lookahead sees the clause's first character.
    found = (m for p in (_COMMA, _SOFT_BREAK) for m in p.finditer(text, start, pos + 1))
    cuts = [m.end() for m in found if m.end() <= pos]
    return max([start, *cuts])


def _vague_demand(
    text: str,
    norm: str,
    sentences: list[_Sentence],
    demand: _Span | None,
    action: DemandAction | None,
) -> str | None:
    """The user's demand, in their words, when it names no concrete action ("你们必须处理")."""
    if action is not None:
        return None
    span = demand
    if span is None:
        # "…客服一直推诿，你们必须处理！": no 要求 / 希望, but a demand all the same.
        for sentence in sentences:
            m = _VAGUE.search(norm, sentence.start, sentence.end)
            if not m:
                continue
            clause_start = _clause_start(norm, sentence.start, m.start())
            if _OTHER_SUBJECT.search(norm, clause_start, m.start()):
                continue  # "客服说会尽快处理" is their promise, not the user's demand
            stop = _PHRASE_END.search(norm, m.end(), sentence.end)
            span = (clause_start, stop.start() if stop else sentence.end)
            break
    if span is None:
        return None
    phrase = " ".join(text[span[0] : span[1]].split()).strip(" \t，,。.!！?？；;、:：")
    if not phrase or not is_vague_demand(phrase):
        return None
    return phrase if len(phrase) <= 60 else phrase[:59] + "…"


@dataclass
class _Cluster:
    """The groups that tell of one contact."""

    groups: list[_Group]
    channel: Channel | None  # the channel named outright, if any
    windows: list[tuple[int, int, Window]] = field(default_factory=list)

    @property
    def span(self) -> _Span:
        """From the first group's start to the last one's end."""
        return (self.groups[0].start, self.groups[-1].end) if self.groups else (0, 0)


def _contacts(
    text: str,
    masked: str,
    sentences: list[_Sentence],
    windows: list[tuple[int, int, Window]],
    purchase: _Group | None,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[Contact, ...]:
    """Each contact with support the story tells of: channel, time, ids and promise.

    A new contact starts where the story names another channel ("10月2日打电话…10月8日在线客服
    …"), a second ticket, or a second promise made at a time of its own.
    """
    # Windows outside the demand and the rule citation are promises.
    promises = [(s, e, w) for s, e, w in windows if masked[s:e].strip()]
    clusters: list[_Cluster] = []
    for group in _contact_groups(masked, sentences):
        channel = _named_channel(masked, group)
        group_windows = [w for w in promises if group.start <= w[0] < group.end]
        current = clusters[-1] if clusters else None
        if current is None or _starts_contact(masked, current, group, channel, group_windows):
            clusters.append(_Cluster([group], channel, group_windows))
            continue
        current.groups.append(group)
        current.channel = current.channel or channel
        current.windows += group_windows
    # Ids told outside every contact group ("Agent ID 7731.") belong to the first contact.
    ticket, agent = parse_ids(_mask(masked, [c.span for c in clusters]))
    loose_promises = [w for w in promises if not any(w in c.windows for c in clusters)]
    if not clusters:
        if not (ticket or agent or loose_promises):
            return ()
        clusters.append(_Cluster([], None, loose_promises))
    elif loose_promises and not any(c.windows for c in clusters):
        clusters[0].windows += loose_promises  # a promise told in a sentence of its own
    return tuple(
        _contact_of(text, masked, c, purchase, now, tz, (ticket, agent) if i == 0 else None)
        for i, c in enumerate(clusters)
    )


def _starts_contact(
    text: str,
    current: _Cluster,
    group: _Group,
    channel: Channel | None,
    windows: list[tuple[int, int, Window]],
) -> bool:
    """Whether a contact group tells of a new contact rather than more of the current one."""
    if channel is not None and channel is not (current.channel or Channel.PLATFORM_SUPPORT):
        return True
    current_ids = {parse_ids(text[g.start : g.end])[0] for g in current.groups} - {None}
    ticket = parse_ids(text[group.start : group.end])[0]
    if ticket and current_ids and ticket not in current_ids:
        return True
    return bool(windows and current.windows and group.times)


def _contact_of(
    text: str,
    masked: str,
    cluster: _Cluster,
    purchase: _Group | None,
    now: datetime,
    tz: ZoneInfo,
    fallback_ids: tuple[str | None, str | None] | None,
) -> Contact:
    """One contact from its groups; the ids found outside any group go to the first one."""
    at = next((g.times[0][2] for g in cluster.groups if g.times and g is not purchase), None)
    ticket = agent = None
    for g in cluster.groups:
        t, a = parse_ids(masked[g.start : g.end])
        ticket, agent = ticket or t, agent or a
    if fallback_ids:
        ticket, agent = ticket or fallback_ids[0], agent or fallback_ids[1]
    window: Window | None = None
    promise: str | None = None
    if cluster.windows:
        start, end, window = cluster.windows[0]
        promise = _promise_text(text, start, end)
    else:
        start, end, window = _loose_promise(text, masked, cluster, at or now, tz) or (0, 0, None)
        promise = _promise_text(text, start, end) if window else None
    if window is not None and window.until is not None and at is not None:
        # "客服说明天下午6点前处理": tomorrow from the contact, not from when the story is typed.
        window = promise_window(window.text, at, tz) or window
    return Contact(
        channel=cluster.channel or _channel(masked, cluster.groups),
        at=at,
        promise=promise,
        window=window,
        ticket=ticket,
        agent=agent,
    )


def _loose_promise(
    text: str, masked: str, cluster: _Cluster, made_at: datetime, tz: ZoneInfo
) -> tuple[int, int, Window] | None:
    """A window without 内 after what support said: "客服说3个工作日给答复"."""
    for g in cluster.groups:
        verb = _ZH_PROMISE_VERB.search(masked, g.start, g.end) or _PROMISE_VERB.search(
            masked, g.start, g.end
        )
        if not verb:
            continue
        for start, end, window in find_promise_spans(masked[verb.end() : g.end], made_at, tz):
            return verb.end() + start, verb.end() + end, replace(
                window, text=text[verb.end() + start : verb.end() + end]
            )
    return None


def _contact_groups(text: str, sentences: list[_Sentence]) -> list[_Group]:
    """Time groups that tell of a contact already made (not threatened or planned)."""
    return [
        g
        for s in sentences
        for g in s.groups
        if _CONTACT.search(text, g.start, g.end) and not _NOT_DONE.search(text, g.start, g.end)
    ]


def _named_channel(text: str, group: _Group) -> Channel | None:
    """The channel a group names outright, platform support included; None if it names none."""
    hits = [
        (m.start(), channel)
        for channel, pattern in (*_CHANNELS, (Channel.PLATFORM_SUPPORT, _PLATFORM_SUPPORT))
        if (m := pattern.search(text, group.start, group.end))
    ]
    return min(hits)[1] if hits else None


def _channel(text: str, groups: list[_Group]) -> Channel:
    """The first channel named in the contact groups; platform support when none is."""
    for group in groups:
        hits = [
            (m.start(), channel)
            for channel, pattern in _CHANNELS
            if (m := pattern.search(text, group.start, group.end))
        ]
        if hits:
            return min(hits)[1]
    return Channel.PLATFORM_SUPPORT


def _promise_text(text: str, start: int, end: int) -> str:
    """The promise around a window: "24小时内处理", "reply within 24 hours"."""
    window_text = text[start:end]
    if window_text.isascii():
        clause_start = max([0] + [m.end() for m in _EN_CLAUSE_END.finditer(text, 0, start)])
        verbs = list(_PROMISE_VERB.finditer(text, clause_start, start))
        if not verbs:
            return window_text
        # From the first verb: "said they would reply within…" keeps what was promised.
        phrase = text[verbs[0].end() : end].strip()
        return _EN_PROMISE_FILLER.sub("", phrase, count=1).strip() or window_text
    tail = _ZH_PROMISE_TAIL.match(text, end)
    return window_text + (tail.group(0) if tail else "")
