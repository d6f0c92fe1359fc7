"""The pattern of a Chinese (or numeric) time expression, in the normalised text.

One expression is an optional weekday, a date, an optional weekday beside it, a part of the
day and a clock time, each optional: "6月1日周六早上10点钟", "星期日 2015年04月08日10:05",
"上个月28号晚上十点多", "2018-12-1209:03", "今年儿童节晚上九点一刻".
"""

from __future__ import annotations

import re

CN_NUM = "[0-9零〇一二两三四五六七八九十廿卅]"
_CN_DIGIT = "[零〇一二三四五六七八九]"
DAY_WORDS = (
    "大前天|大后天|前天|前日|昨天|昨日|昨儿|今天|今日|今儿|明天|明日|明儿|后天|后日|"
    "前晚|昨晚|昨夜|今早|今晨|今晚|今夜|明早|明晨|明晚"
)
YEAR_WORDS = "今年|去年|前年|明年|后年"
# Days counted from the day told before ("第二天早上", "当天晚上"), not from today.
RELATIVE_DAYS = {
    "当天": 0, "当日": 0, "同一天": 0, "同日": 0, "那天": 0, "那一天": 0, "当晚": 0, "那晚": 0,
    "第二天": 1,
    "第2天": 1, "第二日": 1, "次日": 1, "隔天": 1, "翌日": 1, "第三天": 2, "第3天": 2,
}  # fmt: skip
RELATIVE_DAY_WORDS = "|".join(sorted(RELATIVE_DAYS, key=len, reverse=True))
# Longer words first: the regex alternation takes the first that matches.
PERIODS = (
    "凌晨|清晨|早上|早晨|上午|中午|午后|下午|傍晚|黄昏|晚上|晚间|夜里|夜间|半夜|深夜|午夜|白天|早|晚"
)
_WEEKDAY = "(?:周|星期|礼拜)[一二三四五六日天1-7]"
# A weekday said beside a date ("6月1日(周六)"): the date decides, the weekday is only read.
_ASIDE = rf"(?:\s*[,(]?\s*{_WEEKDAY}\s*\)?)"
FESTIVALS = {
    "元旦": (1, 1), "情人节": (2, 14), "妇女节": (3, 8), "劳动节": (5, 1), "五一节": (5, 1),
    "儿童节": (6, 1), "六一节": (6, 1), "国庆节": (10, 1), "国庆": (10, 1), "双十一": (11, 11),
    "双11": (11, 11), "光棍节": (11, 11), "双十二": (12, 12), "双12": (12, 12),
    "平安夜": (12, 24), "圣诞节": (12, 25), "圣诞": (12, 25),
}  # fmt: skip
_FESTIVAL = "|".join(sorted(FESTIVALS, key=len, reverse=True))
# A day of the month glued to the clock after it ("2018-12-1209:03"): two digits, then 1–2
# digits and a colon.
_GLUED_DAY = r"\d{2}(?=\d{1,2}:\d{2})"

_DATE = rf"""
(?:
   (?P<ymd>(?:(?P<y>\d{{4}}|{_CN_DIGIT}{{4}})\s*年\s*,?\s*
             |(?P<y2>\d{{2}}|{_CN_DIGIT}{{2}})\s*年\s*,?\s*
             |(?P<yw>{YEAR_WORDS})\s*)?
      (?P<m>{CN_NUM}{{1,3}})\s*月\s*(?P<d>{_GLUED_DAY}|{CN_NUM}{{1,3}})\s*[日号]?)
  |(?P<iso>(?P<iy>\d{{4}})\s*[-/.]\s*(?P<im>\d{{1,2}})\s*[-/.]\s*
      (?P<id>{_GLUED_DAY}|\d{{1,2}}(?!\d))\s*日?)
  |(?P<spaced>(?P<sy>(?:19|20)\d{{2}})\s+(?P<sm>0?[1-9]|1[0-2])\s+(?P<sd>0?[1-9]|[12]\d|3[01])
      (?:\s+(?P<sh>[01]?\d|2[0-3])\s+(?P<smi>[0-5]\d))?(?![\d:]))
  |(?P<compact>(?P<cy>(?:19|20)\d{{2}})(?P<cm>0[1-9]|1[0-2])(?P<cd>0[1-9]|[12]\d|3[01])
      (?=\d{{1,2}}:\d{{2}}))
  |(?P<md>(?P<mdm>\d{{1,2}})[-/.](?P<mdd>\d{{1,2}})(?![\d/.\-%]))
  |(?P<mrel>(?P<mrelw>上上|上|这|本|下|同|当)\s*个?\s*月(?:份)?\s*(?P<mreld>{CN_NUM}{{1,3}})
      \s*[号日])
  |(?P<eom>(?P<eomw>上|这|本|下)?\s*个?\s*月(?P<eomk>底|末|初))
  |(?P<ago>(?P<agon>{CN_NUM}{{1,3}}|半)\s*个?\s*(?P<agoh>半)?\s*
      (?P<agou>天|日|周|星期|礼拜|小时|钟头|钟|分钟|刻钟|月|年)\s*(?:以前|之前|前))
  |(?P<fewago>前\s*(?P<fewn>两|三|2|3)\s*天)
  |(?P<relday>{RELATIVE_DAY_WORDS})
  |(?P<rel>{DAY_WORDS})
  |(?P<wk>(?:(?P<wkrel>上上|上|这|本|下下|下)\s*个?\s*)?(?:周|星期|礼拜)(?P<wkd>[一二三四五六日天1-7]))
  |(?P<fest>(?:(?P<fy>\d{{4}})\s*年\s*|(?P<fyw>{YEAR_WORDS})\s*)?(?P<festn>{_FESTIVAL}))
  |(?P<dom>(?P<domd>{CN_NUM}{{1,3}})\s*[号日](?!线|楼|门|房|机|桌|窗|位|床|车|店|仓|客服|技师|选手))
)"""
# Minutes without 分 only in forms that cannot be a count: "8点15", "十点二十", "八点零五" (so
# "8点一直没到账" stays 8:00).
_BARE_MINUTES = r"\d{2}|[二三四五]?十[一二三四五六七八九]?|[零〇][一二三四五六七八九]"
_CLOCK = rf"""
(?:
   (?P<ap>(?P<aph>\d{{1,2}})(?:\s*:\s*(?P<apmi>\d{{2}}))?\s*(?P<apw>[aApP])\.?[mM]\.?(?![A-Za-z]))
  |(?P<clock>(?P<ch>\d{{1,2}})\s*:\s*(?P<cmi>\d{{2}})(?:\s*:\s*(?P<cs>\d{{2}}))?)
  |(?P<pt>(?P<ph>{CN_NUM}{{1,3}})\s*[点时](?:钟)?
      (?:(?P<half>半)(?:\s*(?P<hs>{CN_NUM}{{1,3}})\s*秒)?|(?P<qtr>[一三13])刻|整
        |(?P<pmi>{CN_NUM}{{1,3}})\s*分(?:\s*(?P<ps>{CN_NUM}{{1,3}})\s*秒)?
        |(?P<pmx>{_BARE_MINUTES})(?![0-9零〇一二两三四五六七八九十]))?)
  |(?P<noon>正午)
)
(?:\s*(?:左右|前后|许|多|几))?
"""
# What follows a number that makes it an amount or a count, not a clock: "零点五元",
# "十点多块钱", "两点建议", "3.5折".
NOT_TIME_AFTER = re.compile(
    r"\s*(?:[0-9零〇一二两三四五六七八九十]+\s*)?(?:元|块|折|倍|%|米|斤|公斤|克|万|亿)"
    r"|\s*(?:建议|要求|意见|原因|看法|诉求|问题|理由|说明|内容|想法|疑问|不足|好处)"
)
# Every expression starts with a digit, a numeral, a day word, a week word, a period or a
# festival.
_START = (
    "[0-9零〇一二两三四五六七八九十廿卅半大前昨今明后去上这本下同当周星礼凌清早中午傍黄晚夜深白"
    "正元情妇劳儿国双光平圣月第次隔翌那]"
)
# Not inside a token such as an order number (WL20240302001) or an amount (¥1.5, $2.5).
CN_EXPR = re.compile(
    rf"""(?<![0-9A-Za-z./\-¥$*])(?<![0-9]:)(?={_START})
    (?:{_WEEKDAY}\s*,?\s*(?=\d+\s*[年月/.\-]|{CN_NUM}+\s*月|[二〇零]))?
    {_DATE}?
    {_ASIDE}?
    (?:T(?=\d))?\s*(?P<period>{PERIODS})?
    \s*(?:{_CLOCK})?
    (?!\d)""",
    re.VERBOSE,
)
DATE_GROUPS = ("ymd", "iso", "spaced", "compact", "md", "mrel", "eom", "ago", "fewago",
               "relday", "rel", "wk", "fest", "dom")  # fmt: skip
