"""Docs are tested too: every command has help with an example; --help stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

from sheetsync.cli import main

COMMANDS = sorted(main.commands)
HEAVY = ("openpyxl", "python_calamine", "gspread", "weasyprint", "rich", "jinja2",
         "pydantic", "yaml", "lxml")


def test_the_commands_exist():
    assert {"init", "check", "sync", "report"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(runner, name):
    result = runner.invoke(main, [name, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
    assert f"sheetsync {name}" in result.output


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys\n"
        "from sheetsync.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('HEAVY:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip().splitlines()[-1] == "HEAVY:"


def test_readme_commands_are_the_ci_commands():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    ci = (root / ".ci" / "run").read_text()
    blocks = [b.split("```", 1)[0].strip() for b in readme.split("```bash\n")[1:3]]
    assert "sheetsync sync" in blocks[0] and "sample_workbooks/" in blocks[0]
    assert "pytest" in blocks[1]
    assert blocks[1] in ci


def test_every_subpackage_is_packaged():
    """A non-editable `pip install .` ships only the packages pyproject lists."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    listed = set(tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"][
        "packages"])
    found = {".".join(p.parent.relative_to(root).parts)
             for p in (root / "sheetsync").rglob("__init__.py")}
    assert found <= listed, found - listed
