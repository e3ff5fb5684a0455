"""Values as operators type them: `$8K`, `8,000`, `€1.5k`, `35%`, `y`, `✓`, `21/10/2026`.

Each parser takes one grid value and returns a typed value, None for an empty cell
(None, "" or only whitespace), or raises ValueError with a short one-line message
that names the value.  Ambiguity is an error, never a guess: `1.500` alone could be
1.5 or 1500, `03/04/2026` could be March or April, `21/10/26` has no century.
How separators are read is in `sheetsync.core.numbers`.  Decisions for money:

- a lone `.` before three digits is European thousands only next to a currency
  (`€1.500`, `1.500 €`, `USD 1.500`); bare `1.500` is ambiguous;
- a lone `,` before three digits is English thousands (`8,000`), as operators write it;
- with a scale suffix the dot is a decimal (`$1.250M`), and `1,500k` is ambiguous;
- a negative amount or a range (`$5k–10k`) is an error.

The text paths are cached: a lead log repeats the same few values a lot.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from sheetsync.core import dates
from sheetsync.core.numbers import Ambiguous, Policy, read_number
from sheetsync.workbook import CellError, Value

SERIAL_EPOCH = dates.SERIAL_EPOCH
SERIAL_MIN, SERIAL_MAX = dates.SERIAL_MIN, dates.SERIAL_MAX

_MAX_TEXT = 80                           # longer text is not one typed value
_NOT_VALUES = (dt.date, dt.time, CellError)
_WS = re.compile(r"\s+")

_CUR = r"(?:us\$|[ac]\$|usd|eur|gbp|chf|cad|aud|nzd|sgd|jpy|dollars?|euros?|pounds?|[$€£¥])"
_MONEY = re.compile(
    rf"(?P<neg>[-−(])?\s*(?:(?P<pre>{_CUR})\s*)?(?P<neg2>[-−])?\s*"
    r"(?P<num>[.,]?\d(?:[\d.,\s\u00a0\u202f']*\d)?)\s*"
    r"(?P<scale>k|mm|m|bn|b|thousand|million|billion)?\.?\s*"
    rf"(?P<post>{_CUR})?\s*\)?",
    re.IGNORECASE,
)
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6,
          "b": 1e9, "bn": 1e9, "billion": 1e9}
_RANGE = re.compile(r"\d\s*[a-z]*\s*(?:[-–—]|to|\.\.)\s*[$€£]?\s*\d", re.IGNORECASE)


def _empty(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _show(v: object) -> str:
    """The value quoted in a message: one line, at most 40 characters."""
    text = _WS.sub(" ", text_of(v))  # type: ignore[arg-type]
    return text if len(text) <= 40 else text[:37] + "..."


def _finite(x: float, v: object, what: str) -> float:
    if not math.isfinite(x):
        raise ValueError(f"“{_show(v)}” is not {what}")
    return float(x)


def _number(text: str, original: object, what: str, *,
            comma3: Policy = "thousands", dot3: Policy = "ambiguous") -> float:
    """`read_number` with the message the operator sees."""
    try:
        return read_number(text, comma3=comma3, dot3=dot3)
    except Ambiguous as e:
        raise ValueError(f"“{_show(original)}” is ambiguous: {e}") from None
    except ValueError:
        raise ValueError(f"“{_show(original)}” is not {what}") from None


def _numeric(v: object) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _not_a(v: object, what: str) -> ValueError:
    return ValueError(f"“{_show(v)}” is not {what}")


# --- money and numbers -------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _money_text(text: str) -> float:
    t = text.strip().lstrip("~≈").strip()
    if len(t) > _MAX_TEXT:
        raise _not_a(text, "an amount")
    if _RANGE.search(t):
        raise ValueError(f"“{_show(text)}” is a range, not one amount")
    m = _MONEY.fullmatch(t)
    if m is None:
        raise _not_a(text, "an amount")
    if m["neg"] or m["neg2"] or t.endswith(")"):
        raise ValueError(f"“{_show(text)}” is negative; an amount can't be")
    scale = m["scale"]
    comma3: Policy
    dot3: Policy
    if scale:
        comma3, dot3 = "ambiguous", "decimal"        # $1.250M, but 1,500k?
    else:
        comma3, dot3 = "thousands", ("thousands" if m["pre"] or m["post"] else "ambiguous")
    amount = _number(m["num"], text, "an amount", comma3=comma3, dot3=dot3)
    return amount * (_SCALE[scale.lower()] if scale else 1.0)


def parse_money(v: Value) -> float | None:
    """An amount of money, e.g. 8000, '8,000', '$8K', '€1.5k', '1.500,00 €'; never negative."""
    if _empty(v):
        return None
    if _numeric(v):
        x = _finite(float(v), v, "an amount")  # type: ignore[arg-type]
        if x < 0:
            raise ValueError(f"“{_show(v)}” is negative; an amount can't be")
        return x
    if isinstance(v, bool) or isinstance(v, _NOT_VALUES):
        raise _not_a(v, "an amount")
    return _money_text(str(v))


@lru_cache(maxsize=4096)
def _number_text(text: str) -> float:
    t = text.strip()
    if len(t) > _MAX_TEXT:
        raise _not_a(text, "a number")
    sign = -1.0 if t[:1] in "-−" and len(t) > 1 else 1.0
    return sign * _number(t[1:] if sign < 0 else t, text, "a number")


def parse_number(v: Value) -> float | None:
    """A plain count or number: 12, '1,200', '1.200,5', '-3'."""
    if _empty(v):
        return None
    if _numeric(v):
        return _finite(float(v), v, "a number")  # type: ignore[arg-type]
    if isinstance(v, bool) or isinstance(v, _NOT_VALUES):
        raise _not_a(v, "a number")
    return _number_text(str(v))


def parse_count(v: Value) -> float | None:
    """A count of things: 0, 3, '3', '12'; a fraction or a negative number is an error."""
    n = parse_number(v)
    if n is not None and (n < 0 or n != int(n)):
        raise _not_a(v, "a whole number of times")
    return n


_PERCENT = re.compile(r"(?P<num>.*?)\s*(?P<pct>%|percent|pct)?", re.IGNORECASE)


def _fraction(x: float, v: object, is_pct: bool) -> float:
    if x < 0 or x > 100:
        raise ValueError(f"“{_show(v)}” is not a percentage between 0 and 100")
    return x / 100 if is_pct or x > 1 else x


@lru_cache(maxsize=4096)
def _percent_text(text: str) -> float:
    t = text.strip()
    m = _PERCENT.fullmatch(t)
    if len(t) > _MAX_TEXT or m is None or not m["num"]:
        raise _not_a(text, "a percentage")
    if m["num"][0] in "-−":
        raise ValueError(f"“{_show(text)}” is not a percentage between 0 and 100")
    x = _number(m["num"], text, "a percentage", comma3="decimal", dot3="decimal")
    return _fraction(x, text, bool(m["pct"]))


def parse_percent(v: Value) -> float | None:
    """A rate as a fraction: '35%', '35 %', '35,5 %', 0.35, 35 (a bare number over 1 is %)."""
    if _empty(v):
        return None
    if _numeric(v):
        return _fraction(_finite(float(v), v, "a percentage"), v, False)  # type: ignore[arg-type]
    if isinstance(v, bool) or isinstance(v, _NOT_VALUES):
        raise _not_a(v, "a percentage")
    return _percent_text(str(v))


# --- yes/no and durations ----------------------------------------------------------------

_TRUE = frozenset({"yes", "y", "true", "1", "✓", "✔", "x", "☑", "✅", "☒", "oui", "ja", "sí"})
_FALSE = frozenset({"no", "n", "false", "0", "✗", "✘", "☐", "❌", "non", "nein"})


def parse_bool(v: Value) -> bool | None:
    """yes / y / ✓ / ✔ / x / ☑ / true / 1 -> True; no / n / ✗ / ✘ / ☐ / false / 0 -> False."""
    if _empty(v):
        return None
    if isinstance(v, bool):
        return v
    if _numeric(v) and v in (0, 1):
        return bool(v)
    if isinstance(v, str):
        t = v.strip().rstrip(".!").strip().casefold()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
    raise ValueError(f"“{_show(v)}” is not yes or no")


_DURATION = re.compile(
    r"(?P<num>[.,]?\d[\d.,]*)\s*"
    r"(?P<unit>d|dy|days?|w|wk|wks|weeks?|m|mo|mos|mths?|months?|y|yr|yrs|years?)?\.?"
)
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30, "y": 365}
_NOW = frozenset({"asap", "now", "immediately", "immediate", "today"})


@lru_cache(maxsize=4096)
def _days_text(text: str) -> float:
    t = text.strip().lstrip("~≈").strip().rstrip("!").casefold()
    if t in _NOW:
        return 0.0
    if _RANGE.search(t):
        raise ValueError(f"“{_show(text)}” is a range, not one timeline")
    m = _DURATION.fullmatch(t) if len(t) <= _MAX_TEXT else None
    if m is None:
        raise ValueError(f"“{_show(text)}” is not a timeline (write e.g. 45 days or 3 weeks)")
    n = _number(m["num"], text, "a timeline")
    return n * _UNIT_DAYS[(m["unit"] or "d")[0]]


def parse_days(v: Value) -> float | None:
    """A timeline in days: 45, '45 days', '3 weeks', '2 months' (30 days), '6w', 'asap' (0)."""
    if _empty(v):
        return None
    if _numeric(v):
        x = _finite(float(v), v, "a number of days")  # type: ignore[arg-type]
        if x < 0:
            raise _not_a(v, "a number of days")
        return x
    if isinstance(v, bool) or isinstance(v, _NOT_VALUES):
        raise _not_a(v, "a number of days")
    return _days_text(str(v))


# --- dates -------------------------------------------------------------------------------

@lru_cache(maxsize=8192)
def _date_text(text: str, dayfirst: bool | None) -> dt.date:
    if len(text) > _MAX_TEXT:
        raise _not_a(text, "a date")
    try:
        return dates.read_date(text.strip().casefold(), dayfirst)
    except dates.DateTrouble as e:
        raise ValueError(f"“{_show(text)}” {e}") from None


def parse_date(v: Value, *, dayfirst: bool | None = None) -> dt.date | None:
    """A date: a real date, ISO text, 21/10/2026, Oct 21, 2026, 21 Oct 2026, or a serial.

    A day/month order that both readings allow (03/04/2026) follows `dayfirst`; without
    it the value is an error.  A number from 20000 to 80000 is a spreadsheet serial day.
    """
    if _empty(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if _numeric(v):
        return dates.from_serial(v, _show(v))  # type: ignore[arg-type]
    if isinstance(v, bool) or isinstance(v, (dt.time, CellError)):
        raise _not_a(v, "a date")
    return _date_text(str(v), dayfirst)


# --- choices, headers, text --------------------------------------------------------------

_MARKS = str.maketrans({"–": "-", "—": "-", "−": "-", "‐": "-"})
_Lookup = tuple[dict[str, tuple[str, ...]], dict[str, tuple[str, ...]]]
_vocab_cache: dict[int, tuple[object, _Lookup]] = {}


def _lookup(vocabulary: dict[str, list[str]]) -> _Lookup:
    """(words, marks): normalized variant -> canonical(s); punctuation-only variants apart."""
    hit = _vocab_cache.get(id(vocabulary))
    if hit is not None and hit[0] is vocabulary:
        return hit[1]
    words: dict[str, tuple[str, ...]] = {}
    marks: dict[str, tuple[str, ...]] = {}
    for canonical in vocabulary:                       # a canonical name beats any variant
        words[normalize_header(str(canonical))] = (canonical,)
    taken = set(words)
    for canonical, variants in vocabulary.items():
        for name in variants or ():
            key = normalize_header(str(name))
            table = words if key else marks
            key = key or str(name).strip().translate(_MARKS)
            if key in taken or not key:
                continue
            if canonical not in table.get(key, ()):
                table[key] = (*table.get(key, ()), canonical)
    if len(_vocab_cache) >= 64:
        _vocab_cache.clear()
    _vocab_cache[id(vocabulary)] = (vocabulary, (words, marks))
    return words, marks


def parse_choice(v: Value, vocabulary: dict[str, list[str]]) -> str | None:
    """The canonical choice for `v` ('Opt out' -> 'opt-out'); unknown -> error listing choices.

    Matching ignores case, spaces and punctuation; a variant made only of punctuation
    (reply status `-`) must be typed as it is.  A variant two choices share is an error.
    """
    if _empty(v):
        return None
    words, marks = _lookup(vocabulary)
    text = text_of(v)
    key = normalize_header(text)
    found = words.get(key) if key else marks.get(text.translate(_MARKS))
    if found is None:
        raise ValueError(f"“{_show(v)}” is not one of: {', '.join(map(str, vocabulary))}")
    if len(found) > 1:
        raise ValueError(f"“{_show(v)}” is ambiguous: it could be {' or '.join(found)}")
    return found[0]


@lru_cache(maxsize=8192)
def normalize_header(text: str) -> str:
    """Casefolded letters and digits only: 'Date in', 'date_in', 'DATE-IN' -> 'datein'.

    Unicode-aware (NFKC), so a composed and a decomposed 'Ü' are the same header.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return "".join(ch for ch in folded if ch.isalnum())


def text_of(v: Value) -> str:
    """The value as a person reads it: dates ISO, 8000.0 as 8000, errors as their code."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v.strip()
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return format(v, ".15g")
    if isinstance(v, dt.datetime):
        if v.hour or v.minute:
            return v.isoformat(sep=" ", timespec="minutes")
        return v.date().isoformat()
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v).strip()


_CURRENCY_SIGNS = {"$": "$", "€": "€", "£": "£", "usd": "$", "eur": "€", "gbp": "£"}
_CURRENCY_RE = re.compile(r"[$€£]|\b(?:usd|eur|gbp)\b", re.IGNORECASE)


def infer_currency(texts: Iterable[object]) -> str:
    """The currency sign the operator writes prices in ("$8K" -> "$"), or "" when none.

    The most common sign among the texts wins; a tie goes to the one seen first.
    """
    counts: dict[str, int] = {}
    for text in texts:
        if isinstance(text, str):
            for m in _CURRENCY_RE.finditer(text):
                sign = _CURRENCY_SIGNS[m[0].casefold()]
                counts[sign] = counts.get(sign, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else ""
