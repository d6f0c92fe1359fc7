"""What went wrong, by keywords."""

from __future__ import annotations

import re

from conversations.model import (
    IssueType,
)

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
