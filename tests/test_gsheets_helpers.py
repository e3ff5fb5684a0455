"""Shared pieces for the Google Sheets tests: the fake on loopback, a fresh key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fake_sheets import FakeSheets

KEY = "1GsHeEtSkEy_0123456789abcdefXYZ"
URL = f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0"
EMAIL = "sync-bot@pipeline-project.iam.gserviceaccount.com"


def service_account(path: Path, token_uri: str, email: str = EMAIL) -> rsa.RSAPrivateKey:
    """Write a freshly generated service-account JSON key (RSA 2048) to `path`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "pipeline-project",
        "private_key_id": "ab" * 20, "private_key": pem, "client_email": email,
        "client_id": "101", "token_uri": token_uri,
    }))
    return key


@pytest.fixture(name="fake")
def fake_fixture(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSheets]:
    """The fake API with a trusted key in GOOGLE_APPLICATION_CREDENTIALS, fast backoff.

    The fake is also the HTTPS proxy, so any call to a real Google host (google-auth's
    background look-ups) is refused on loopback instead of leaving the machine.
    """
    with FakeSheets() as server:
        creds = tmp_path / "sa.json"
        key = service_account(creds, f"{server.url}/token")
        server.trust(EMAIL, key.public_key())
        server.creds = creds  # type: ignore[attr-defined]
        monkeypatch.setenv("SHEETSYNC_SHEETS_API_URL", server.url)
        monkeypatch.setenv("SHEETSYNC_SHEETS_BACKOFF", "0.001")
        monkeypatch.setenv("SHEETSYNC_RETRY_BASE_SECONDS", "0.001")   # the other backend
        monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(creds))
        for name in ("HTTPS_PROXY", "https_proxy"):
            monkeypatch.setenv(name, server.url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.setenv(name, "127.0.0.1,localhost")
        yield server
