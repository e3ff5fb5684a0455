"""The command line.  Each command parses its options, calls one library function, shows it.

Exit codes: 0 clean, 1 findings or leaks, 2 could not run; 141 when whatever reads the
output stops reading (`sheetsync check book.xlsx | head`), as other command-line tools
do, without a word.  A SheetsyncError becomes one line on stderr; `--debug` shows the
traceback instead.  Heavy modules are imported inside the commands so `sheetsync
--help` stays fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
EXIT_READER_GONE = 141      # 128 + SIGPIPE, what a shell reports for such a command


def _as_of(_ctx: click.Context, _param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date like 2026-11-16") from None


as_of_option = click.option(
    "--as-of", callback=_as_of, metavar="YYYY-MM-DD",
    help="Measure as if today were this date (for reproducible runs). Default: today.",
)
rules_option = click.option(
    "--rules", "rules_path", type=click.Path(dir_okay=False, path_type=Path),
    help="A rules YAML file on top of the defaults (the workbook's Rules sheet still wins).",
)
credentials_option = click.option(
    "--credentials", type=click.Path(dir_okay=False),
    help="Google service-account JSON (default: $GOOGLE_APPLICATION_CREDENTIALS).",
)


class _Group(click.Group):
    """Turns every failure into one line and exit 2, unless --debug."""

    def invoke(self, ctx: click.Context) -> Any:
        from sheetsync.errors import SheetsyncError

        try:
            return super().invoke(ctx)
        except SheetsyncError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _fail(str(exc))
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            _reader_gone()
        except KeyboardInterrupt:
            _fail("interrupted; nothing was written")
        except Exception as exc:  # a bug: still one line, never a traceback
            if ctx.obj and ctx.obj.get("debug"):
                raise
            _fail(f"unexpected error ({type(exc).__name__}: {exc}); run with --debug"
                  " and report it")


def _reader_gone() -> NoReturn:
    """The pipe we print into was closed (`| head`): stop quietly.  Whatever was to be
    written to the workbook is written by then; only the rest of the output is lost."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())       # so the flush at exit finds no pipe
    sys.exit(EXIT_READER_GONE)


def _fail(message: str) -> NoReturn:
    click.echo(f"sheetsync: {message}", err=True)
    sys.exit(EXIT_ERROR)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback when something fails.")
@click.version_option(package_name="sheetsync")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Turn a sales pipeline kept in a spreadsheet into an instrumented system.

    \b
    Example:
      sheetsync init pipeline.xlsx
      sheetsync check pipeline.xlsx
      sheetsync sync pipeline.xlsx
      sheetsync report pipeline.xlsx -o worksheet.pdf
    """
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--example", is_flag=True,
              help="Fill in the worksheet with the seed's example answers.")
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: Path, example: bool, force: bool) -> None:
    """Create a new pipeline workbook (Pipeline, Blocks, Leads, Rules sheets).

    \b
    Example:
      sheetsync init pipeline.xlsx
    """
    from sheetsync.backends.xlsx.create import write_new_workbook
    from sheetsync.core.layout import new_workbook
    from sheetsync.core.rules import load_rules

    write_new_workbook(path, new_workbook(load_rules(), filled=example), overwrite=force)
    click.echo(f"Created {path}. Fill in the Pipeline sheet, log leads on Leads, then run:"
               f" sheetsync sync {path}")


@main.command()
@click.argument("source")
@rules_option
@as_of_option
@credentials_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True,
              help="json prints one object for scripts (indented at a terminal).")
def check(source: str, rules_path: Path | None, as_of: dt.date | None,
          credentials: str | None, fmt: str) -> None:
    """Check a workbook or Google Sheet without writing anything.

    Exit 0 when clean, 1 when there are leaks or findings, 2 when it cannot run.

    \b
    Example:
      sheetsync check pipeline.xlsx --as-of 2026-11-16 --format json
    """
    from sheetsync.engine import check_source

    result = check_source(source, rules_path=rules_path, credentials=credentials, as_of=as_of)
    _show(result, fmt)
    sys.exit(EXIT_CLEAN if result.clean else EXIT_FINDINGS)


def _show(result: Any, fmt: str) -> None:
    if fmt == "json":
        # UTF-8 bytes straight from pydantic to stdout: no colour codes to strip (what
        # click.echo would scan for) and no str to encode again, which both cost time
        # on the 26 MB a log of 50,000 leads makes.  Indented for a person at a
        # terminal; one line for a script (a fifth smaller, and twice as fast to make).
        from pydantic import TypeAdapter

        out = click.get_binary_stream("stdout")
        indent = 2 if out.isatty() else None
        out.write(TypeAdapter(type(result)).dump_json(result, indent=indent))
        out.write(b"\n")
        out.flush()
        return
    from sheetsync import console

    if sys.stdout.isatty():
        console.rich_report(result)
    else:
        click.echo(console.plain_report(result))


@main.command()
@click.argument("sources", nargs=-1)
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A sheetsync.toml listing workbooks (for cron / systemd).")
@rules_option
@as_of_option
@credentials_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--force", is_flag=True, help="Write even if Excel seems to have the file open.")
@click.option("--jobs", type=click.IntRange(1, 16), default=None,
              help="Sync this many workbooks at once.")
@click.option("--backup", type=click.IntRange(0, 1000), default=None,
              help="Keep the last N copies of each local workbook before writing.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="One line per workbook; json for log collectors.")
def sync(sources: tuple[str, ...], config_path: Path | None, rules_path: Path | None,
         as_of: dt.date | None, credentials: str | None, dry_run: bool, force: bool,
         jobs: int | None, backup: int | None, log_format: str) -> None:
    """Check and write the results into the workbook's own cells.

    Writes Measured / Status / Why on Pipeline, Status on Blocks, Check on Leads and
    the Metrics, Findings, Review and Weekly history sheets. Never changes a cell you typed.

    \b
    Examples:
      sheetsync sync pipeline.xlsx
      sheetsync sync pipeline.xlsx --dry-run
      sheetsync sync --config sheetsync.toml --log-format json
    """
    from sheetsync.run import run_sync

    if not sources and config_path is None:
        raise click.UsageError("give a workbook, a Google Sheet, or --config sheetsync.toml")
    code = run_sync(
        sources, config_path=config_path, rules_path=rules_path, as_of=as_of,
        credentials=credentials, dry_run=dry_run, force=force, jobs=jobs, backup=backup,
        log_format=log_format, echo=click.echo, tty=sys.stdout.isatty(),
    )
    sys.exit(code)


@main.command()
@click.argument("source", required=False)
@click.option("-o", "--output", "out", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="The file to write: .pdf, .html or .md.")
@click.option("--blank", is_flag=True, help="The empty worksheet, to print and fill by hand.")
@click.option("--review", is_flag=True, help="The weekly review instead of the worksheet.")
@click.option("--paper", type=click.Choice(["a4", "letter"]), default="a4", show_default=True)
@rules_option
@as_of_option
@credentials_option
def report(source: str | None, out: Path, blank: bool, review: bool, paper: str,
           rules_path: Path | None, as_of: dt.date | None, credentials: str | None) -> None:
    """Print the one-page worksheet (or the weekly review) as PDF, HTML or Markdown.

    \b
    Examples:
      sheetsync report pipeline.xlsx -o worksheet.pdf
      sheetsync report --blank -o blank.pdf --paper letter
      sheetsync report pipeline.xlsx --review -o review.html
    """
    from sheetsync.core.rules import load_rules
    from sheetsync.report import render_report

    result = None
    trend: list[Any] = []          # the counters of the last weeks, for the printed trend
    if not blank:
        if source is None:
            raise click.UsageError("give a workbook or Google Sheet, or --blank")
        from sheetsync.engine import report_source

        result, trend = report_source(source, rules_path=rules_path,
                                      credentials=credentials, as_of=as_of)
    written = render_report(out, result=result, rules=load_rules(rules_path), review=review,
                            blank=blank, paper=paper, trend=trend)
    click.echo(f"Wrote {written}")


def run() -> None:
    """The `sheetsync` program: the command, then the process ends.

    The objects a run leaves behind die with the process; `gc.freeze` spares them the
    collector's last walk at exit (a twentieth of a check of 50,000 leads).  Their
    memory is still given back, and nothing of the workbook is pending by then: every
    write has finished or failed before the command returns.
    """
    import gc

    try:
        main()
    finally:
        gc.freeze()
