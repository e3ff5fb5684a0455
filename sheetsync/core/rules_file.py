"""The rules files as plain data: the shipped YAML, merged with the one given at setup.

Kept apart from the typed model (rules.py) so a run learns which sheets to read —
their names are rules too (§2) — without importing pydantic: the read starts first and
the model is built while it runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sheetsync.core.values import normalize_header
from sheetsync.errors import RulesError
from sheetsync.resources import resource_dir

# The weekly history sheet.  Its first name, "History", is one Excel reserves (for its
# change tracking: it will not let a sheet be renamed so, and exceljs refuses to open a
# workbook with one); a workbook that already has a "History" sheet keeps writing it.
HISTORY = "Weekly history"
OLD_HISTORY = "History"
# The sheets sheetsync writes whole (§2): never the operator's, whatever the rules say.
GENERATED = ("Metrics", "Findings", "Review", HISTORY, OLD_HISTORY)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)     # libyaml when it is there


@dataclass(frozen=True)
class RulesText:
    """The merged settings before validation, and the file a bad one would come from."""

    data: dict[str, Any]
    where: str

    def wanted_sheets(self, *, generated: bool = True, leave_out: Iterable[str] = ()) -> set[str]:
        """Normalized names of the sheets a run reads: the operator's, and (for a sync,
        which compares and appends to them) the generated ones, but none in `leave_out`.

        A check needs no generated sheet: on a synced workbook the Findings sheet alone
        can be as big as the lead log.  Settings that are not a mapping of name lists
        name no sheet here; validating them (rules.py) says what is wrong.
        """
        sheets = self.data.get("sheets")
        names = [n for aliases in sheets.values() if isinstance(aliases, list)
                 for n in aliases if isinstance(n, str)] if isinstance(sheets, dict) else []
        if generated:
            names += GENERATED
        return {normalize_header(n) for n in names} - {normalize_header(n) for n in leave_out}


def read_rules_file(path: Path | None = None) -> RulesText:
    """The shipped defaults, overridden by the rules file at `path` if given."""
    default = resource_dir("rules").joinpath("default.yaml").read_text("utf-8")
    data = _load_yaml(default, "rules/default.yaml")
    where = "rules/default.yaml"
    if path is not None:
        try:
            text = Path(path).read_text("utf-8")
        except OSError as exc:
            raise RulesError(f"{path}: cannot read the rules file ({exc.strerror})") from exc
        data = _merge(data, _load_yaml(text, str(path)))
        where = str(path)
    return RulesText(data=data, where=where)


# Settings that are names for things (sheet names, headers, stage values, words): a
# rules file adds names to them, never takes the shipped ones away (DESIGN.md §8).
NAME_LISTS = frozenset({"sheets", "pipeline_columns", "blocks_columns", "lead_columns",
                        "open_stage_columns",
                        "decisions", "reply_statuses", "stage_aliases", "leak_markers",
                        "date_orders", "mapping_labels", "rule_labels"})


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Deep-merge mappings; lists and scalars in `over` replace those in `base`, except
    in the NAME_LISTS, where the file's names come first and the shipped ones stay."""
    out = dict(base)
    for key, value in over.items():
        if key in NAME_LISTS and isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = add_names(out[key], value)
        elif isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _norm_all(names: list[Any]) -> set[str]:
    return {normalize_header(n) for n in names if isinstance(n, str)} - {""}


def add_names(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`base` name lists with `over`'s names put first; a name `over` gives one key is
    taken from every other key, so the newer word wins.  A value that is not a list is
    kept as given (validation then names it)."""
    given = {k: v for k, v in over.items() if isinstance(v, list)}
    taken = set().union(*(_norm_all(v) for v in given.values())) if given else set()
    out: dict[str, Any] = {}
    for key, names in base.items():
        if isinstance(names, list):
            names = [n for n in names if not (isinstance(n, str)
                                               and normalize_header(n) in taken)]
        out[key] = names
    for key, value in over.items():
        old = out.get(key)
        if isinstance(value, list) and isinstance(old, list):
            mine = _norm_all(value)
            out[key] = [*value, *(n for n in old if not (isinstance(n, str)
                                                        and normalize_header(n) in mine))]
        else:
            out[key] = value
    return out


def _load_yaml(text: str, where: str) -> dict[str, Any]:
    try:
        data = yaml.load(text, Loader=_LOADER)   # a safe loader: libyaml's or Python's
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise RulesError(f"{where}{line}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise RulesError(f"{where}: expected settings as 'name: value' lines")
    return data
