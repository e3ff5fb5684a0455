"""Where the shipped data lives: `rules/` and `templates/` at the top of the repo.

An installed sheetsync carries them inside the package (`sheetsync/rules`,
`sheetsync/templates`: pyproject maps the folders); run from a source tree or an
editable install they are beside the package.  Both are found the same way here.
"""

from __future__ import annotations

import importlib.resources
from importlib.resources.abc import Traversable
from pathlib import Path

_REPO = Path(__file__).resolve().parent.parent


def resource_dir(name: str) -> Traversable:
    """The shipped folder `name` ("rules" or "templates") of this very copy of sheetsync.

    Inside the package first (an installed copy), then beside it (a source tree).  Never
    looked up by package name alone, which an editable install elsewhere on the machine
    could answer with its own copy, and never a folder that merely happens to sit in
    site-packages beside an installed sheetsync.
    """
    inside = importlib.resources.files("sheetsync").joinpath(name)
    if inside.is_dir():
        return inside
    return _REPO / name
