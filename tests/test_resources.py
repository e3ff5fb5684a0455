"""The shipped rules and templates are found in this very copy of sheetsync."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import sheetsync
from sheetsync.report import template_folder
from sheetsync.resources import resource_dir

REPO = Path(sheetsync.__file__).resolve().parent.parent


def test_a_source_tree_uses_the_folders_beside_the_package() -> None:
    assert Path(str(resource_dir("rules"))) == REPO / "rules"
    assert Path(str(template_folder())) == REPO / "templates"


def test_an_installed_copy_uses_its_own_folders_not_a_stray_one_in_site_packages(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    shutil.copytree(REPO / "sheetsync", site / "sheetsync",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "rules", site / "sheetsync" / "rules")
    shutil.copytree(REPO / "templates", site / "sheetsync" / "templates")
    (site / "rules").mkdir()                      # some other project's folder, same name
    (site / "rules" / "default.yaml").write_text("not: [sheetsync rules\n", "utf-8")
    probe = ("from sheetsync.resources import resource_dir\n"
             "from sheetsync.core.rules import load_rules\n"
             "print(resource_dir('rules')); print(resource_dir('templates'))\n"
             "print(len(load_rules().stages))\n")
    # -S: no site hooks, so no editable-install finder can answer for this copy.
    paths = [str(site), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]]
    out = subprocess.run([sys.executable, "-S", "-c", probe], capture_output=True, text=True,
                         env={"PYTHONPATH": ":".join(paths)}, cwd=tmp_path,
                         check=True).stdout.split()
    assert out == [str(site / "sheetsync" / "rules"), str(site / "sheetsync" / "templates"),
                   "11"]
