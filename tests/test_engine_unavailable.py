"""When durable_rules cannot be imported (the unpatched release on Python 3.13,
a broken build), every command that needs the engine prints `error:` and
`hint:` and exits 3 (the machine cannot run the tool; not invalid input, 2),
never an ImportError traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import HISTORICAL, ROOT
from imr_rules.errors import EngineUnavailable

EXAMPLE = ROOT / "examples" / "001_f0193407169a11a4.yaml"
SYMBOL_ERROR = "durable_rules_engine.cpython-313-x86_64-linux-gnu.so: undefined symbol: PyEval_CallObject"


@pytest.fixture(scope="module")
def broken_durable(tmp_path_factory):
    """A `durable` package first on the path whose engine fails to load as the unpatched 3.13 build does."""
    root = tmp_path_factory.mktemp("broken")
    (root / "durable").mkdir()
    (root / "durable" / "__init__.py").write_text("")
    (root / "durable" / "engine.py").write_text(f"raise ImportError({SYMBOL_ERROR!r})\n")
    return root


@pytest.mark.parametrize("args", [
    ["evaluate", str(EXAMPLE)],
    ["evaluate", "--jsonl", "-"],
    ["test"],
    ["explain", str(EXAMPLE)],
    ["backtest", str(HISTORICAL), "--jobs", "2"],
], ids=["evaluate", "evaluate-jsonl", "test", "explain", "backtest-jobs"])
def test_commands_needing_the_engine_say_what_to_do(broken_durable, tmp_path, args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(broken_durable), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-m", "imr_rules.cli", *args], cwd=tmp_path, env=env, input="",
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines[0].startswith("error: the rule engine durable_rules cannot be imported on Python ")
    assert lines[0].endswith(SYMBOL_ERROR)
    assert lines[1].startswith("  hint: ") and len(lines) == 2


def _hint(monkeypatch, version):
    monkeypatch.setattr(sys, "version_info", version)
    return EngineUnavailable(ImportError(SYMBOL_ERROR)).hint


def test_hint_on_3_13_points_at_the_patched_build(monkeypatch):
    hint = _hint(monkeypatch, (3, 13, 0, "final", 0))
    assert "tools/build_durable_rules.py" in hint and "3.10-3.12" in hint


def test_hint_before_3_13_says_how_to_reinstall(monkeypatch):
    hint = _hint(monkeypatch, (3, 12, 1, "final", 0))
    assert "pip install --force-reinstall --no-deps durable-rules==2.0.28" in hint
    assert "build_durable_rules" not in hint
