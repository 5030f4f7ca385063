"""The command as a process: where its output goes, locales, help and completion."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from conftest import FIXTURE_GUIDELINES, FIXTURE_RULES, ROOT

SEED = ROOT / "examples" / "000_724941ea73516dbd.yaml"
RULES = ["--rules", str(FIXTURE_RULES), "--guidelines", str(FIXTURE_GUIDELINES)]
CLI = [sys.executable, "-m", "imr_rules.cli"]


def run(*args, stdin=None, env=None, stdout=subprocess.PIPE, shell_redirect=None):
    """Run the CLI; ``shell_redirect`` (e.g. '>/dev/full') runs it through sh with that redirection."""
    cmd = [*CLI, *map(str, args)]
    if shell_redirect:
        cmd = ["sh", "-c", 'exec "$@" ' + shell_redirect, "sh", *cmd]
    return subprocess.run(cmd, input=stdin, stdout=stdout, stderr=subprocess.PIPE, env=env or dict(os.environ),
                          cwd=ROOT, timeout=60)


def assert_one_line_error(proc, fragment):
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err and "Exception ignored" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1 and fragment in errors[0], err


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("args", [["evaluate", SEED, *RULES], ["evaluate", "--jsonl", "-", *RULES], ["--help"]])
def test_a_full_disk_is_one_line_and_non_zero(args):
    line = json.dumps({"case_id": "c", "items": [{"name": "Gym membership"}]}) + "\n"
    proc = run(*args, stdin=(line * 2000).encode(), shell_redirect=">/dev/full")
    assert_one_line_error(proc, "No space left on device")


@pytest.mark.parametrize("args", [["evaluate", SEED, *RULES], ["schema", "case"]])
def test_a_closed_stdout_is_one_line_and_non_zero(args):
    assert_one_line_error(run(*args, shell_redirect=">&-"), "standard output is closed")


def test_jsonl_with_non_ascii_text_under_the_c_locale():
    env = {**os.environ, "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    env.pop("LANG", None)
    line = json.dumps({"case_id": "ü-1", "items": [{"name": "Übungsband – Gym membership"}]}, ensure_ascii=False)
    proc = run("evaluate", "--jsonl", "-", *RULES, stdin=line.encode() + b"\n", env=env)
    assert proc.returncode == 0, proc.stderr.decode()
    result = json.loads(proc.stdout.decode("utf-8"))
    assert result["case_id"] == "ü-1" and result["items"][0]["name"] == "Übungsband – Gym membership"
    utf8 = run("evaluate", "--jsonl", "-", *RULES, stdin=line.encode() + b"\n")
    assert proc.stdout == utf8.stdout          # byte-identical whatever the locale


def test_short_help_option(cli):
    for args in (["-h"], ["evaluate", "-h"], ["import-letter", "-h"]):
        result = cli(*args)
        assert result.exit_code == 0 and "Usage:" in result.stdout, args


def test_shell_completion_is_installable():
    listed = run("--help")
    assert "--install-completion" in listed.stdout.decode()
    script = run("--show-completion", "bash")
    assert script.returncode == 0 and "complete" in script.stdout.decode() and "imr" in script.stdout.decode()


def test_command_annotations_are_objects_not_text():
    # typer reads every command's parameters on every start; annotations kept as
    # text (from __future__ import annotations) were compiled and evaluated each
    # time, 246 evals (7 ms). The cli modules leave that import out.
    import inspect

    from imr_rules.cli import app
    callbacks = [c.callback for c in app.registered_commands]
    assert len(callbacks) >= 8
    for callback in callbacks:
        for name, annotation in inspect.get_annotations(callback).items():
            assert not isinstance(annotation, str), (callback.__name__, name, annotation)


def test_a_one_command_process_freezes_its_rule_base_and_collects_again():
    # The command line pauses the cyclic collector while it is imported and while
    # it loads the rule base, freezes what each made (it lives until exit), and
    # collects again after.
    code = ("import atexit, gc, sys\n"
            "from imr_rules.cli import main\n"
            "imported = gc.get_freeze_count()\n"
            "atexit.register(lambda: print('gc', gc.isenabled(), imported, gc.get_freeze_count(), file=sys.stderr))\n"
            f"sys.argv = ['imr-rules', 'evaluate', {str(SEED)!r}, '--rules', {str(FIXTURE_RULES)!r},"
            f" '--guidelines', {str(FIXTURE_GUIDELINES)!r}]\n"
            "main()\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    _, enabled, imported, at_exit = proc.stderr.splitlines()[-1].split()
    assert enabled == "True", proc.stderr
    assert int(imported) > 10_000 and int(at_exit) > int(imported) + 1_000, proc.stderr


def test_the_app_called_in_a_longer_lived_process_freezes_nothing_it_loads(cli):
    import gc
    gc.collect()
    enabled, before = gc.isenabled(), gc.get_freeze_count()
    result = cli("evaluate", SEED, *RULES)
    assert result.exit_code == 0, result.output
    # Freezing would add the loaded rule base (thousands of objects) to the count;
    # the count may fall, when objects frozen earlier in this process are freed
    # (compiled patterns evicted from re's cache).
    assert gc.isenabled() == enabled and gc.get_freeze_count() <= before


def test_a_bulk_run_in_a_longer_lived_process_hands_back_what_it_froze(cli):
    # evaluate --jsonl freezes the loaded rule base for its loop (the collector would walk
    # it over and over); called in-process, it unfreezes at the end, so nothing stays
    # out of the collector's reach.
    import gc
    gc.collect()
    before = gc.get_freeze_count()
    line = json.dumps({"case_id": "c", "items": [{"name": "Gym membership"}]})
    result = cli("evaluate", "--jsonl", "-", *RULES, input=line + "\n" + line + "\n")
    assert result.exit_code == 0, result.output
    assert gc.isenabled() and gc.get_freeze_count() <= before
