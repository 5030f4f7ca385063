"""Never lose a file: how the one writer (imr_rules/output.py) puts files in place."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap

import pytest

from conftest import ROOT
from imr_rules.errors import InputError
from imr_rules.output import write_atomic

SEED0 = ROOT / "tests" / "historical" / "000_724941ea73516dbd.txt"
SEED1 = ROOT / "tests" / "historical" / "001_f0193407169a11a4.txt"

RACER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from imr_rules.errors import InputError
    from imr_rules.output import write_atomic
    folder, me, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    while not os.path.exists(os.path.join(folder, "go")):
        time.sleep(0.001)
    for i in range(n):
        try:
            write_atomic(os.path.join(folder, f"case-{{i}}.yaml"), me * 1000)
            print(f"case-{{i}}.yaml", flush=True)
        except InputError:
            pass
""")


@pytest.mark.timeout(120, method="thread")
def test_two_processes_never_both_write_the_same_file(tmp_path):
    """Each file a process says it wrote holds that process's text (check-then-rename lost dozens)."""
    script = tmp_path / "racer.py"
    script.write_text(RACER.format(root=str(ROOT)))
    out = tmp_path / "out"
    out.mkdir()
    n = 300
    procs = {me: subprocess.Popen([sys.executable, str(script), str(out), me, str(n)], stdout=subprocess.PIPE,
                                  text=True) for me in ("a", "b")}
    (out / "go").write_text("")
    claimed = {me: set(p.communicate()[0].split()) for me, p in procs.items()}
    assert not claimed["a"] & claimed["b"], "both processes wrote the same files"
    assert len(claimed["a"]) + len(claimed["b"]) == n
    for me, names in claimed.items():
        for name in names:
            assert (out / name).read_text() == me * 1000, name
    assert not [p for p in out.iterdir() if p.suffix == ".tmp"]


def test_a_dangling_symbolic_link_is_not_replaced_without_force(tmp_path):
    link = tmp_path / "case.yaml"
    link.symlink_to(tmp_path / "nowhere.yaml")
    with pytest.raises(InputError, match="symbolic link is in the way"):
        write_atomic(link, "text")
    assert link.is_symlink() and not (tmp_path / "nowhere.yaml").exists()
    write_atomic(link, "text", force=True)
    assert not link.is_symlink() and link.read_text() == "text"
    assert not (tmp_path / "nowhere.yaml").exists()        # the link is replaced, not written through


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_written_files_get_the_users_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        write_atomic(tmp_path / "a.yaml", "x")
        write_atomic(tmp_path / "a.yaml", "y", force=True)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "a.yaml").stat().st_mode) == mode


INTERRUPTED = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    import imr_rules.output as output
    def slow(path, data):
        with open(path, "wb") as f:
            f.write(data[:10])
            f.flush()
            print("writing", flush=True)
            time.sleep(60)
    output._write_new = slow
    output.write_atomic(sys.argv[1], "x" * 100)
""")


@pytest.mark.timeout(60, method="thread")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_an_interrupted_write_leaves_nothing_behind(tmp_path, signum):
    script = tmp_path / "slow.py"
    script.write_text(INTERRUPTED.format(root=str(ROOT)))
    out = tmp_path / "out"
    out.mkdir()
    proc = subprocess.Popen([sys.executable, str(script), str(out / "case.yaml")], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "writing\n"
    assert [p.suffix for p in out.iterdir()] == [".tmp"]       # caught mid-write
    proc.send_signal(signum)
    proc.wait(timeout=30)
    assert proc.returncode != 0
    assert list(out.iterdir()) == []


def test_write_errors_are_input_errors(tmp_path):
    with pytest.raises(InputError, match="cannot write: File name too long"):
        write_atomic(tmp_path / ("x" * 300 + ".yaml"), "text")
    with pytest.raises(InputError, match="folder does not exist"):
        write_atomic(tmp_path / "no" / "a.yaml", "text")
    assert list(tmp_path.iterdir()) == []


# -- import-letter batches --------------------------------------------------------------

def test_two_letters_with_the_same_stem_never_overwrite_each_other(cli, tmp_path):
    for folder, letter in (("a", SEED0), ("b", SEED1)):
        (tmp_path / folder).mkdir()
        shutil.copy(letter, tmp_path / folder / "letter.txt")
    out = tmp_path / "out"
    result = cli("import-letter", tmp_path / "a" / "letter.txt", tmp_path / "b" / "letter.txt", "-o", out, "--force")
    assert result.exit_code == 2
    assert "letter.yaml was written from another letter of this batch" in result.stderr
    assert "1 of 2 letter(s) not imported" in result.stderr
    assert "Home Exercise Kit" in (out / "letter.yaml").read_text()      # the first letter's case, kept


def test_bad_letter_names_are_that_files_error_and_the_batch_goes_on(cli, tmp_path):
    letters = tmp_path / "in"
    letters.mkdir()
    long_name = letters / ("x" * 251 + ".txt")           # the letter fits; its case file name does not
    shutil.copy(SEED0, long_name)
    not_utf8 = os.path.join(os.fsencode(letters), b"letter-\xff.txt")
    shutil.copy(SEED0, not_utf8)
    too_long = letters / ("y" * 300 + ".txt")
    shutil.copy(SEED1, letters / "good.txt")
    out = tmp_path / "out"
    result = cli("import-letter", long_name, os.fsdecode(not_utf8), too_long, letters / "good.txt", "-o", out)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.stderr
    assert "3 of 4 letter(s) not imported" in result.stderr
    assert "File name too long" in result.stderr and "name is not valid UTF-8" in result.stderr
    assert [p.name for p in out.iterdir()] == ["good.yaml"]
