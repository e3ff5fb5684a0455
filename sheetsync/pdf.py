"""HTML to PDF with WeasyPrint, kept to one page when the page is a worksheet.

WeasyPrint is imported here and only here, when a PDF is asked for, so the rest of
sheetsync (and `--help`) never pays for it.  It never fetches anything: the HTML is
self-contained, and any URL is refused.  Its log lines and warnings are for
developers, not for the operator's terminal, so they are kept off it while it runs.
"""

from __future__ import annotations

import contextlib
import logging
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sheetsync.errors import SheetsyncError, WriteError

_LOGGERS = ("weasyprint", "fontTools")


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Silence WeasyPrint's and fontTools' logs and warnings, then put them back."""
    saved = []
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.level, logger.propagate))
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level, propagate in saved:
            logger.setLevel(level)
            logger.propagate = propagate


def _offline_fetcher() -> Any:
    """A URL fetcher that refuses every URL (WeasyPrint 66+ wants a URLFetcher)."""
    from weasyprint import urls

    def refuse(url: str, *args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"sheetsync reports load nothing from outside: {url}")

    base = getattr(urls, "URLFetcher", None)
    if base is None:                      # WeasyPrint before 66: a plain function
        return refuse

    class Offline(base):  # type: ignore[misc, valid-type]
        def fetch(self, url: str, headers: Any = None) -> Any:
            return refuse(url)

    return Offline()


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        raise SheetsyncError(
            f"PDF output needs WeasyPrint and its Pango library ({exc}); write .html instead"
        ) from exc
    return weasyprint


def pdf_bytes(html_for: Callable[[str], str], *, densities: Sequence[str] = ("",),
              one_page: bool = False, run_on: bool = False) -> tuple[bytes, int]:
    """The PDF of `html_for(density)` and its page count.

    With `one_page`, each density (a CSS class, roomiest first) is tried until the
    page fits; if even the tightest does not, only the first page is kept, so a
    worksheet is never printed on two sheets.  With `run_on` the densities are tried
    the same way, but a text that fits no single page is printed whole, roomiest.
    """
    with _quiet():
        weasyprint = _weasyprint()
        fetcher = _offline_fetcher()
        document = first = None
        for density in densities:
            document = weasyprint.HTML(string=html_for(density), url_fetcher=fetcher).render()
            first = first or document
            if not (one_page or run_on) or len(document.pages) == 1:
                break
        assert document is not None and first is not None
        if run_on and len(document.pages) > 1:
            document = first
        if one_page and len(document.pages) > 1:
            document = document.copy(document.pages[:1])
        return document.write_pdf(), len(document.pages)


def write_atomically(out: Path, data: bytes) -> None:
    """Write `data` to `out` in one step (sheetsync/atomic.py): never half a file."""
    from sheetsync import atomic

    try:
        atomic.write_atomically(out, data)
    except OSError as exc:
        raise WriteError(f"{out}: cannot write the report ({exc.strerror or exc})") from exc
