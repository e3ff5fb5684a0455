"""API calls and wall time of one Google Sheets sync, against the loopback fake.

    python bench/google_bench.py 100 5000 20000

Starts tests/fake_google_sheets.py on 127.0.0.1, seeds a sheet with N leads, and runs
`sheetsync sync` in-process through the real gspread.  Calls are counted at the fake
(the token request is listed apart).  Times are the fake's, on loopback: they show how
sheetsync scales, not Google's own latency.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from core_helpers import lead, leads_grid, pipeline_grid  # noqa: E402
from fake_google_sheets import FakeSheets  # noqa: E402
from google_helpers import KEY, service_account  # noqa: E402

from sheetsync.engine import sync_source  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 5000, 20000])
    args = parser.parse_args()
    from google.auth.credentials import CredentialsWithRegionalAccessBoundary

    # loopback only: no lookup on a Google host after the token refresh
    CredentialsWithRegionalAccessBoundary._is_regional_access_boundary_lookup_required = (
        lambda self: False)
    print("| leads | API calls (+ token) | first sync s | second sync s |")
    print("|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp, FakeSheets() as fake:
        os.environ["SHEETSYNC_SHEETS_API_URL"] = fake.url
        creds = service_account(Path(tmp) / "sa.json", f"{fake.url}/token")
        for n in args.sizes:
            leads = [lead(ID=f"L{i}", Source=("Referral", "Partner", "SEO page")[i % 3],
                          **{"Date in": dt.date(2026, 9, 1) + dt.timedelta(days=i % 70)})
                     for i in range(n)]
            fake.seed(KEY, {"Pipeline": pipeline_grid(), "Leads": leads_grid(leads)})
            fake.log.clear()
            start = time.perf_counter()
            sync_source(KEY, credentials=str(creds), as_of=dt.date(2026, 11, 16))
            first = time.perf_counter() - start
            calls, tokens = fake.calls(), len(fake.log) - fake.calls()
            start = time.perf_counter()
            sync_source(KEY, credentials=str(creds), as_of=dt.date(2026, 11, 16))
            second = time.perf_counter() - start
            print(f"| {n:,} | {calls} (+{tokens}) | {first:.2f} | {second:.2f} |")


if __name__ == "__main__":
    main()
