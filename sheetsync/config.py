"""sheetsync.toml: the workbooks a scheduled sync looks after, validated with pydantic.

    backup = 5                      # defaults for every workbook
    [[workbooks]]
    name = "Acme"
    source = "clients/acme.xlsx"    # relative to this file
    [[workbooks]]
    source = "https://docs.google.com/spreadsheets/d/KEY/edit"
    credentials = "service-account.json"

A config that cannot be used stops the run with one line naming the file and line.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sheetsync.backends import google_key
from sheetsync.errors import ConfigError


class WorkbookConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    name: str | None = None
    credentials: str | None = None
    rules: Path | None = None
    backup: int | None = Field(default=None, ge=0)

    @property
    def label(self) -> str:
        return self.name or (Path(self.source).name if google_key(self.source) is None
                             else self.source)


class SyncConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    workbooks: list[WorkbookConfig] = Field(default_factory=list)
    rules: Path | None = None
    credentials: str | None = None
    backup: int = Field(default=0, ge=0)
    lock_timeout: float = Field(default=60.0, ge=0)
    jobs: int = Field(default=1, ge=1, le=16)


def _line_of(text: str, loc: tuple[object, ...]) -> int | None:
    """The line of the [[workbooks]] entry (or top-level key) a pydantic error points at."""
    if loc and loc[0] == "workbooks" and len(loc) > 1 and isinstance(loc[1], int):
        starts = [m.start() for m in re.finditer(r"^\s*\[\[workbooks\]\]", text, re.M)]
        if loc[1] < len(starts):
            start = starts[loc[1]]
            if len(loc) > 2:
                key = re.compile(rf"^\s*{re.escape(str(loc[2]))}\s*=", re.M)
                m = key.search(text, start)
                nxt = starts[loc[1] + 1] if loc[1] + 1 < len(starts) else len(text)
                if m and m.start() < nxt:
                    return text.count("\n", 0, m.start()) + 1
            return text.count("\n", 0, start) + 1
    if loc:
        m = re.search(rf"^\s*{re.escape(str(loc[0]))}\s*=", text, re.M)
        if m:
            return text.count("\n", 0, m.start()) + 1
    return None


def load_config(path: Path) -> SyncConfig:
    """The config at `path`, with relative paths made relative to its folder."""
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the config ({exc.strerror})") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        config = SyncConfig.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        line = _line_of(text, tuple(err["loc"]))
        where = f"{path}, line {line}" if line else str(path)
        field = ".".join(str(x) for x in err["loc"])
        raise ConfigError(f"{where}: {field}: {err['msg']}") from exc
    if not config.workbooks:
        raise ConfigError(f"{path}: no [[workbooks]] listed")
    base = path.parent
    for wb in config.workbooks:
        if google_key(wb.source) is None and not Path(wb.source).is_absolute():
            wb.source = str(base / wb.source)
        for attr in ("rules", "credentials"):
            value = getattr(wb, attr)
            if value is not None and not Path(value).is_absolute():
                setattr(wb, attr, type(value)(base / value))
    for attr in ("rules", "credentials"):
        value = getattr(config, attr)
        if value is not None and not Path(value).is_absolute():
            setattr(config, attr, type(value)(base / value))
    return config
