"""The house rules: README and CI agree, the diagram is current, lint and types are clean."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from conversations.core.states import mermaid

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.+?)\n```", text)


def test_the_readme_opens_with_install_and_run_then_the_test_command() -> None:
    install_and_run, test_command = _readme_commands()[:2]
    assert "pip install" in install_and_run and "complaint-coach" in install_and_run
    assert "pytest" in test_command


def test_ci_runs_exactly_the_readme_test_command() -> None:
    test_command = _readme_commands()[1]
    ci_lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci_lines[-1] == test_command


def test_the_readme_shows_the_current_state_diagram() -> None:
    assert f"```mermaid\n{mermaid()}```" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_engine_imports_nothing_from_telegram() -> None:
    for path in (ROOT / "conversations").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] in ("telegram", "bot") for n in names), path


def test_ruff_is_clean() -> None:
    result = subprocess.run(
        [str(BIN / "ruff"), "check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean() -> None:
    result = subprocess.run(
        [str(BIN / "mypy")], cwd=ROOT, capture_output=True, text=True, timeout=280
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_layers_contracts_hold() -> None:
    # import-linter's contracts in pyproject.toml: adapters above shell above store above
    # texts; the core and reading import nothing of them; only the adapter speaks Telegram.
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [str(BIN / "lint-imports")], cwd=ROOT, capture_output=True, text=True, env=env,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


MAX_MODULE_LINES = 420  # "about 400": a module that grows past it is split by idea


def test_no_module_of_the_bot_is_much_over_400_lines() -> None:
    for folder in ("bot", "conversations"):
        for path in (ROOT / folder).rglob("*.py"):
            lines = len(path.read_text(encoding="utf-8").splitlines())
            assert lines <= MAX_MODULE_LINES, (path.relative_to(ROOT), lines)
