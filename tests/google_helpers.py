"""A fresh service-account key pointed at the fake, and the env to use it."""

from __future__ import annotations

import json
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
EMAIL = "sheetsync-bot@example-project.iam.gserviceaccount.com"


def service_account(path: Path, token_uri: str) -> Path:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    path.write_text(json.dumps({
        "type": "service_account", "project_id": "example-project",
        "private_key_id": "0" * 40, "private_key": pem, "client_email": EMAIL,
        "client_id": "1234567890", "token_uri": token_uri,
    }))
    return path
