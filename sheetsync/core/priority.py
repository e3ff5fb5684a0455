"""One priority (DESIGN.md §3): the candidates, the one to fix this week, and the words.

The candidates are the Pipeline leaks and the stage the diagnosis blames (a counter
below its Rules minimum, walked backward to a stage: low lead volume → Input source
#2, low qualified rate → the Input source row of the worst source, low conversion →
Conversion call structure, low deal size → Price).  Fix this week is the most
upstream candidate; the others are "next".  Every surface reads the choice from here:
the Status words, the Why, `fix_this_week` with its `why`, each counter's status.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sheetsync.core.catalogue import plural, say
from sheetsync.core.diagnosis import best_source, shown, worst_source
from sheetsync.core.result import Leak, Metric, Metrics, PipelineRow
from sheetsync.core.rules import Rules
from sheetsync.core.text import capital, money, number, pct

BELOW = "below-target"
INPUT_1, INPUT_2 = "Input source #1", "Input source #2"
CALL = "Conversion call structure"
PRICE = "Price (visible before the call)"
_TARGETS = {
    "leads_per_week": "min_leads_per_week",
    "qualified_rate": "min_qualified_rate",
    "conversion_rate": "min_conversion_rate",
    "average_deal_size": "min_average_deal_size",
}
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Blame:
    """The stage a counter below its minimum points to, and the problem in words."""

    stage: str
    counter: str
    problem: str


def target(counter: str, rules: Rules) -> float | None:
    """The Rules minimum of `counter`, or None when it has none."""
    name = _TARGETS.get(counter)
    return None if name is None else float(getattr(rules.diagnosis, name))


def metric_status(counter: str, metric: Metric, rules: Rules) -> str:
    """on-target, below-target, low-sample or no-data (JSON `metrics.<name>.status`)."""
    if metric.value is None or metric.n == 0:
        return "no-data"
    if metric.n < rules.min_sample:
        return "low-sample"
    floor = target(counter, rules)
    # compared as the operator sees it: 24.6% shows as 25% and is not under 25%
    below = floor is not None and shown(metric.value, metric.unit) < floor
    return BELOW if below else "on-target"



def _stem(text: str) -> set[str]:
    return {w.removesuffix("s") for w in _WORD.findall(text.casefold())}


def source_row(source: str, rows: list[PipelineRow]) -> str:
    """The Input source row whose answer names `source` ("LinkedIn posts" for
    "LinkedIn post"); Input source #1 when no answer names it."""
    want = _stem(source)
    inputs = [r for r in rows if r.stage in (INPUT_1, INPUT_2)]
    for r in inputs:
        if want and want <= _stem(r.answer):
            return r.stage
    for r in inputs:
        if {w for w in want if len(w) >= 4} & _stem(r.answer):
            return r.stage
    return INPUT_1


def blame(metrics: Metrics, rows: list[PipelineRow], rules: Rules) -> Blame | None:
    """The most upstream counter below its minimum, walked back to its stage.

    A low-sample counter never blames anything.
    """
    def below(counter: str) -> Metric | None:
        m: Metric = getattr(metrics, counter)
        return m if metric_status(counter, m, rules) == BELOW else None

    d = rules.diagnosis
    active = [s for s in metrics.by_source if s.leads > 0 and s.name != "(none)"]
    if (m := below("leads_per_week")) is not None:
        best = best_source(active, rules) if len(active) > 1 else None
        if best is None:
            return Blame(INPUT_2, "leads_per_week",
                         say("priority-low-volume", value=number(m.value)))
        return Blame(source_row(best.name, rows), "leads_per_week",
                     say("priority-grow-source", value=number(m.value), source=best.name,
                         sources=plural(len(active), "source")))
    if (m := below("qualified_rate")) is not None:
        worst = worst_source(metrics.by_source, rules)
        if worst is not None:
            q = worst.qualified_rate
            return Blame(source_row(worst.name, rows), "qualified_rate",
                         say("priority-worst-source", source=worst.name,
                             qualified=round((q.value or 0.0) * q.n), decided=q.n,
                             overall=pct(m.value)))
        return Blame(INPUT_1, "qualified_rate",
                     say("priority-low-qualified", value=pct(m.value),
                         target=pct(d.min_qualified_rate)))
    if (m := below("conversion_rate")) is not None:
        return Blame(CALL, "conversion_rate",
                     say("priority-low-conversion", value=pct(m.value),
                         target=pct(d.min_conversion_rate)))
    if (m := below("average_deal_size")) is not None:
        return Blame(PRICE, "average_deal_size",
                     say("priority-low-deal-size", value=money(m.value),
                         target=money(d.min_average_deal_size)))
    return None


def choose(leaks: list[Leak], rows: list[PipelineRow], found: Blame | None, sheet: str,
           rules: Rules) -> tuple[list[Leak], Leak | None]:
    """(Pipeline leaks plus the blamed row when it is not one, the one to fix this week).

    The fix is a copy of its leak whose `why` says in one sentence why it comes first.
    """
    order = {s.name: i for i, s in enumerate(rules.stages)}
    out = list(leaks)
    if found is not None and not any(x.stage == found.stage for x in leaks):
        row = next((r for r in rows if r.stage == found.stage), None)
        if row is not None:
            out.append(Leak(sheet=sheet, row=row.row, stage=row.stage, label=row.label,
                            kind=BELOW, text=row.answer,
                            why=capital(found.problem) + "."))
            out.sort(key=lambda x: (order.get(x.stage, len(order)), x.row))
    candidates = [x for x in out if x.stage in order]
    if not candidates:
        return out, None
    first = min(candidates, key=lambda x: (order[x.stage], x.row))
    if found is not None and first.stage == found.stage:
        why = say("priority-diagnosed", problem=found.problem)
    else:
        why = say("priority-leak")
    return out, first.model_copy(update={"why": why})
