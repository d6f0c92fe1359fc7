"""What went wrong, by the words people use for it (zh-CN, zh-TW normalised, Cantonese, English)."""

from __future__ import annotations

import re
from collections.abc import Callable

from conversations.core.model import IssueType
from conversations.reading.normalize import normalise


def _cues(*alternatives: str) -> re.Pattern[str]:
    """One pattern from several alternatives, case-insensitive."""
    return re.compile("|".join(alternatives), re.I)


_USED = _cues(
    r"已经?被(?:人|别人|其他人)?(?:使用|用过?|兑换|绑定?|充值|领取|激活)",
    r"被(?:人|别人|其他人)?(?:用过|用了|使用过|兑换过|绑了|绑定了)|已(?:使用|兑换过?|用过)",
    r"已经(?:用过了?|用咗)|俾人用|被人用|被盗用|被redeem|已经?被?redeem咗",
    r"already\s+(?:been\s+)?(?:used|redeemed|claimed|activated|bound)|(?:has|had|was)\s+been\s+"
    r"(?:used|redeemed)|used\s+already|redeemed\s+by\s+(?:someone|somebody|another)",
)


_DOUBLE = _cues(
    r"重复(?:扣款|扣费|扣钱|支付|付款|收费)",
    r"(?:扣|付|支付|付款|charge)(?:了|咗)?(?:我|我的)?(?:款|费|钱)?(?:两|二|2)\s*(?:次|笔)",
    r"(?:两|2)\s*次(?:都)?(?:被)?扣|扣(?:了|咗)?(?:两|2)\s*笔|(?:两|2)\s*笔(?:扣款|付款|钱)",
    r"charged\s+(?:me\s+)?(?:twice|two\s+times)|double[-\s]?charged?|duplicate\s+(?:charge|payment)",
    r"paid\s+twice|(?:took|taken|deducted)\s+(?:2|two)\s+payments|went\s+through\s+twice",
    r"(?:billed|deducted)\s+twice|twice\s+for\s+(?:one|the\s+same)|[¥$]\s*\d+(?:\.\d+)?\s+twice",
)


_INVALID = _cues(
    r"无效|失效|激活失败|兑换失败|绑定失败|无法(?:激活|兑换|使用|充值|绑定)|不能(?:用|使用|兑换|激活)",
    r"用不了|充不进去?|充不了|兑换不了|激活不了|绑不上|卡号或密码错误|卡?密码?(?:错误|不对|有误)",
    r"(?:提示|显示|说|话)(?:是)?(?:错误|不存在)|不匹配|假卡|还是错的|错误的卡密",
    r"(?:卡|卡密|卡号|序号|兑换码)\S{0,2}不存在|过期|expired",
    r"用唔到|入唔到|充唔到|唔work|redeem唔到|冇效",
    r"invalid|not\s+valid|(?:doesn'?t|does\s+not|didn'?t|did\s+not|won'?t|will\s+not)\s+"
    r"(?:work|redeem|activate)|failed\s+to\s+(?:redeem|activate)|(?:can'?t|cannot|could\s*n[o']t)"
    r"\s+(?:be\s+)?redeem|not\s+working|fake\s+code|code\s+(?:is\s+)?wrong",
)


# "Other" needs a concrete cue of its own: a frozen account, a balance to withdraw, the wrong
# item, a region lock, a price that changed, a renewal never agreed to.
_OTHER = _cues(
    r"冻结|解冻|封号|被封|(?:账号|帐号|account)\s*(?:被|俾人|was\s+|got\s+|is\s+)?"
    r"(?:锁|lock|frozen|banned|suspended)|lock\s*咗|frozen|banned",
    r"提现|withdraw",
    r"发错|错发|发成了?|(?:收到|发来|发过来|发给我)的(?:卡密|序号|卡|货)?是.{1,10}(?:的|不是)|货不对版",
    r"wrong\s+(?:item|card|product|denomination|value)|sent\s+(?:me\s+)?(?:a|the)\s+wrong",
    r"(?:got|received|sent(?:\s+me)?|gave\s+me)\s+(?:a|an|the)\s+.{0,30}\binstead\b",
    r"只能(?:充|在|用于)|仅限|锁区|(?:区域|地区)限制|描述不符|不是全国通用",
    r"only\s+(?:works\s+)?(?:on|in|with)\s+(?:a|an|the)\s+(?:[\w-]+\s+){0,2}"
    r"(?:account|region|store|server)|region[-\s]?lock|all\s+regions",
    r"价(?:格|钱)(?:不一样|不同|唔同|不对)|多收了?|price\s+(?:changed|update|difference)",
    r"charged\s+(?:me\s+)?more\s+than|自动续费|自动扣费|auto[-\s]?renew|没勾选|未经(?:我)?同意",
    r"盗(?:来|刷|号)|stolen|跑路|倒闭|关站|网站(?:打不开|关了)",
    # a price changed at checkout, a fee never agreed to, an account shut
    r"价格被改|改了?价|多扣(?:了|咗)?\s*\d|停权|封禁",
    r"(?:never|didn'?t|did\s+not)\s+tick|(?:added|hidden|extra)\s+(?:a\s+)?(?:[\w\"\s]{0,30})?fee",
)


# The goods are not what was bought: the wrong region or item, or less than paid for. This
# explains why a code "doesn't work", so it goes before "invalid".
_WRONG_GOODS = _cues(
    r"(?:发|给|来)(?:过来|给我)?的(?:是|却是).{0,8}(?:服|区|版)|(?:美|港|台|日|国|外)服的(?:卡|卡密|码)",
    r"锁区|(?:区域|地区)(?:限制|不对)|区服不对|region[-\s]?lock|(?:not|doesn'?t)\s+work\s+in\s+my"
    r"\s+(?:country|region)",
    r"只(?:有|到了?|充了?)\s*\d+\s*个|只有\s*\d+\s*(?:块|元|点)|only\s+(?:got|received|credited)\s+\d+",
)


# After-sales: a refund or a replacement already agreed, under review or on its way, and late.
_AFTERSALES_AGREED = _cues(
    r"(?:同意|答应|承诺|确认|应承|批准)(?:了|咗)?(?:会|帮我)?.{0,6}(?:退款|退钱|退回|补发|退)",
    r"原路退|退回原|退到原|(?:工作日|工作天|天)之?内?(?:原路)?(?:退回|退款|退还|退返)",
    r"(?:工作日|工作天|天)之?内(?:给我|帮我)退",
    r"售后单|审核中|还在审核|审核完|(?:内|in)\s*审核|退款(?:申请)?(?:已|还在)?(?:处理|审核)中",
    r"(?:refund|退款)[^.!?。]{0,60}approved|approved[^.!?。]{0,20}refund",
    r"(?:promised|agreed\s+to|said)\s+(?:a\s+|the\s+)?refund|refund\s+would\s+(?:reach|arrive|be)",
    r"(?:said|promised)\s+(?:that\s+)?(?:they|it)\s+(?:would|will|'d)\s+(?:be\s+)?refund",
    r"refund\s+(?:was\s+)?promised|(?:money|refund)\s+(?:would|will)\s+be\s+(?:back|returned)",
    r"cancell?ed.{0,80}refund|退款.{0,6}(?:拖|慢)|refund.{0,20}(?:delay|late|dragg)",
)


_NOT_DELIVERED = _cues(
    r"[未没不]到[账帐]|没有到[账帐]|没(?:有)?到(?=$|[\s,。!?\n])|(?:还|都|也|一直)没(?:有)?到(?![期时])",
    r"(?:没|没有|未|冇)收到|未发货|没发货|待发货|(?:没|冇|未)发(?!票|消息|信息|邮件)|迟迟不到",
    r"延迟到[账帐]",
    r"充值(?:失败|中)|(?:显示|状态|一直是|页面)[^,。]{0,4}处理中|未入[账帐]?|没入[账帐]|冇入",
    r"未到(?![期时])|冇到|订单异常|(?:没|未|冇)(?:有)?开通",
    r"not\s+(?:been\s+)?delivered|never\s+(?:received|arrived|got|came|showed\s+up|delivered)",
    r"not\s+(?:yet\s+)?arrived|(?:haven'?t|have\s+not|didn'?t|did\s+not)\s+(?:receive|get|arrive)",
    r"not\s+received|hasn'?t\s+arrived|nothing\s+(?:arrived|came|in\s+(?:the\s+)?game|yet)",
    r"(?:still|shows)\s+(?:shows\s+)?nothing|and\s+nothing|awaiting\s+delivery|says\s+processing",
    r"(?:status|order|top-?up|still|shows?|说)\s*(?:is\s+|still\s+)?pending|never\s+showed",
    r"(?:still\s+)?waiting\s+for\s+(?:the\s+|my\s+)?(?:code|card|pin|delivery|top-?up)",
    r"stuck\s+(?:at|in|on)\s+(?:processing|pending)|(?:仲)?未有(?:卡密|序号|货)",
    # late or missing: "过了三天才到帐", "the code came 6 days late", "order failed, no code"
    r"才到[账帐]|(?:came|arrived|delivered)\s+(?:\w+\s+){0,3}late|not\s+in\s+my\s+account",
    r"order\s+failed|\bno\s+code\b|库存不足|订单(?:被)?取消.{0,12}(?:没|未)退",
)


# After-sales that drags: "售后一直拖着", and, weaker than silent support, any "拖".
_AFTERSALES_DRAGS = _cues(r"售后.{0,6}(?:拖|慢)|after-?sales\s+delay")
# Weaker than silent support: a refund the user asked for, an invoice refused.
_REFUND_ASKED = _cues(r"申请(?:了|咗)?退款|(?:requested|asked\s+for)\s+a\s+refund")
# The last resort: an invoice refused, the order's data leaked, a word for fraud.
_OTHER_WEAK = _cues(r"发票|invoice|泄露|泄漏|诈骗|scam|leak")
_DRAGS = _cues(
    r"拖着|一直拖|拖延|拖了|一拖再拖|拖咗|keeps?\s+delaying|dragging|delayed\s+(?:the\s+)?refund"
)


_STALLING = _cues(
    r"推诿|推来推去|踢皮球|甩锅|敷衍|装死|不理(?!解)|没人理|没人回|没人管|没人处理|(?:没|冇)(?:有)?下文",
    r"没动静",
    r"(?:不|没|没有|未|唔|冇)(?:再)?(?:回复|回应|回(?![来去到])|覆)|一个字(?:都)?没回|没消息|没有消息|没有进度",
    r"进度都没有|(?:已|已经)?(?:提交|转交|转给)(?:了)?技术|机器人回复|罐头|复制粘贴|排队|不在线|下班",
    r"拒绝处理|不给处理|不(?:处理|负责)|都说在(?:处理|核实)|一直说(?:在处理|等)",
    r"no\s+(?:reply|response|answer|call|news)|never\s+(?:replied|answered|responded|called)",
    r"ignor(?:ed|es|ing)|not\s+(?:respond|replying|responding)|(?:passed|submitted|escalated)\s+"
    r"(?:it\s+)?to\s+(?:the\s+)?tech|escalated|(?:doesn'?t|don'?t|do\s+not|does\s+not|won'?t)\s+"
    r"(?:reply|respond|answer)|(?:haven'?t|have\s+not)\s+(?:heard|replied|responded)|useless",
    r"did\s+nothing|same\s+(?:canned|copy|template|reply|message)|keeps?\s+saying\s+wait",
    r"with\s+the\s+tech(?:nical)?\s+team|nobody\s+(?:\w+\s+)?(?:answers|replies|responds)|just\s+bots",
)


# A user taking back what they just said: "没到账 不对 到账了".
_RETRACTED = re.compile(r"\s*,?\s*(?:不对|说错了|搞错了|不是的)")
# "还没到账前就…要求取消", "想cancel一个还没发货的订单": not a delivery complaint.
_BEFORE_AFTER = re.compile(r"之?前|以前")
_CANCEL = re.compile(r"取消|cancel", re.I)
_CLAUSE_BREAK = re.compile(r"[。!?;\n,]")


def _delivery_vetoed(text: str, m: re.Match[str]) -> bool:
    """A "not arrived" that only dates something ("到账前") or is why the user cancelled."""
    if _BEFORE_AFTER.match(text, m.end()):
        return True
    start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())), default=0)
    end_break = _CLAUSE_BREAK.search(text, m.end())
    return bool(_CANCEL.search(text, start, end_break.start() if end_break else len(text)))


# "沟通无效": the talking got nowhere, the code is not said to be bad.
_NOT_OF_CODE = re.compile(r"(?:沟通|交涉|投诉|催促?|联系|反馈|申诉|account|账号|帐号)\s*$", re.I)


def _invalid_vetoed(text: str, m: re.Match[str]) -> bool:
    """An "invalid" or "unusable" said of the talks or of an account, not of the code."""
    return bool(_NOT_OF_CODE.search(text, max(0, m.start() - 12), m.start()))


# "要求3天内原路退回" is the user's demand, not a refund support agreed to.
_DEMAND_WORDS = re.compile(r"要求|希望|我要|我想|(?<!申)请|必须|\bwant\b|\bdemand|\bplease\b", re.I)


def _demanded(text: str, m: re.Match[str]) -> bool:
    """A refund cue inside the user's own demand (a few words back, in its clause)."""
    start = max((b.end() for b in _CLAUSE_BREAK.finditer(text, 0, m.start())), default=0)
    return bool(_DEMAND_WORDS.search(text, max(start, m.start() - 12), m.start()))


def _never(text: str, m: re.Match[str]) -> bool:
    """No veto."""
    return False


_Veto = Callable[[str, re.Match[str]], bool]


# By precedence: a concrete problem with the code, the charge or the goods wins over what
# support did; "already used" is more specific than "invalid" (sites say both); a refund
# already agreed and late wins over the "没收到" said of that refund.
_ISSUES: tuple[tuple[IssueType, re.Pattern[str], _Veto], ...] = (
    (IssueType.USED_CODE, _USED, _never),
    (IssueType.DOUBLE_CHARGE, _DOUBLE, _never),
    (IssueType.OTHER, _WRONG_GOODS, _never),
    (IssueType.INVALID_CODE, _INVALID, _invalid_vetoed),
    (IssueType.OTHER, _OTHER, _never),
    (IssueType.AFTERSALES_DELAY, _AFTERSALES_AGREED, _demanded),
    (IssueType.NOT_DELIVERED, _NOT_DELIVERED, _delivery_vetoed),
    (IssueType.AFTERSALES_DELAY, _AFTERSALES_DRAGS, _never),
    (IssueType.SUPPORT_STALLING, _STALLING, _never),
    (IssueType.AFTERSALES_DELAY, _REFUND_ASKED, _never),
    (IssueType.AFTERSALES_DELAY, _DRAGS, _never),
    (IssueType.OTHER, _OTHER_WEAK, _never),
)


def classify_issue(text: str) -> IssueType | None:
    """The issue type the text describes; None when no cue fits (rather than a guess)."""
    norm = normalise(text)
    for issue, pattern, vetoed in _ISSUES:
        for m in pattern.finditer(norm):
            if not _RETRACTED.match(norm, m.end()) and not vetoed(norm, m):
                return issue
    return None
