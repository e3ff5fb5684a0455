"""Values as operators type them: `$8K`, `8,000`, `€1.5k`, `35%`, `y`, `✓`, `21/10/2026`.

Each parser takes one grid value and returns a typed value, None for an empty cell,
or raises ValueError with a short plain message naming the value.  Ambiguity is an
error, never a guess: `1.500` alone could be 1.5 or 1500, `03/04/2026` could be March
or April.  The text paths are cached: a lead log repeats the same few values a lot.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache

from sheetsync.workbook import CellError, Value

SERIAL_EPOCH = dt.date(1899, 12, 30)      # Excel (1900 system) and Google Sheets serials
SERIAL_MIN, SERIAL_MAX = 20000, 80000     # 1954 .. 2119: a number here in a date column

_CURRENCY = re.compile(
    r"^(?:usd|eur|gbp|chf|cad|aud|us\$|[$€£¥])\s*|\s*(?:usd|eur|gbp|chf|cad|aud|[$€£¥])$",
    re.IGNORECASE,
)
_SUFFIX = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9}
_RANGE = re.compile(r"\d\s*(?:k|m)?\s*(?:[-–—]|to)\s*[$€£]?\s*\d", re.IGNORECASE)
_NUMBER = re.compile(r"^\d[\d\s.,'\u00a0\u202f]*$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


def _empty(v: Value) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _show(v: object) -> str:
    text = text_of(v)  # type: ignore[arg-type]
    return text if len(text) <= 40 else text[:37] + "..."


def _finite(x: float, v: Value, what: str) -> float:
    if math.isnan(x) or math.isinf(x):
        raise ValueError(f"'{_show(v)}' is not {what}")
    return float(x)


def _plain_number(text: str, original: Value, what: str) -> float:
    """'8,000' / '8 000' / '1.500,00' / '2,500.50' / '12' -> float; ambiguous -> error."""
    t = _SPACES.sub("", text)
    if not t or not _NUMBER.match(t):
        raise ValueError(f"'{_show(original)}' is not {what}")
    dots, commas = t.count("."), t.count(",")
    if dots and commas:
        decimal = "." if t.rfind(".") > t.rfind(",") else ","
        thousands = "," if decimal == "." else "."
        if t.count(decimal) > 1:
            raise ValueError(f"'{_show(original)}' is not {what}")
        t = t.replace(thousands, "").replace(decimal, ".")
    elif commas:
        parts = t.split(",")
        if len(parts) > 2 or all(len(p) == 3 for p in parts[1:]):
            if not all(len(p) == 3 for p in parts[1:]):
                raise ValueError(f"'{_show(original)}' is not {what}")
            t = t.replace(",", "")                     # 8,000 / 1,200,000
        else:
            t = t.replace(",", ".")                    # 35,5 (decimal comma)
    elif dots > 1:
        parts = t.split(".")
        if not all(len(p) == 3 for p in parts[1:]):
            raise ValueError(f"'{_show(original)}' is not {what}")
        t = t.replace(".", "")                          # 1.200.000
    return float(t)


@lru_cache(maxsize=4096)
def _money_text(text: str) -> float:
    t = text.strip()
    if _RANGE.search(t):
        raise ValueError(f"'{_show(text)}' is a range, not one amount")
    if t.startswith("-") or t.startswith("(") or "−" in t:
        raise ValueError(f"'{_show(text)}' is negative; an amount can't be")
    bare = t.lstrip("~≈").strip()
    core = _CURRENCY.sub("", bare).strip()
    core = _CURRENCY.sub("", core).strip()
    m = re.match(r"^(.*?)\s*(k|m|mm|bn)$", core, re.IGNORECASE)
    scale = 1.0
    if m and m.group(1):
        core, scale = m.group(1), _SUFFIX[m.group(2).lower()]
    number = core.strip()
    if re.fullmatch(r"\d{1,3}\.\d{3}", number) and scale == 1.0:
        has_currency = core != bare
        if not has_currency:
            raise ValueError(f"'{_show(text)}' is ambiguous: 1.5 or 1,500? Write 1,500 or 1.5")
        number = number.replace(".", "")               # €1.500 -> 1500 (European thousands)
    return _plain_number(number, text, "an amount") * scale


def parse_money(v: Value) -> float | None:
    """An amount of money, e.g. 8000, '8,000', '$8K', '€1.5k', '1.500,00 €'."""
    if _empty(v):
        return None
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.time, CellError)):
        raise ValueError(f"'{_show(v)}' is not an amount")
    if isinstance(v, (int, float)):
        if v < 0:
            raise ValueError(f"'{_show(v)}' is negative; an amount can't be")
        return _finite(float(v), v, "an amount")
    return _money_text(str(v))


def parse_number(v: Value) -> float | None:
    """A plain count or number: 12, '1,200', '1.200,5'."""
    if _empty(v):
        return None
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.time, CellError)):
        raise ValueError(f"'{_show(v)}' is not a number")
    if isinstance(v, (int, float)):
        return _finite(float(v), v, "a number")
    return _number_text(str(v))


@lru_cache(maxsize=4096)
def _number_text(text: str) -> float:
    t = text.strip()
    if t.startswith("-") and len(t) > 1:
        return -_number_text(t[1:])
    return _plain_number(t, text, "a number")


def parse_percent(v: Value) -> float | None:
    """A rate as a fraction: '35%', '35 %', 0.35, 35 (a bare number over 1 is percent)."""
    if _empty(v):
        return None
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.time, CellError)):
        raise ValueError(f"'{_show(v)}' is not a percentage")
    if isinstance(v, (int, float)):
        x = _finite(float(v), v, "a percentage")
    else:
        t = str(v).strip()
        is_pct = t.endswith("%")
        try:
            x = _plain_number(t.removesuffix("%").strip(), v, "a percentage")
        except ValueError:
            raise ValueError(f"'{_show(v)}' is not a percentage") from None
        if is_pct:
            if x > 100:
                raise ValueError(f"'{_show(v)}' is not a percentage between 0 and 100")
            return x / 100
    if x < 0 or x > 100:
        raise ValueError(f"'{_show(v)}' is not a percentage between 0 and 100")
    return x / 100 if x > 1 else x


_TRUE = {"yes", "y", "true", "1", "✓", "✔", "x", "☑", "✅", "oui", "ja", "si", "sí"}
_FALSE = {"no", "n", "false", "0", "✗", "✘", "☐", "❌", "non", "nein"}


def parse_bool(v: Value) -> bool | None:
    """yes / y / ✓ / x / true / 1 -> True; no / n / ✗ / false / 0 -> False."""
    if _empty(v):
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    t = str(v).strip().casefold()
    if t in _TRUE:
        return True
    if t in _FALSE:
        return False
    raise ValueError(f"'{_show(v)}' is not yes or no")


_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}
_NUMERIC_DATE = re.compile(r"^(\d{1,4})[/.\-](\d{1,2})[/.\-](\d{1,4})$")
_WORD_DATE_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+)\.?,?\s+(\d{4})$")
_WORD_DATE_MDY = re.compile(r"^([a-z]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _month(name: str) -> int | None:
    return _MONTHS.get(name[:3]) if len(name) >= 3 else None


def _make_date(y: int, m: int, d: int, original: Value) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise ValueError(f"'{_show(original)}' is not a real date") from None


@lru_cache(maxsize=4096)
def _date_text(text: str, dayfirst: bool | None) -> dt.date:
    t = text.strip().casefold()
    if "t" in t and re.match(r"^\d{4}-\d\d-\d\dt", t):
        t = t.split("t", 1)[0]
    t = t.split(" ", 1)[0] if re.match(r"^\d{4}-\d\d-\d\d \d", t) else t
    m = _NUMERIC_DATE.match(t)
    if m:
        a, b, c = (int(x) for x in m.groups())
        if len(m.group(1)) == 4:                         # 2026-10-21, 2026/10/21
            return _make_date(a, b, c, text)
        if len(m.group(3)) != 4:
            raise ValueError(f"'{_show(text)}' needs a four-digit year")
        if a > 12 and b <= 12:
            return _make_date(c, b, a, text)
        if b > 12 and a <= 12:
            return _make_date(c, a, b, text)
        if a == b:
            return _make_date(c, a, b, text)
        if dayfirst is None:
            raise ValueError(f"'{_show(text)}' is ambiguous (day/month or month/day?);"
                             " write it as 2026-10-21")
        return _make_date(c, b, a, text) if dayfirst else _make_date(c, a, b, text)
    m = _WORD_DATE_DMY.match(t)
    if m and _month(m.group(2)):
        return _make_date(int(m.group(3)), _month(m.group(2)) or 0, int(m.group(1)), text)
    m = _WORD_DATE_MDY.match(t)
    if m and _month(m.group(1)):
        return _make_date(int(m.group(3)), _month(m.group(1)) or 0, int(m.group(2)), text)
    raise ValueError(f"'{_show(text)}' is not a date")


def parse_date(v: Value, *, dayfirst: bool | None = None) -> dt.date | None:
    """A date: a real date, ISO text, 21/10/2026, Oct 21, 2026, or a serial number."""
    if _empty(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, bool) or isinstance(v, (dt.time, CellError)):
        raise ValueError(f"'{_show(v)}' is not a date")
    if isinstance(v, (int, float)):
        if math.isfinite(v) and SERIAL_MIN <= v <= SERIAL_MAX:
            return SERIAL_EPOCH + dt.timedelta(days=int(v))
        raise ValueError(f"'{_show(v)}' is a number, not a date")
    return _date_text(str(v), dayfirst)


_DURATION = re.compile(
    r"^(\d+(?:[.,]\d+)?)\s*(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?$"
)
_UNIT_DAYS = {"d": 1, "day": 1, "days": 1, "w": 7, "wk": 7, "wks": 7, "week": 7, "weeks": 7,
              "m": 30, "mo": 30, "month": 30, "months": 30}
_NOW = {"asap", "now", "immediately", "immediate"}


def parse_days(v: Value) -> float | None:
    """A timeline in days: 45, '45 days', '3 weeks', '2 months' (30 days), '6w', 'asap'."""
    if _empty(v):
        return None
    if isinstance(v, bool) or isinstance(v, (dt.date, dt.time, CellError)):
        raise ValueError(f"'{_show(v)}' is not a number of days")
    if isinstance(v, (int, float)):
        x = _finite(float(v), v, "a number of days")
        if x < 0:
            raise ValueError(f"'{_show(v)}' is not a number of days")
        return x
    t = str(v).strip().casefold()
    if t in _NOW:
        return 0.0
    m = _DURATION.match(t)
    if not m:
        raise ValueError(f"'{_show(v)}' is not a timeline (write e.g. 45 days or 3 weeks)")
    return float(m.group(1).replace(",", ".")) * _UNIT_DAYS[m.group(2) or "d"]


_vocab_cache: dict[int, tuple[object, dict[str, str]]] = {}


def _lookup(vocabulary: dict[str, list[str]]) -> dict[str, str]:
    hit = _vocab_cache.get(id(vocabulary))
    if hit is not None and hit[0] is vocabulary:
        return hit[1]
    table: dict[str, str] = {}
    for canonical, variants in vocabulary.items():
        for name in (canonical, *variants):
            table.setdefault(normalize_header(str(name)), canonical)
    _vocab_cache[id(vocabulary)] = (vocabulary, table)
    return table


def parse_choice(v: Value, vocabulary: dict[str, list[str]]) -> str | None:
    """The canonical choice for `v` ('Opt out' -> 'opt-out'); unknown -> error listing choices."""
    if _empty(v):
        return None
    table = _lookup(vocabulary)
    found = table.get(normalize_header(text_of(v)))
    if found is None:
        raise ValueError(f"'{_show(v)}' is not one of: {', '.join(vocabulary)}")
    return found


@lru_cache(maxsize=8192)
def normalize_header(text: str) -> str:
    """Casefolded letters and digits only: 'Date in', 'date_in', 'DATE-IN' -> 'datein'."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def text_of(v: Value) -> str:
    """The value as a person reads it: dates ISO, 8000.0 as 8000, errors as their code."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if math.isfinite(v) and v == int(v):
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes") if (v.hour or v.minute) else (
            v.date().isoformat())
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v).strip()
