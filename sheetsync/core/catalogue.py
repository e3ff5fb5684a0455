"""Every text an operator can read, in one place: read it top to bottom.

Each entry has a stable kebab-case `id` (it appears in JSON as a finding's `rule`,
never in a sheet), its words (`text`) and, for findings, the one edit that clears it
(`fix`).  Both are `str.format` templates; the fields are filled by the caller.

Rules for every text (DESIGN.md §7):
- A finding names the lead (by name, else company, else ID, else "Row N"), the
  cell (the column header as the operator typed it), what is wrong, and the one edit
  that clears it, with an example of a good value where a format is at stake.
  Following the fix literally clears the finding at the next sync and never raises
  the opposite finding.
- No engineer words: no rule ids, "n=", "95% interval", "Wilson", "cohort", ISO week
  numbers, timestamps with seconds, hashes, "error", "null"/"None".
- Full sentences with full stops.  Counts with grammar ("1 finding", "2 findings"):
  use `plural`.  Numbers through sheetsync/core/text.py only.

`level` says how much it matters: "to-fix" (JSON severity "error"), "check"
("warning"), "note" ("info").  The sheet shows the plain word, never "error".

Add entries here, literally; never build an id at run time (a test walks the code
for the ids it uses and checks each exists and has its fields filled).
"""

from __future__ import annotations

from dataclasses import dataclass
from string import Formatter
from typing import Literal

Level = Literal["to-fix", "check", "note"]

SEVERITY: dict[str, Literal["error", "warning", "info"]] = {
    "to-fix": "error", "check": "warning", "note": "info",
}
# The Findings sheet's "What to do" words ("Check" is also the Leads sheet's column).
LEVEL_WORDS: dict[str, str] = {"error": "Fix now", "warning": "Worth a look", "info": "Note"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One text: its stable id, its words, the one edit that clears it, how much it matters."""

    id: str
    text: str
    fix: str = ""
    level: Level = "to-fix"

    def fields(self) -> set[str]:
        """The template fields `text` and `fix` need."""
        return {name for part in (self.text, self.fix)
                for _, name, _, _ in Formatter().parse(part) if name}


def _catalogue(*entries: Entry) -> dict[str, Entry]:
    out: dict[str, Entry] = {}
    for e in entries:
        if e.id in out:
            raise ValueError(f"catalogue: {e.id} is declared twice")
        out[e.id] = e
    return out


CATALOGUE: dict[str, Entry] = _catalogue(
    # --- The lead log: values that cannot be read ------------------------------------
    Entry(
        "unreadable-value",
        "{lead}: {column} {problem}.",
        "Type {column} as {example}.",
    ),
    Entry(
        "leads-header-missing",
        "The lead log has no header row sheetsync recognises.",
        "Type the column names in the first row of the Leads sheet, for example Lead, Source,"
        " Date in and Decision.",
    ),
    # --- Research → qualification ------------------------------------------------------
    Entry(
        "research-incomplete",
        "{lead} has a Decision but no {names} yet.",
        "Fill in {names}: the research behind the Decision.",
    ),
    # --- Qualification → outreach ------------------------------------------------------
    Entry(
        "decision-needs-reason",
        "{lead} is marked {decision} but {column} is empty.",
        "Write in {column} why, for example “{example}”.",
    ),
    Entry(
        "decision-needs-evidence",
        "{lead} is marked {decision} but {column} is empty.",
        "Write in {column} what you saw, for example “asked for a quote on LinkedIn, 3 Nov”.",
    ),
    Entry(
        "decision-needs-field",
        "{lead} is marked {decision} but {column} is empty.",
        "Write {column} in one line.",
    ),
    Entry(
        "below-budget-minimum",
        "{lead} is pursued with a budget of {budget}, under your {minimum} minimum.",
        "Change Decision to nurture (or lower Budget minimum on the Rules sheet if {minimum} is"
        " too high).",
        "check",
    ),
    Entry(
        "no-decision-maker",
        "{lead} is pursued but the contact is not the decision maker.",
        "Find the decision maker and write their yes in Decision maker, or change Decision to"
        " nurture.",
        "check",
    ),
    Entry(
        "timeline-too-long",
        "{lead} is pursued with a {timeline}-day timeline, longer than the {maximum}"
        " days on your Rules sheet.",
        "Change Decision to nurture until the timeline fits.",
        "check",
    ),
    Entry(
        "problem-not-fit",
        "{lead} is pursued but the problem does not match your offer.",
        "Change Decision to nurture or skip (or add the problem to Offer problem keywords on"
        " the Rules sheet).",
        "check",
    ),
    # --- Outreach ------------------------------------------------------------------------
    Entry(
        "outreach-not-pursued",
        "{lead} is marked {decision}, not pursue, but a next touch is scheduled.",
        "Clear the Next touch date: only pursued leads get follow-ups.",
    ),
    Entry(
        "outreach-without-evidence",
        "{lead} was contacted but Evidence is empty.",
        "Write in Evidence what the message rested on, for example “hiring two support"
        " agents, seen 3 Nov”.",
    ),
    Entry(
        "outreach-needs-approval",
        "{lead} is high-value or sensitive and was contacted without approval.",
        "Have someone review it and write their name in Approved by.",
    ),
    # --- Follow-up -----------------------------------------------------------------------
    Entry(
        "touch-after-stop-reply",
        "{lead} {reply}, but a next touch is still scheduled.",
        "Clear the Next touch date.",
    ),
    Entry(
        "sent-needs-next-touch-date",
        "{lead} was contacted but {column} is empty.",
        "Write {column}, for example {example}.",
    ),
    Entry(
        "sent-needs-stop-condition",
        "{lead} was contacted but {column} is empty.",
        "Write {column}, for example “stop after 3 touches or any no”.",
    ),
    Entry(
        "sent-needs-field",
        "{lead} was contacted but {column} is empty.",
        "Write {column}, in one line.",
    ),
    Entry(
        "next-touch-outside-window",
        "{lead}'s next touch is more than {window} days after the message.",
        "Move Next touch date to {latest} or earlier.",
        "check",
    ),
    # --- CRM hygiene ---------------------------------------------------------------------
    Entry(
        "closed-without-date",
        "{lead}'s deal is {stage} but Closed date is empty, so no rate can count it.",
        "Write the date the deal was {stage} in Closed date, for example {example}.",
    ),
    Entry(
        "won-without-deal-size",
        "{lead}'s deal is won but Deal size is empty.",
        "Write the signed amount in Deal size, for example {example}.",
    ),
    Entry(
        "closed-before-date-in",
        "{lead}'s Closed date is before the Date in.",
        "Correct the Closed date: it is the day the deal was won or lost.",
    ),
    Entry(
        "open-lead-needs-stage",
        "{lead} is open but {column} is empty.",
        "Write {column}, for example qualified or proposal.",
    ),
    Entry(
        "open-lead-needs-last-action",
        "{lead} is open but {column} is empty.",
        "Write {column}, for example “call on 3 Nov”.",
    ),
    Entry(
        "open-lead-needs-next-action",
        "{lead} is open but {column} is empty.",
        "Write {column}, for example “send the proposal”.",
    ),
    Entry(
        "open-lead-needs-next-action-date",
        "{lead} is open but {column} is empty.",
        "Write {column}, for example {example}.",
    ),
    Entry(
        "open-lead-needs-field",
        "{lead} is open but {column} is empty.",
        "Write {column}, in one line.",
    ),
    Entry(
        "next-action-overdue",
        "{lead}'s next action (“{action}”) was due {late} ago.",
        "Do it and write the new date in Next action date (or move the date if it can wait).",
    ),
    # --- The worksheet, the blocks map and the Rules sheet -----------------------------
    Entry(
        "stage-row-missing",
        "The worksheet has no row for “{stage}”.",
        "Add a row labelled “{stage}” ({guide}).",
        "check",
    ),
    Entry(
        "blocks-sheet-missing",
        "No five-blocks map was found, so the blocks check was skipped.",
        "Add a Blocks sheet (sheetsync init makes one) to check owners and rules.",
        "note",
    ),
    Entry(
        "blocks-table-missing",
        "The Blocks sheet has no table with Block / Current owner / Current output headers.",
        "Add a Blocks sheet (sheetsync init makes one) to check owners and rules.",
        "note",
    ),
    # --- Status words (Pipeline and Blocks Status cells; the legend explains each) ----
    # `text` is the word in the cell, `fix` what it means (the legend's line).
    Entry("status-fix-this-week", "Fix this week",
          "The one stage to work on this week: the most upstream problem.", "note"),
    Entry("status-leak", "Leak",
          "A stage that loses leads or is not defined yet; fix it after this week's one.",
          "note"),
    Entry("status-below-target", "Below target",
          "Measured from the lead log and under the minimum on your Rules sheet.", "note"),
    Entry("status-on-target", "On target",
          "Measured from the lead log and at or above the minimum on your Rules sheet.",
          "note"),
    Entry("status-low-sample", "Too few to judge",
          "Measured on too few leads to trust yet; it never drives the diagnosis.", "note"),
    Entry("status-ok", "OK", "Nothing to fix here.", "note"),
    # A block's Status names every problem of its row: "Leak: nobody owns it, no output".
    Entry("status-block-leak", "Leak: {problems}", level="note"),
    Entry("status-block-no-owner", "nobody owns it",
          "Write a name in Current owner.", "note"),
    Entry("status-block-no-output", "no output",
          "Write what the block hands on in Current output.", "note"),
    Entry("status-block-no-rule", "a rule is missing",
          "Write the rule and who applies it; then clear Missing rule or write none.",
          "note"),
    # --- Why: one sentence per Pipeline row -----------------------------------------
    Entry("why-blank", "Nothing is written here yet: write {guide} in “{column}”.",
          level="note"),
    Entry("why-none", "Your answer says there is none: decide {guide} and write it down.",
          level="note"),
    Entry("why-untracked-words",
          "Your answer says it is not tracked: write down how you will count it.", level="note"),
    Entry("why-varies-words",
          "Your answer says it varies: write the one answer you give every time.",
          level="note"),
    Entry("why-untracked",
          "The lead log cannot measure it yet: fill in {columns} on the Leads sheet.",
          level="note"),
    Entry("why-no-closed-deals",
          "No pursued deal has closed in the last {weeks} yet: mark each one won or lost"
          " with its Closed date when it closes.", level="note"),
    Entry("why-no-won-deals",
          "No deal has been won in the last {weeks} yet: it shows once a won deal has its"
          " Closed date and Deal size.", level="note"),
    Entry("why-single-source",
          "Only one source brought leads in the last {weeks} weeks ({source}):"
          " add a second, intentional source.", level="note"),
    Entry("why-price-varies",
          "Won deals ranged from {low} to {high} over {deals}: publish one fixed price.",
          level="note"),
    Entry("why-leads-per-week", "{value} a week: {count} in the last {weeks} weeks.",
          level="note"),
    Entry("why-qualified-rate", "{value} of {count} decided leads were qualified (marked"
          " pursue); likely {low} to {high}.", level="note"),
    Entry("why-conversion-rate", "{value} of {count} closed pursued leads were won"
          " (likely {low} to {high}).", level="note"),
    Entry("why-average-deal-size", "{value} on average over {count}.", level="note"),
    Entry("why-cycle-time-days", "Typically {value} from Date in to Closed date (the"
          " median over {count}); {mean} on average.", level="note"),
    Entry("why-before", "The {weeks} weeks before: {value}.", level="note"),
    Entry("why-below-target", "Under your {target} minimum on the Rules sheet.", level="note"),
    Entry("why-low-sample",
          "Too few to judge: under {minimum} leads, so it does not drive the diagnosis.",
          level="note"),
    Entry("why-next", "Fix this one next, after {fix}.", level="note"),
    # --- One priority ------------------------------------------------------------------
    Entry("priority-leak",
          "Fix this first, because it feeds everything below: it is the most upstream leak.",
          level="note"),
    Entry("priority-diagnosed", "Fix this first, because it feeds everything below:"
          " {problem}.", level="note"),
    Entry("priority-worst-source",
          "only {qualified} of {decided} {source} leads met your criteria, against"
          " {overall} overall", level="note"),
    Entry("priority-low-volume", "only {value} leads a week come in", level="note"),
    Entry("priority-grow-source", "only {value} leads a week come in from {sources}"
          " (grow {source})", level="note"),
    Entry("priority-low-qualified", "the qualified rate is {value}, under your {target}"
          " minimum", level="note"),
    Entry("priority-low-conversion", "the conversion rate is {value}, under your {target}"
          " minimum", level="note"),
    Entry("priority-low-deal-size", "the average deal is {value}, under your {target}"
          " minimum", level="note"),
    # --- Weeks on the Metrics and Weekly history sheets: a Weekly history row counts the
    # window before its week, a Metrics weekly row the single week.
    Entry("week-of", "Week of {start}", level="note"),
    Entry("history-week-head", "Week (counts the {weeks} weeks before it)", level="note"),
    Entry("metrics-week-head", "Single week", level="note"),
    # --- The Review sheet ----------------------------------------------------------------
    Entry("review-title", "Weekly review — as of {as_of}, the {weeks} weeks {span}.",
          level="note"),
    # Where a leak is, in words only: the worksheet PDF numbers its stages 1-11, the sheet
    # has its own row numbers, so no number is named.
    Entry("review-fix", "{where}. {why}", level="note"),
    Entry("leak-where", "{stage}, on the {sheet} sheet", level="note"),
    # A Blocks row named once with every problem: "Follow-up (nobody owns it; no output)".
    Entry("leak-with-problems", "{stage} ({problems})", level="note"),
    Entry("review-next", "{stages}, in that order, once this week's one is done.",
          level="note"),
    Entry("review-nothing-to-fix",
          "Nothing: every stage is written down and no number is under its minimum.",
          level="note"),
    Entry("review-won", "Won in these {weeks} weeks", level="note"),
    Entry("review-lost", "Lost in these {weeks} weeks", level="note"),
    Entry("review-nurture", "Moved to nurture in these {weeks} weeks", level="note"),
    Entry("change-input-below-target",
          "Change what {stage} brings in (“{answer}”) so its leads meet your qualification"
          " criteria, or move that time to a source whose leads do.", level="note"),
    Entry(
        "rules-value-unreadable",
        "{label}: {problem}; the default ({default}) is used.",
        "Type a plain number, yes/no, or a comma-separated list.",
    ),
    # --- Follow-up control ---------------------------------------------------------------
    Entry(
        "next-touch-overdue",
        "{lead}'s next touch was due on {date}, {late} ago.",
        "Send it today, then write today's date in {sent} and the touch after in {column},"
        " for example {example}.",
    ),
    Entry(
        "touches-at-maximum",
        "{lead} has had {touches}, the most the rules allow, but another is scheduled.",
        "Clear {column}: the sequence is over (or raise Max touches on the Rules sheet).",
    ),
    Entry(
        "follow-up-after-stop-reply",
        "{lead} {reply}, but the next action “{action}” keeps the sequence going.",
        "Replace {column} with what happens now the sequence has stopped, for example"
        " “close as lost” or “check in next quarter”.",
    ),
    # One style for both kinds of overdue line on the Review.
    Entry("review-action-overdue", "next action {late} late (due {date}): “{action}”",
          level="note"),
    Entry("review-action-overdue-bare", "next action {late} late (due {date})", level="note"),
    Entry(
        "review-touch-overdue",
        "next touch {late} late (due {date})",
        level="note",
    ),
    # --- The diagnosis: walking the pipeline backward ---------------------------------
    Entry("trend-fell", "fell from {before} to {now}", level="note"),
    Entry("trend-is", "is {now}", level="note"),
    Entry(
        "diagnosis-one-source",
        "Only {value} leads a week come in, all from {source} — add a second, intentional"
        " input source.",
        level="note",
    ),
    Entry(
        "diagnosis-no-source",
        "Only {value} leads a week come in, and no lead says where it came from — write the"
        " Source of every lead, then add a second, intentional input source.",
        level="note",
    ),
    Entry(
        "diagnosis-grow-source",
        "Only {value} leads a week come in from {sources} — grow {source}, {why}.",
        level="note",
    ),
    Entry(
        "diagnosis-grow-any",
        "Only {value} leads a week come in from {sources}, none bringing more than the"
        " others yet — pick the one your best clients came from and grow it.",
        level="note",
    ),
    Entry("diagnosis-best-source-rate",
          "the one whose leads qualify best ({rate} of {decided})", level="note"),
    Entry("diagnosis-best-source-volume", "the one that brings the most ({leads})",
          level="note"),
    Entry(
        "diagnosis-worst-source",
        "Qualified rate {trend} — {source} is bringing leads that fail your criteria.",
        level="note",
    ),
    Entry("diagnosis-wrong-people",
          "Qualified rate {trend} — your inputs are pulling in the wrong people.",
          level="note"),
    Entry(
        "diagnosis-offer-or-call",
        "Conversion rate on qualified leads {trend} — the offer or the call structure is"
        " broken, not the leads.",
        level="note",
    ),
    Entry(
        "diagnosis-custom-pricing",
        "Average deal size {trend} — you are priced as custom work; sell one productized"
        " offer at a fixed price.",
        level="note",
    ),
    Entry(
        "diagnosis-no-closed-deals",
        "No pursued deal has closed in the last {weeks} yet — the conversion rate shows"
        " once deals are marked won or lost with their Closed date.",
        level="note",
    ),
    Entry(
        "diagnosis-on-target",
        "Every counter is on target this window — keep the system as it is and watch the"
        " trend.",
        level="note",
    ),
    Entry(
        "diagnosis-no-leads",
        "No leads in the window yet — log every lead with its Date in and Source.",
        level="note",
    ),
    # --- Owner coaching (the Review) ---------------------------------------------------
    Entry(
        "coaching-title",
        "Owners against the team median, last {weeks}",
        level="note",
    ),
    Entry(
        "coaching-below",
        "{owner}: {what} {value} of {sample} (likely {likely}), below the team median of"
        " {median}.",
        level="note",
    ),
    Entry(
        "coaching-above",
        "{owner}: {what} {value} of {sample} (likely {likely}), above the team median of"
        " {median}.",
        level="note",
    ),
    Entry(
        "coaching-in-line",
        "{owner}: {what} {value} of {sample} (likely {likely}), in line with the team"
        " median of {median}.",
        level="note",
    ),
    Entry(
        "coaching-no-median",
        "{owner}: {what} {value} of {sample} (likely {likely}).",
        level="note",
    ),
    Entry(
        "coaching-too-few",
        "{owner}: {what} {value} of {sample}, too few to judge.",
        level="note",
    ),
    Entry(
        "coaching-no-gap",
        "No owner is clearly above or below the team median over the last {weeks}.",
        level="note",
    ),
    Entry("likely-too-few", "{n}: too few to judge.", level="note"),
    Entry(
        "coaching-workload",
        "Open leads per owner: {load}.",
        level="note",
    ),
    # --- Qualification: what a pursued lead must carry ---------------------------------
    Entry(
        "pursued-needs-budget",
        "{lead} is pursued but {column} is empty.",
        "Write the buyer's budget, for example 8000 or $8K, or move the lead to nurture.",
    ),
    Entry(
        "pursued-needs-decision-maker",
        "{lead} is pursued but {column} is empty.",
        "Write yes if the contact makes the decision, no if not.",
    ),
    Entry(
        "pursued-needs-field",
        "{lead} is pursued but {column} is empty.",
        "Fill in {column} before the first message, or move the lead to nurture.",
    ),
    Entry(
        "pursued-column-missing",
        "Pursued leads need {name}, but the lead log has no {name} column.",
        "Add a {name} column, or take it off “Required for pursued leads” on the Rules sheet.",
        "check",
    ),
    # --- Duplicates, stuck deals, impossible values --------------------------------------
    Entry(
        "duplicate-lead",
        "{lead} is already in the log on row {first} (same {same}).",
        "Merge this row into row {first} and delete it.",
        "check",
    ),
    Entry(
        "deal-stuck",
        "{lead}'s deal has been open {age} since the lead came in, longer than the {limit} the"
        " rules"
        " allow.",
        "Move Stage to won, lost or nurture (a won or lost deal also needs its Closed date).",
        "check",
    ),
    Entry(
        "date-too-early",
        "{lead}: {column} {date} is before {year}, so it is left out of every count.",
        "Type the real date, for example {example}.",
    ),
    Entry(
        "date-in-future",
        "{lead}: {column} {date} is after today ({today}), so it is left out of every count.",
        "Type the date it really happened (for example {example}), or clear it.",
    ),
    # --- A pasted CRM export: columns, sheets and the Rules sheet's mapping rows -------
    Entry(
        "lead-column-absent",
        "The lead log has no {column} column, so no lead is checked for it"
        " ({leads} would need it).",
        "Add a {column} column to the lead log, or name the export's column for it on the"
        " Rules sheet in a row “{column} column”.",
        "check",
    ),
    Entry(
        "lead-column-empty",
        "The lead log's {column} column is empty on every row, so no lead is checked for it"
        " ({leads} would need it).",
        "Fill in {column} for the open leads, or, if another column holds it, name that"
        " column on the Rules sheet in a row “{field} column”.",
        "check",
    ),
    Entry(
        "qualified-rate-not-tracked",
        "No lead in the log has a Decision, so the qualified rate is not tracked and"
        " every lead counts as pursued for the conversion rate.",
        "Type pursue, nurture or skip in a Decision column (add one if the log has none)"
        " to track the qualified rate.",
        "note",
    ),
    Entry(
        "lead-log-on-other-sheet",
        "The lead log was read from the sheet {sheet}.",
        "Nothing to do; rename the sheet to Leads if you want it found by its name.",
        "note",
    ),
    Entry(
        "sheet-skipped",
        "The sheet {sheet} was not read: it is not the Pipeline, Blocks, Leads or Rules"
        " sheet and holds no lead log sheetsync recognises.",
        "If it holds your leads, rename it Leads, or give it a header row such as"
        " Lead, Source, Date in, Stage.",
        "note",
    ),
    Entry(
        "leads-headers-unknown",
        "The lead log has {rows} but sheetsync knows too few of the headers in row"
        " {header_row} ({headers}) to read it.",
        "Rename the headers to sheetsync's ({examples}), or name each on the Rules sheet"
        " in a row such as “Stage column” with the export's header as its value.",
    ),
    Entry(
        "mapped-column-not-found",
        "{label}: the lead log has no column called “{header}”.",
        "Type the header exactly as it is in the lead log's header row, or clear this"
        " value.",
    ),
    Entry(
        "mapped-stage-unknown",
        "{label}: “{value}” is not one of sheetsync's stages.",
        "Type one of: {stages}.",
    ),
    Entry(
        "mapped-date-order-unknown",
        "{label}: “{value}” is not a date order.",
        "Type day first (21/10/2026), month first (10/21/2026) or auto.",
    ),
    # --- Words that are not findings ----------------------------------------------------
    # The summary after a sync and the scheduled run's log line (runlog.py).
    Entry("sync-wrote", "wrote {cells} of its own; none of yours changed{also}", level="note"),
    Entry("sync-would-write", "would write {cells} of its own; none of yours would change"
          "{also}", level="note"),
    Entry("sync-up-to-date", "already up to date", level="note"),
    # Leaks counted where the operator can count them: "5 leaks: 2 on the Pipeline sheet,
    # 3 on the Blocks sheet".
    Entry("leaks-on-sheet", "{count} on the {sheet} sheet", level="note"),
    Entry("leaks-by-sheet", "{leaks}: {parts}", level="note"),
    Entry("leaks-one-sheet", "{leaks} on the {sheet} sheet", level="note"),
    Entry("counter-lost-rows", "{rows} left out because a value it needs could not be read."),
    Entry("counter-lost-row", "Row {row} ({lead}) was left out: its {columns} could not be"
          " read."),
    Entry("counter-lost-row-unnamed", "Row {row} was left out: its {columns} could not be"
          " read."),
    Entry("counter-lost-row-item", "row {row} ({lead}: {columns})"),
    Entry("counter-lost-row-item-unnamed", "row {row} ({columns})"),
    # A lead with no name, company or ID, as findings name it (they start with it).
    Entry("lead-unnamed", "Row {row}"),
    Entry("counter-lost-some", "Left out because a value could not be read: {items}."),
    Entry("counter-lost-more", "{items} and {more} more (see the Findings sheet)"),
    Entry("qualified-rate-untracked-why",
          "No lead in the log has a Decision (pursue, nurture or skip), so it is not tracked."),
    Entry("lead-log-unreadable", "The lead log's headers are not ones sheetsync knows."),
    Entry("columns-used", "Columns used: {pairs}."),
    Entry("columns-ignored", "Columns ignored: {names}."),
    Entry("column-ignored-nearest", "{header} (nearest: {nearest})"),
    Entry("sheets-skipped", "Sheets not read: {names}."),
    # --- The legend under the Pipeline table (core/legend.py): each colour, each Status word
    Entry("legend-title-status", "Legend:", level="note"),
    Entry("legend-title", "What the colours and the words in Status mean:", level="note"),
    Entry("legend-colour-fix", "Orange:", level="note"),
    Entry("legend-colour-leak", "Pink:", level="note"),
    Entry("legend-colour-below", "Lavender:", level="note"),
    Entry("legend-colour-none", "No colour:", level="note"),
    Entry("legend-colour-finding", "Pale yellow, on the Leads sheet:", level="note"),
    Entry("legend-finding-word", "Leads sheet:", level="note"),
    Entry("legend-finding", "a lead with something to fix in its Check cell.", level="note"),
)


# The Status words a sheet shows, in the legend's order, with the colour of their row
# (a highlight tone of workbook.Tone; None: not coloured).
STATUS_TONES: dict[str, str | None] = {
    "status-fix-this-week": "fix",
    "status-leak": "leak",
    "status-below-target": "below",
    "status-low-sample": None,
    "status-on-target": None,
    "status-ok": None,
}


def legend() -> list[tuple[str, str, str | None]]:
    """(word, what it means, tone) for each Status word: the sheet's legend."""
    return [(CATALOGUE[i].text, CATALOGUE[i].fix, tone) for i, tone in STATUS_TONES.items()]


def entry(id: str) -> Entry:  # noqa: A002 - the catalogue's word for it
    """The entry `id`; KeyError for an id the catalogue does not have."""
    return CATALOGUE[id]


def say(id: str, **fields: object) -> str:  # noqa: A002
    """The entry's text with `fields` filled: for texts that are not findings."""
    return CATALOGUE[id].text.format(**fields)


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    """'1 finding', '2 findings' (or the given plural)."""
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"
