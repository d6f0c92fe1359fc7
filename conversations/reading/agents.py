"""Who answered and under what number: agent names and ids, ticket and complaint numbers."""

from __future__ import annotations

import re

from conversations.reading.normalize import Norm
from conversations.reading.numbers import cn_number

_SEP = r"(?:[\s:#是为系]|\bis\b|\bno\.)*"
_ID = r"[A-Za-z0-9][A-Za-z0-9_\-]{{{min},39}}(?![A-Za-z0-9_\-])"
TICKET = re.compile(
    rf"""(?:工单编号|工单号|工单|售后单号|售后单|投诉编号|投诉单号|投诉号|受理编号|受理号|案件编号
        |(?<=[,。\s])编号(?=\s*[系是:])
        |(?<![A-Za-z])ticket\s*(?:no\b\.?|number|id\b|\#)?|\bcase\s*(?:id\b|no\b\.?|number|\#)
        |\bcomplaint\s*(?:no\b\.?|number|id\b|\#)|\breference\s*(?:no\b\.?|number|\#)?
        |\bref\b\.?|(?<=[(])\s*no\.)
    {_SEP}[(]?\s*(?:id\s*:?\s*)?(?=[A-Za-z_\-]*\d)(?P<id>{_ID.format(min=2)})""",
    re.VERBOSE | re.I,
)
_AGENT_ID = re.compile(
    rf"""(?:客服工号|工号|客服编号|客服号|员工号|客服\s*id\b|\bagent\s*(?:id\b|no\b\.?|number|\#)
        |\bstaff\s*(?:id\b|no\b\.?|number|\#)|\boperator\s*(?:id\b|\#))
    {_SEP}(?:(?P<id>{_ID.format(min=1)})|(?P<cn>[零〇一二三四五六七八九]{{3,8}}))
    |(?:客服|agent|staff)\s*(?:[(]\s*(?:工号|id|no\.?|\#)?\s*:?\s*(?P<paren>[A-Za-z0-9_\-]{{2,20}})\s*[)]
        |\#\s*(?P<hash>\d{{2,10}})\b
        |(?P<numbered>\d{{3,10}})(?=\s*号|(?![\d小分元年月天日:.])))""",
    re.VERBOSE | re.I,
)
# A name as people give an agent's: 小雨, 阿杰, 陈小姐, 林先生, Lily, 阿May.
_CN_NAME = (
    r"(?:小|阿)[\u4e00-\u9fff](?![\u4e00-\u9fff]{0,1}(?:时|天|号|点|张|块|元|时候|会儿))"
    r"|阿[A-Z][a-z]+|[\u4e00-\u9fff](?:小姐|先生|女士|经理|主管|姐|哥)"
)
_EN_NAME = r"[A-Z][a-z]{2,14}"
# The commonest surnames: a full name ("客服李婷说") is told from other words by its first.
_SURNAMES = (
    "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁"
    "魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹"
    "黎易常武乔贺赖龚文"
)
# What may follow a name: a verb of what the agent said or did, or the clause's end.
_STOP_AFTER = (
    r"(?=\s*(?:[说话讲回答告跟让叫要同表称就也又都还已在给帮问承答应甩推拖她他喺佢]|,|。|的|\s|$|[A-Za-z]))"
)
_AGENT_NAME = re.compile(
    rf"""叫(?:做)?\s*(?:什么)?\s*(?P<n1>{_CN_NAME}|{_EN_NAME}|[\u4e00-\u9fff]{{1,3}}?)\s*的(?:客服|人|小姐姐|小哥哥|专员|售后)
    |叫(?:做)?\s*(?P<n9>{_CN_NAME}|{_EN_NAME})\s*的(?=\s*(?:说|话|讲|表示|告诉|回复))
    |(?:一位|一个|有个|有一位|那个|个)\s*(?P<n10>{_CN_NAME})\s*(?=说|话|讲|表示|告诉|回复)
    |(?:客服|售后|专员|人工)\s*(?P<n2>{_CN_NAME}|{_EN_NAME}){_STOP_AFTER}
    |(?P<n3>{_CN_NAME})\s*(?:客服)
    |客服\s*(?:叫|名叫|名字叫|是)\s*(?P<n7>{_CN_NAME}|{_EN_NAME})
    |(?:^|(?<=[,，。\s]))(?P<n8>(?:小|阿)[\u4e00-\u9fff]|[\u4e00-\u9fff](?:小姐|先生|女士|经理|主管)
        |{_EN_NAME})\s*(?:说|话|讲|表示|回复|said|told)
    |(?:客服|售后|专员|人工)\s*["“「'‘](?P<n11>[^"”」'’\s]{{1,6}})["”」'’]
    |(?:客服|售后)\s*(?P<n12>[{_SURNAMES}][\u4e00-\u9fff]{{1,2}}?)(?=说|表示|告诉|回复|答应|承诺)
    |\b(?:an?\s+|the\s+)?(?:agent|rep|representative|staff(?:\s+member)?|person|guy|girl|lady|woman
        |man|operator|cs)\s+(?:called|named|by\s+the\s+name\s+of)\s+(?P<n4>{_EN_NAME})\b
    |\b(?:agent|rep|representative|support)(?:\s*[,:]?\s+|\s*[(]\s*)["“'‘]?(?P<n5>{_EN_NAME})\b["”'’]?
      (?!\s+(?:said|told)\s+me\s+to)
    |\b(?P<n6>{_EN_NAME})\s+(?:from|at|in)\s+(?:customer\s+)?(?:support|service|cs)\b""",
    re.VERBOSE,
)
_NOT_NAMES = frozenset({
    "The", "They", "She", "Their", "Then", "This", "That", "Support", "Customer", "Service",
    "Agent", "Team", "Staff", "Weilai", "Kameng", "Steam", "Apple", "Google", "Please",
    "Online", "Live", "Chat", "Email", "Phone", "Order", "Ticket", "Tech", "Technical",
    "小时", "小额", "小票", "阿里", "姐姐", "哥哥", "大姐", "大哥", "小姐", "先生",
})  # fmt: skip


# Words of what support says, not of a name: 客服“已提交技术”, 客服“稍等”.
_SAYING = re.compile(r"[已请稍等好收到核实反馈技术审核退补没不在会要处理提交转交]")
# Common words that begin with a surname: "客服马上说" names no one.
_NOT_FULL_NAMES = frozenset({
    "马上", "于是", "方面", "常常", "曾经", "白天", "任何", "程序", "文字", "万一", "江湖", "高兴",
    "金额", "石沉", "黄牛", "史上", "陆续", "常规", "范围", "方才", "方便", "何时", "何况", "余额",
    "毛病", "孔乙", "钱款", "汤圆", "易于", "邵阳", "龙头", "雷同", "顾客", "田地", "叶子", "熊猫",
})  # fmt: skip


def contact_ids(norm: Norm, start: int, end: int) -> tuple[str | None, str | None]:
    """(ticket, agent) told between start and end: the agent by id or by name as written."""
    text = norm.text
    ticket = next((m.group("id") for m in TICKET.finditer(text, start, end) if _digit(m[0])), None)
    agent: str | None = None
    for m in _AGENT_ID.finditer(text, start, end):
        group = next(g for g in ("id", "cn", "paren", "hash", "numbered") if m.group(g))
        value = m.group(group)
        if group == "cn":  # "工号是八八零一", dictated
            value = "".join(str(cn_number(c)) for c in value)
        if _digit(value) and value != ticket:
            agent = value
            break
    if agent is None:
        agent = agent_name(norm, start, end)
    return ticket, agent


def agent_name(norm: Norm, start: int, end: int) -> str | None:
    """An agent's name between start and end, in the user's own characters."""
    for m in _AGENT_NAME.finditer(norm.text, start, end):
        names = ("n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8", "n9", "n10", "n11", "n12")
        group = next(g for g in names if m.group(g))
        name = m.group(group)
        said = group == "n11" and _SAYING.search(name)  # 客服“已提交技术”: what, not who
        if name in _NOT_NAMES or name[:2] in _NOT_FULL_NAMES or not name.strip() or said:
            continue
        return norm.quote(*m.span(group))
    return None


def _digit(s: str) -> bool:
    """Whether an id has a digit (a word after 工单 is not a number)."""
    return any(c.isdigit() for c in s)
