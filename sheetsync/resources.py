"""Where the shipped data lives: `rules/` and `templates/` at the top of the repo.

An installed sheetsync carries them as the packages `sheetsync.rules` and
`sheetsync.templates` (pyproject maps the folders); run from a source tree they are
beside the package.  Both are found the same way here.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Traversable:
    """The shipped folder `name` ("rules" or "templates")."""
    local = _REPO / name
    if local.is_dir():
        return local
    return importlib.resources.files(f"sheetsync.{name}")
