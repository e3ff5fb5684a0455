"""Digits as people group them: `8,000`, `8 000`, `1.500,00`, `1'200`, `35,5`.

Which separator is the decimal one is decided by the pattern, never guessed:

- both `.` and `,` appear: the last one is the decimal separator (`1.500,00`, `2,500.50`);
- one separator appears more than once: it groups thousands (`1.200.000`);
- spaces and `'` only ever group thousands (`8 000`, `1'200`);
- a single `.` or `,` with 1-3 digits before it and exactly 3 after (`1.500`, `1,500`)
  could be either; each caller says how to read it (`Policy`): as thousands, as a
  decimal, or as an error naming the ambiguity;
- any other single `.` or `,` is the decimal separator (`35,5`, `1.5`).

Thousands groups must be well formed: `1,2,3` or `12,34.5` is an error, not 1234.5.
"""

from __future__ import annotations

import re
from typing import Literal

Policy = Literal["thousands", "decimal", "ambiguous"]

_SPACE_LIKE = re.compile(r"[\s\u00a0\u202f\u2009']+")
_SHAPE = re.compile(r"[.,]?\d[\d.,\s\u00a0\u202f\u2009']*")
_DIGITS = re.compile(r"\d+")
_GROUPED = {sep: re.compile(rf"\d{{1,3}}(?:{re.escape(sep)}\d{{3}})+") for sep in ", ."}
_GROUP_LEAD = re.compile(r"[1-9]\d{0,2}")


class Ambiguous(ValueError):
    """The separators allow two readings; the message says which two."""


def _int_part(part: str, grouping: str) -> str | None:
    """Digits of the integer part, or None when its thousands groups are malformed."""
    if _DIGITS.fullmatch(part):
        return part
    if not part:
        return "0"
    for sep in (grouping, " "):
        if sep and _GROUPED[sep].fullmatch(part):
            return part.replace(sep, "")
    return None


def read_number(text: str, *, comma3: Policy = "thousands", dot3: Policy = "ambiguous") -> float:
    """The non-negative number written in `text` (digits and separators only).

    Raises `Ambiguous` when a lone `.`/`,` before three digits could be either reading
    and the policy says so, and plain ValueError when `text` is not a number.
    """
    t = _SPACE_LIKE.sub(" ", text.strip())
    if not _SHAPE.fullmatch(t):
        raise ValueError(text)
    last_dot, last_comma = t.rfind("."), t.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
        grouping = "," if decimal == "." else "."
        if t.count(decimal) > 1:
            raise ValueError(text)
        whole, frac = t.split(decimal)
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        if t.count(sep) > 1:
            whole, frac, grouping = t, "", sep
        else:
            whole, frac = t.split(sep)
            grouping = ""
            if len(frac) == 3 and _GROUP_LEAD.fullmatch(whole):
                policy = dot3 if sep == "." else comma3
                if policy == "ambiguous":
                    raise Ambiguous(f"{whole}{sep}{frac} could mean {float(whole + '.' + frac):g}"
                                    f" or {whole}{frac}")
                if policy == "thousands":
                    whole, frac = whole + frac, ""
    else:
        whole, frac, grouping = t, "", ""
    digits = _int_part(whole, grouping)
    if digits is None or (frac and not _DIGITS.fullmatch(frac)) or (t[-1] in ".,"):
        raise ValueError(text)
    return float(f"{digits}.{frac}" if frac else digits)
