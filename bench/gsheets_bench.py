"""Measure `sheetsync sync` on a Google Sheet: API calls, bytes and wall time per sync.

    python bench/gsheets_bench.py 100 5000 20000

For each size, the Leads log of `bench/make_books.py` (same seed, same messy values) is
seeded into the loopback fake of the Sheets API (`tests/fake_sheets.py`, the one the
tests use) and a fresh `sheetsync sync URL` process runs against it twice: the first
sync (every owned cell and generated sheet is new) and a second one (nothing changed,
so it only reads).  The fake counts every request; the sign-in (`/token`) is listed
apart.  Wall time includes the fake's own JSON work in this process, so it is an upper
bound for the client side, not Google's latency.  Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402
from fake_sheets import FakeSheets  # noqa: E402
from make_books import HEAD, lead_row  # noqa: E402

from sheetsync.core.rules import load_rules  # noqa: E402

AS_OF = "2026-11-16"
KEY = "1BeNcHsHeEtKeY_0123456789abcdef"
EMAIL = "bench@bench-project.iam.gserviceaccount.com"


def grids(n: int, seed: int = 7) -> dict[str, list[list[object]]]:
    """The benchmark workbook of make_books.py as plain grids."""
    rng = random.Random(seed + n)
    pipeline: list[list[object]] = [["Stage", "What it is for you", "Example", "Measured",
                                     "Status", "Why"]]
    pipeline += [[s.name, s.example, s.example] for s in load_rules().stages]
    leads: list[list[object]] = [list(HEAD)]
    leads += [lead_row(rng, i, dt.date(2026, 1, 5), 315) for i in range(n)]
    return {"Pipeline": pipeline, "Leads": leads}


def key_file(path: Path, token_uri: str) -> rsa.RSAPrivateKey:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({"type": "service_account", "project_id": "bench",
                                "private_key_id": "0" * 40, "private_key": pem,
                                "client_email": EMAIL, "client_id": "1",
                                "token_uri": token_uri}))
    return key


def one_sync(fake: FakeSheets, env: dict[str, str]) -> dict[str, float]:
    start_log = len(fake.traffic)
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "sheetsync", "sync",
                           f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                           "--as-of", AS_OF], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"sync failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
    traffic = fake.traffic[start_log:]
    api = [t for t in traffic if t[1].startswith("/v4/")]
    return {"calls": len(api), "token": sum(t[1] == "/token" for t in traffic),
            "sent": sum(t[2] for t in api) / 2**20, "received": sum(t[3] for t in api) / 2**20,
            "writes": sum(t[0] == "POST" for t in api), "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 5000, 20000])
    args = parser.parse_args()
    rows = []
    with FakeSheets() as fake, tempfile.TemporaryDirectory() as tmp:
        creds = Path(tmp) / "sa.json"
        fake.trust(EMAIL, key_file(creds, f"{fake.url}/token").public_key())
        env = dict(os.environ, SHEETSYNC_SHEETS_API_URL=fake.url,
                   GOOGLE_APPLICATION_CREDENTIALS=str(creds), HTTPS_PROXY=fake.url,
                   https_proxy=fake.url, NO_PROXY="127.0.0.1,localhost",
                   no_proxy="127.0.0.1,localhost", XDG_STATE_HOME=tmp)
        for n in args.sizes:
            fake.seed(KEY, grids(n))
            first, second = one_sync(fake, env), one_sync(fake, env)
            rows.append((n, first, second))
    print("| leads | calls, 1st sync | of which writes | MiB sent | MiB received | 1st sync s"
          " | calls, 2nd sync (no change) | 2nd sync s |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, a, b in rows:
        print(f"| {n:,} | {a['calls']:.0f} | {a['writes']:.0f} | {a['sent']:.2f} |"
              f" {a['received']:.2f} | {a['wall']:.2f} | {b['calls']:.0f} | {b['wall']:.2f} |")


if __name__ == "__main__":
    main()
