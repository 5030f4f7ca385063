"""The rule base cache: a second load of unchanged files comes from it; any edit, another
folder, a corrupt entry or a cache turned off gives a load from the files."""

from __future__ import annotations

import os
import pickle

import pytest

from imr_rules import rulebase_cache
from imr_rules.errors import InputError
from imr_rules.loader import load_rulebase


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv(rulebase_cache.ENV, str(folder))
    return folder


def _entries(folder):
    return sorted(folder.glob("*.rulebase")) if folder.exists() else []


def test_a_second_load_comes_from_the_cache(cache, rules_copy, monkeypatch):
    rules, guidelines = rules_copy
    first = load_rulebase(rules, guidelines)
    assert len(_entries(cache)) == 1 and oct(cache.stat().st_mode & 0o777) == "0o700"
    # Reading the files again would fail now: the cache answers.
    import imr_rules.loader as loader
    monkeypatch.setattr(loader, "_read", lambda *a: pytest.fail("the files were read again"))
    second = load_rulebase(rules, guidelines)
    assert second.fingerprint == first.fingerprint and second.rules == first.rules
    assert second.rules[0].where == first.rules[0].where


def test_an_edit_is_never_served_from_the_cache(cache, rules_copy):
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text().replace("priority: 20", "priority: 7", 1))
    assert {r.priority for r in load_rulebase(rules, guidelines).rules} >= {7}
    # A broken edit is reported, not hidden by the entry of the good files.
    path.write_text(path.read_text().replace("priority: 7", "priority: seven", 1))
    with pytest.raises(InputError):
        load_rulebase(rules, guidelines)
    assert len(_entries(cache)) == 2


def test_the_same_files_in_another_folder_name_their_own_paths(cache, rules_copy, tmp_path):
    import shutil
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    other = tmp_path / "other"
    shutil.copytree(rules, other / "rules")
    rb = load_rulebase(other / "rules", guidelines)
    assert rb.rules[0].where.file.startswith(str(other))


def test_a_corrupt_or_foreign_entry_is_ignored(cache, rules_copy):
    rules, guidelines = rules_copy
    want = load_rulebase(rules, guidelines)
    (entry,) = _entries(cache)
    entry.write_bytes(b"not a pickle")
    assert load_rulebase(rules, guidelines).rules == want.rules
    entry.write_bytes(pickle.dumps({"not": "a rule base"}))
    assert load_rulebase(rules, guidelines).rules == want.rules


def test_a_folder_others_can_write_to_is_not_read(cache, rules_copy, monkeypatch):
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    os.chmod(cache, 0o777)
    import imr_rules.loader as loader
    calls = []
    real = loader._read
    monkeypatch.setattr(loader, "_read", lambda *a: calls.append(1) or real(*a))
    load_rulebase(rules, guidelines)
    assert calls == [1]


def test_the_cache_can_be_turned_off(tmp_path, monkeypatch, rules_copy):
    monkeypatch.setenv(rulebase_cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    assert rulebase_cache.folder() is None and not (tmp_path / "xdg").exists()


def test_old_entries_are_dropped(cache, monkeypatch):
    monkeypatch.setattr(rulebase_cache, "KEEP", 3)
    for i in range(5):
        rulebase_cache.put(f"k{i}", {"n": i})
    assert len(_entries(cache)) == 3
