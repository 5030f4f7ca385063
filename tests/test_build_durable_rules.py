"""tools/build_durable_rules.py, the Python 3.13+ build of durable-rules: the
patch changes exactly the five PyEval_CallObject call sites of the pristine
release, and any other input is refused with a clear error before anything
is built. The full build (compile and install) is what `make` runs on 3.13+
before the whole suite, so a broken build fails `make test` there."""

from __future__ import annotations

import importlib.util
import io
import shutil
import subprocess
import sys
import tarfile

import pytest

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("build_durable_rules", ROOT / "tools" / "build_durable_rules.py")
build = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(build)

RULES_C = "src/rulespy/rules.c"


@pytest.fixture(scope="module")
def sdist(tmp_path_factory):
    """The durable-rules 2.0.28 sdist, from the configured package index (as the build takes it)."""
    return build.download(tmp_path_factory.mktemp("sdist"))


@pytest.fixture(scope="module")
def pristine(sdist):
    """rules.c as the release ships it, read straight from the archive (no code under test)."""
    with tarfile.open(sdist) as tar:
        return tar.extractfile(f"durable_rules-{build.VERSION}/{RULES_C}").read().decode()


@pytest.fixture(scope="module")
def hunks():
    return build.parse_patch(build.PATCH.read_text(encoding="utf-8"))[RULES_C]


def test_the_index_serves_the_release_the_patch_was_made_for(sdist):
    build.check_sdist(sdist)          # raises on any other file


def test_patch_changes_exactly_the_five_call_sites(pristine, hunks):
    patched = build.apply_hunks(pristine, hunks, RULES_C)
    before, after = pristine.split("\n"), patched.split("\n")
    assert len(before) == len(after)
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    call_sites = [i for i, line in enumerate(before) if "PyEval_CallObject" in line]
    assert len(call_sites) == 5
    assert changed == call_sites
    for i in changed:
        assert after[i] == before[i].replace("PyEval_CallObject(", "PyObject_CallObject(")
    assert "PyEval_CallObject" not in patched


def test_prepare_gives_the_patched_release_tree(sdist, tmp_path):
    tree = build.prepare(sdist, tmp_path)
    assert (tree / "setup.py").is_file()
    text = (tree / RULES_C).read_text()
    assert text.count("PyObject_CallObject(callback, arglist)") == 5
    assert "PyEval_CallObject" not in text


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_applies_the_patch_file_the_same_way(pristine, hunks, tmp_path):
    # Independent of the applier under test: the patch is a standard unified diff.
    (tmp_path / RULES_C).parent.mkdir(parents=True)
    (tmp_path / RULES_C).write_text(pristine)
    subprocess.run(["git", "apply", str(build.PATCH)], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / RULES_C).read_text() == build.apply_hunks(pristine, hunks, RULES_C)


def test_a_changed_source_is_refused_with_its_line(pristine, hunks):
    lines = pristine.split("\n")
    site = next(i for i, line in enumerate(lines) if "PyEval_CallObject" in line)
    lines[site] = lines[site].replace("arglist", "args")
    with pytest.raises(build.BuildError) as err:
        build.apply_hunks("\n".join(lines), hunks, RULES_C)
    assert str(err.value).startswith(f"{RULES_C}:{site + 1}: expected ")
    assert "nothing was built" in err.value.hint


@pytest.mark.parametrize("change", ["shifted", "already patched"])
def test_no_offset_and_no_second_application(pristine, hunks, change):
    text = ("/* one more line */\n" + pristine if change == "shifted"
            else build.apply_hunks(pristine, hunks, RULES_C))
    with pytest.raises(build.BuildError, match=rf"^{RULES_C}:\d+: expected"):
        build.apply_hunks(text, hunks, RULES_C)


def _fake_sdist(path):
    data = b"int main(void) { return 0; }\n"
    with tarfile.open(path, "w:gz") as tar:
        info = tarfile.TarInfo(f"durable_rules-{build.VERSION}/{RULES_C}")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def test_another_sdist_is_refused_before_unpacking(tmp_path):
    fake = _fake_sdist(tmp_path / build.SDIST_NAME)
    with pytest.raises(build.BuildError, match=f"is not that of the durable-rules {build.VERSION} sdist"):
        build.prepare(fake, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_command_line_error_is_two_lines_and_exit_1(tmp_path):
    fake = _fake_sdist(tmp_path / build.SDIST_NAME)
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_durable_rules.py"), "--sdist", str(fake),
                           "--force"], capture_output=True, text=True)
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: {fake}: sha256 ")
    assert "\n  hint: " in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("patch_text, message", [
    ("not a diff\n", "no file diff found"),
    (f"--- a/{RULES_C}\n+++ b/{RULES_C}\n@@ -1,3 +1,3 @@\n-a\n+b\n", "does not have the lines its header counts"),
])
def test_a_malformed_patch_is_refused(patch_text, message):
    with pytest.raises(build.BuildError, match=message):
        build.parse_patch(patch_text)


def test_nothing_is_built_where_the_engine_already_imports():
    # This suite's own interpreter imports durable (it runs the engine tests), so no download, no build.
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "build_durable_rules.py")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "nothing to build" in done.stdout


def test_an_engine_that_fails_to_load_is_rebuilt(tmp_path, monkeypatch):
    (tmp_path / "durable").mkdir()
    (tmp_path / "durable" / "__init__.py").write_text("")
    (tmp_path / "durable" / "engine.py").write_text("raise ImportError('undefined symbol: PyEval_CallObject')\n")
    assert build.engine_imports()
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    assert not build.engine_imports()
