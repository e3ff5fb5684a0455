"""Sign-in and the HTTP client for the Sheets API: redirectable, bounded retries.

gspread's `HTTPClient` does the signed requests; `SheetsClient` adds what a scheduled
sync needs: every Sheets URL rebased on `SHEETSYNC_SHEETS_API_URL` (tests, proxies),
429 and 5xx retried with jittered exponential backoff a bounded number of times
(gspread's own BackOffHTTPClient waits without a bound on tries), a timeout, and
failures turned into one-line `RemoteError`s.
"""

from __future__ import annotations

import json
import os
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sheetsync.errors import RemoteError, SheetsyncError

DEFAULT_API = "https://sheets.googleapis.com"
GOOGLE_SHEETS_BASE = "https://sheets.googleapis.com/v4/spreadsheets"   # as gspread spells it
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
TIMEOUT = (10.0, 120.0)          # connect, read (seconds): a cron job must not hang forever


def api_base() -> str:
    """The base of every Sheets call: SHEETSYNC_SHEETS_API_URL, else Google's."""
    return (os.environ.get("SHEETSYNC_SHEETS_API_URL") or DEFAULT_API).rstrip("/")


def spreadsheet_url(key: str, suffix: str = "") -> str:
    """The v4 URL of spreadsheet `key` (plus e.g. ":batchUpdate") on the current base."""
    return f"{api_base()}/v4/spreadsheets/{key}{suffix}"


@dataclass(frozen=True)
class Backoff:
    """How often and how long to retry a 429/5xx: `tries` in all, delays doubling.

    The delay before retry k (0-based) is base * 2**k, capped, times a random factor
    in [0.5, 1.5) so that syncs started together do not retry together.
    """

    tries: int = 5
    base: float = 1.0
    cap: float = 32.0

    @classmethod
    def from_env(cls) -> Backoff:
        """Defaults, with SHEETSYNC_SHEETS_TRIES / SHEETSYNC_SHEETS_BACKOFF (seconds) if set."""
        try:
            tries = int(os.environ.get("SHEETSYNC_SHEETS_TRIES", "5"))
            base = float(os.environ.get("SHEETSYNC_SHEETS_BACKOFF", "1.0"))
        except ValueError:
            raise SheetsyncError(
                "SHEETSYNC_SHEETS_TRIES must be a whole number and SHEETSYNC_SHEETS_BACKOFF"
                " a number of seconds") from None
        return cls(tries=max(1, tries), base=max(0.0, base))

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        wait = min(self.cap, self.base * 2**attempt) * (0.5 + random.random())
        if retry_after is not None:
            wait = max(wait, min(self.cap, retry_after))
        return wait


def credentials_path(given: str | None) -> Path:
    """--credentials, else GOOGLE_APPLICATION_CREDENTIALS, else gspread's default path."""
    if given:
        return Path(given).expanduser()
    env = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if env:
        return Path(env).expanduser()
    from gspread.auth import DEFAULT_SERVICE_ACCOUNT_FILENAME

    return Path(DEFAULT_SERVICE_ACCOUNT_FILENAME)


_SET_ME = ("pass --credentials FILE or set GOOGLE_APPLICATION_CREDENTIALS to a"
           " service-account JSON key")


def load_credentials(given: str | None) -> tuple[Any, str]:
    """(google-auth service-account credentials, the account's e-mail) from the JSON key.

    `token_uri` is taken from the file as is, so a proxy or a test server can sign in.
    """
    path = credentials_path(given)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SheetsyncError(f"no Google credentials at {path}; {_SET_ME}") from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise SheetsyncError(f"{path} is not a readable JSON key; {_SET_ME}") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise SheetsyncError(f"{path} is not a service-account key; {_SET_ME}")
    from google.oauth2.service_account import Credentials

    try:
        creds = Credentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, KeyError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SheetsyncError(f"{path} is not a usable service-account key ({reason})") from None
    return creds, str(info.get("client_email", ""))


def make_client(creds: Any, backoff: Backoff) -> Any:
    """A gspread HTTPClient subclass instance with redirect and bounded retries."""
    from gspread.http_client import HTTPClient

    class SheetsClient(HTTPClient):  # type: ignore[misc]  # gspread is untyped here
        """gspread's signed client, rebased and retrying 429/5xx a bounded number of times."""

        def request(self, method: str, endpoint: str, *args: Any, **kwargs: Any) -> Any:
            from gspread.exceptions import APIError
            from requests.exceptions import ConnectionError as NetError
            from requests.exceptions import Timeout

            if endpoint.startswith(GOOGLE_SHEETS_BASE):
                endpoint = api_base() + "/v4/spreadsheets" + endpoint[len(GOOGLE_SHEETS_BASE):]
            for attempt in range(backoff.tries):
                last = attempt == backoff.tries - 1
                try:
                    return super().request(method, endpoint, *args, **kwargs)
                except APIError as err:
                    if last or not (err.code == 429 or err.code >= 500):
                        raise
                    time.sleep(backoff.delay(attempt, _retry_after(err.response)))
                except (NetError, Timeout):
                    if last:
                        raise
                    time.sleep(backoff.delay(attempt))
            raise AssertionError("unreachable: the last try returns or raises")

    client = SheetsClient(creds)
    client.set_timeout(TIMEOUT)
    return client


def _retry_after(response: Any) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except (TypeError, ValueError):
        return None


def remote_error(exc: BaseException, *, key: str, email: str, tries: int) -> SheetsyncError:
    """One plain line for a failed call: what happened and what the operator can do."""
    from google.auth.exceptions import GoogleAuthError
    from gspread.exceptions import APIError
    from requests.exceptions import RequestException

    label = f"Google Sheet {key}"
    who = email or "the service account in the credentials file"
    if isinstance(exc, APIError):
        code = exc.code
        if code == 403:
            return RemoteError(f"{label}: access denied; share the sheet with {who}"
                               " (as Editor) and run again")
        if code == 404:
            return RemoteError(f"Google Sheet {key} was not found; check the URL or key")
        if code == 429 or code >= 500:
            return RemoteError(f"{label}: Google Sheets kept failing (HTTP {code}) after"
                               f" {tries} tries; try again later")
        message = " ".join(str(exc.error.get("message", "")).split())[:200]
        return RemoteError(f"{label}: Google Sheets refused the request (HTTP {code}: {message})")
    if isinstance(exc, GoogleAuthError):
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        return RemoteError(f"{label}: could not sign in as {who} ({reason})")
    if isinstance(exc, RequestException):
        return RemoteError(f"{label}: Google Sheets could not be reached"
                           f" ({type(exc).__name__}); check the network and try again")
    return RemoteError(f"{label}: {type(exc).__name__}: {exc}")
