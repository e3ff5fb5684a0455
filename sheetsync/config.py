"""sheetsync.toml: the workbooks a scheduled sync looks after, validated with pydantic.

    backup = 5                      # defaults for every workbook
    lock_timeout = 60               # seconds a sync waits for another sync of the same book
    jobs = 2                        # workbooks synced at once
    [[workbooks]]
    name = "Acme"
    source = "clients/acme.xlsx"    # relative to this file
    [[workbooks]]
    source = "https://docs.google.com/spreadsheets/d/KEY/edit"
    credentials = "service-account.json"

Relative paths (and `~`) are resolved against the config file's folder, so the same
file works from cron, systemd or CI whatever the working directory.  A config that
cannot be used stops the run with one line naming the file and the line.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any

from annotated_types import Ge, Le, MinLen

from sheetsync.backends import google_key
from sheetsync.errors import ConfigError

MAX_JOBS = 16
# A key the schema does not know, as pydantic reports it for a dataclass (and a model).
_UNKNOWN_KEY = {"unexpected_keyword_argument", "extra_forbidden"}


# Plain dataclasses, checked by pydantic only when a config file is loaded: a sync of
# the workbooks named on the command line builds them directly, and pydantic then
# loads while the first workbook is being read (see engine.py).
@dataclass
class WorkbookConfig:
    """One `[[workbooks]]` entry; unset options fall back to the top-level defaults."""

    __pydantic_config__ = {"extra": "forbid"}

    source: Annotated[str, MinLen(1)]
    name: str | None = None
    credentials: str | None = None
    rules: Path | None = None
    backup: Annotated[int, Ge(0)] | None = None

    @property
    def label(self) -> str:
        """How the workbook is named in log lines: its name, else the file name or key."""
        if self.name:
            return self.name
        return self.source if google_key(self.source) is not None else Path(self.source).name


@dataclass
class SyncConfig:
    """A whole sheetsync.toml: top-level defaults and the workbooks."""

    __pydantic_config__ = {"extra": "forbid"}

    workbooks: list[WorkbookConfig] = field(default_factory=list)
    rules: Path | None = None
    credentials: str | None = None
    backup: Annotated[int, Ge(0)] = 0
    lock_timeout: Annotated[float, Ge(0)] = 60.0
    jobs: Annotated[int, Ge(1), Le(MAX_JOBS)] = 1


_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*workbooks[ \t]*\]\]", re.M)
_ANY_TABLE = re.compile(r"^[ \t]*\[", re.M)


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _key(name: str) -> re.Pattern[str]:
    return re.compile(rf"""^[ \t]*["']?{re.escape(name)}["']?[ \t]*=""", re.M)


def _line_of(text: str, loc: tuple[object, ...]) -> int | None:
    """The line of the `[[workbooks]]` entry (or the key) a pydantic error points at.

    TOML keeps no positions after parsing, so the text is scanned: the n-th
    `[[workbooks]]` header, then the key inside that entry; top-level keys can only
    appear before the first table header.
    """
    if not loc:
        return None
    if loc[0] == "workbooks" and len(loc) > 1 and isinstance(loc[1], int):
        starts = [m.start() for m in _HEADER.finditer(text)]
        if loc[1] < len(starts):
            start = starts[loc[1]]
            end = starts[loc[1] + 1] if loc[1] + 1 < len(starts) else len(text)
            nxt = _ANY_TABLE.search(text, start + 2)
            if nxt and nxt.start() < end:
                end = nxt.start()
            if len(loc) > 2:
                m = _key(str(loc[2])).search(text, start, end)
                if m:
                    return _line_at(text, m.start())
            return _line_at(text, start)
    first_table = _ANY_TABLE.search(text)
    m = _key(str(loc[0])).search(text, 0, first_table.start() if first_table else len(text))
    if m:
        return _line_at(text, m.start())
    if first_table and loc[0] == "workbooks":
        return _line_at(text, first_table.start())
    return None


def _where(path: Path, line: int | None) -> str:
    return f"{path}, line {line}" if line else str(path)


def _resolve(value: str, base: Path) -> str:
    p = Path(value).expanduser()
    return str(p if p.is_absolute() else base / p)


def load_config(path: Path) -> SyncConfig:
    """The config at `path`, with relative paths made relative to its folder.

    Raises ConfigError (one line: file, line, what is wrong) when the file cannot be
    read, is not TOML, does not fit the schema, lists no workbook or one twice.
    """
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        line = _line_at(path.read_bytes().decode("utf-8", "replace"), exc.start)
        raise ConfigError(f"{_where(path, line)}: not UTF-8 text") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        m = re.search(r"\s*\(at line (\d+), column \d+\)$", msg)
        if m:
            msg = f"{_where(path, int(m.group(1)))}: {msg[:m.start()]} (not valid TOML)"
        elif "end of document" in msg:
            msg = f"{_where(path, text.count(chr(10)) + 1)}: {msg} (not valid TOML)"
        else:
            msg = f"{path}: {msg} (not valid TOML)"
        raise ConfigError(msg) from exc
    config = _validated(path, text, data)
    if not config.workbooks:
        raise ConfigError(f"{path}: no [[workbooks]] listed; add one with a source = line")
    base = path.resolve().parent
    seen: dict[str, int] = {}
    for i, wb in enumerate(config.workbooks):
        key = google_key(wb.source)
        if key is None:
            wb.source = _resolve(wb.source, base)
        same = key or str(Path(wb.source).resolve())
        if same in seen:
            at = _line_of(text, ("workbooks", i, "source"))
            raise ConfigError(f"{_where(path, at)}: {wb.source} is listed twice"
                              f" (also workbook {seen[same] + 1})")
        seen[same] = i
        if wb.rules is not None:
            wb.rules = Path(_resolve(str(wb.rules), base))
        if wb.credentials is not None:
            wb.credentials = _resolve(wb.credentials, base)
    if config.rules is not None:
        config.rules = Path(_resolve(str(config.rules), base))
    if config.credentials is not None:
        config.credentials = _resolve(config.credentials, base)
    return config


def _validated(path: Path, text: str, data: dict[str, Any]) -> SyncConfig:
    """`data` checked against the schema; ConfigError names the line and the key."""
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(SyncConfig).validate_python(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key also makes the real one "missing": name the typo first.
        err = min(errors, key=lambda e: e["type"] not in _UNKNOWN_KEY)
        loc = tuple(err["loc"])
        where = ".".join(f"[{x}]" if isinstance(x, int) else str(x) for x in loc)
        where = where.replace(".[", "[")
        msg = err["msg"]
        if err["type"] in _UNKNOWN_KEY:
            model = WorkbookConfig if loc[0] == "workbooks" else SyncConfig
            known = [f.name for f in fields(model)]
            close = difflib.get_close_matches(str(loc[-1]), known, 1)
            msg = "unknown key" + (f" (did you mean {close[0]}?)" if close else "")
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ConfigError(
            f"{_where(path, _line_of(text, loc))}: {where}: {msg}{more}"
        ) from exc
