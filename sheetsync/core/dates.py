"""Dates as people type them: `2026-10-21`, `21/10/2026`, `Oct 21, 2026`, `Wed 21 Oct 2026`.

Used by `sheetsync.core.values.parse_date`, which adds caching and the operator's
message.  Readings are never guessed: a day/month order both readings allow (without
`dayfirst`), a word that is not a month, or a weekday that does not match the date
are errors.  A two-digit year is read as the spreadsheet reads it (`02/03/24` is 2024).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable

from sheetsync import formats

SERIAL_EPOCH = formats.SERIAL_EPOCH.date()   # Excel (1900 system) and Google Sheets serials
SERIAL_MIN, SERIAL_MAX = 20000, 80000     # 1954-10-03 .. 2119-01-11

_MONTH_NAMES = ["january", "february", "march", "april", "may", "june", "july", "august",
                "september", "october", "november", "december"]
MONTHS = {name: i for i, name in enumerate(_MONTH_NAMES, 1)}
MONTHS.update({name[:3]: i for i, name in enumerate(_MONTH_NAMES, 1)})
MONTHS.update({"sept": 9})
_DAY_NAMES = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
WEEKDAYS = {name: i for i, name in enumerate(_DAY_NAMES)}
WEEKDAYS.update({name[:3]: i for i, name in enumerate(_DAY_NAMES)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})

_SEP = r"[\s\-/.,]+"
_ORD = r"(?:st|nd|rd|th)?"
_NUMERIC = re.compile(r"(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})\.?")
_DMY = re.compile(rf"(\d{{1,2}}){_ORD}(?:\s+of)?{_SEP}([a-z]+){_SEP}(\d{{1,4}})")
_MDY = re.compile(rf"([a-z]+){_SEP}(\d{{1,2}}){_ORD}{_SEP}(\d{{1,4}})")
_YMD = re.compile(rf"(\d{{4}}){_SEP}([a-z]+){_SEP}(\d{{1,2}})")
_LEADING = re.compile(r"\s*(?:[a-z]+\.?,?\s+)?(\d{1,2})([/.\-])(\d{1,2})\2\d{2,4}\b", re.I)
_WEEKDAY = re.compile(r"([a-z]+)\.?,?\s+")
_TIME = re.compile(
    r"(?:t|\s+|,\s*|\s+at\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:am|pm)?"
    r"\s*(?:z|utc|gmt|[+-]\d{2}:?\d{2})?$"
)


class DateTrouble(ValueError):
    """Why a text is not a date, worded to follow the quoted value."""


def from_serial(x: float, shown: str) -> dt.date:
    """A spreadsheet serial (1900 system; a fraction is the time of day) -> its date.

    Any number outside SERIAL_MIN..SERIAL_MAX days is an error, not a date.
    """
    if not math.isfinite(x) or not SERIAL_MIN <= x < SERIAL_MAX + 1:   # day + time of day
        raise ValueError(f"“{shown}” is a number, not a date")
    return SERIAL_EPOCH + dt.timedelta(days=int(x))


def _make(y: int, m: int, d: int) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise DateTrouble("is not a real date") from None


def _year(text: str) -> int:
    """A four-digit year, or a two-digit one read as a spreadsheet reads it: 00–29 are
    2000–2029, 30–99 are 1930–1999 (Excel and Google Sheets alike)."""
    if len(text) == 2:
        yy = int(text)
        return 2000 + yy if yy < 30 else 1900 + yy
    if len(text) != 4:
        raise DateTrouble("needs a four-digit year")
    return int(text)


def order_votes(texts: Iterable[object]) -> tuple[int, int]:
    """(day first, month first): how many of `texts` only one reading allows.

    `20-10-2017` can only be day first, `12/25/23` only month first; `01-02-2018`
    says nothing.  A column's own unambiguous dates decide how its others are read.
    """
    day = month = 0
    for t in texts:
        if type(t) is not str:
            continue
        m = _LEADING.match(t)
        if m is None:
            continue
        x, y = int(m[1]), int(m[3])
        if x > 12 >= y > 0:
            day += 1
        elif y > 12 >= x > 0:
            month += 1
    return day, month


def _month(word: str) -> int:
    month = MONTHS.get(word)
    if month is None:
        raise DateTrouble("is not a date")
    return month


def _numeric(a: str, b: str, c: str, dayfirst: bool | None) -> dt.date:
    if len(a) == 4:                                     # 2026-10-21, 2026/10/21
        return _make(int(a), int(b), int(c))
    year, x, y = _year(c), int(a), int(b)
    if x > 12 >= y or x == y:
        return _make(year, y, x)
    if y > 12 >= x:
        return _make(year, x, y)
    if x > 12 and y > 12:
        raise DateTrouble("is not a real date")
    if dayfirst is None:
        raise DateTrouble("is an ambiguous date (day/month or month/day?); write it as "
                          f"{year}-{y:02d}-{x:02d} or {year}-{x:02d}-{y:02d}")
    return _make(year, y, x) if dayfirst else _make(year, x, y)


def _without_weekday(t: str) -> tuple[str, int | None]:
    m = _WEEKDAY.match(t)
    if m and m[1] in WEEKDAYS:
        return t[m.end():], WEEKDAYS[m[1]]
    return t, None


def read_date(t: str, dayfirst: bool | None) -> dt.date:
    """The date in casefolded, stripped text `t`; DateTrouble says why there is none."""
    t, weekday = _without_weekday(t)
    t = _TIME.sub("", t, count=1) if ":" in t else t
    m = _NUMERIC.fullmatch(t)
    if m:
        date = _numeric(m[1], m[3], m[4], dayfirst)
    elif m := _DMY.fullmatch(t):
        date = _make(_year(m[3]), _month(m[2]), int(m[1]))
    elif m := _MDY.fullmatch(t):
        date = _make(_year(m[3]), _month(m[1]), int(m[2]))
    elif m := _YMD.fullmatch(t):
        date = _make(int(m[1]), _month(m[2]), int(m[3]))
    else:
        raise DateTrouble("is not a date")
    if weekday is not None and date.weekday() != weekday:
        raise DateTrouble(f"names the wrong weekday: {date:%d %b %Y} is a {date:%A}")
    return date
