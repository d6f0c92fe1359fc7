"""How the user paid, when a story says: 支付宝 and 微信支付 have a complaint route of their own."""

from __future__ import annotations

import re

from conversations.core.model import PaidWith

_ALIPAY = re.compile(r"支付宝|alipay|ali\s*pay", re.I)
# WeChat Pay, not WeChat itself: "加了客服微信" or "微信联系" says nothing of the payment.
_WECHAT = re.compile(
    r"微信支付|微信付|微信扣|微信转账|微信钱包|微信零钱|用微信|wechat\s*pay|weixin\s*pay"
    r"|(?:paid|pay|paying)\s+(?:with|via|by|through)\s+wechat",
    re.I,
)


def paid_with(text: str) -> PaidWith | None:
    """支付宝 or 微信支付 when the (normalised) text names exactly one of them as the payment."""
    alipay, wechat = bool(_ALIPAY.search(text)), bool(_WECHAT.search(text))
    if alipay == wechat:
        return None  # neither, or both: asked when it matters
    return PaidWith.ALIPAY if alipay else PaidWith.WECHAT
