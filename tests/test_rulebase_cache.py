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


# The second level: one entry per file (its parsed, schema-checked document), so that after an
# edit to one file only that file is parsed again. The checks across files still run every time.

def _documents(folder):
    return sorted(folder.glob("*.document")) if folder.exists() else []


@pytest.fixture
def parsed(monkeypatch):
    """The files the loader parses (each call to parse_document, by file name), in order."""
    import imr_rules.loader as loader
    names = []
    real = loader.parse_document

    def counting(text, file):
        names.append(os.path.basename(file))
        return real(text, file)
    monkeypatch.setattr(loader, "parse_document", counting)
    return names


def _cold(monkeypatch, rules, guidelines):
    """The rule base, or its InputErrors, as a load with the cache off gives it."""
    with monkeypatch.context() as m:
        m.setenv(rulebase_cache.ENV, "off")
        try:
            return load_rulebase(rules, guidelines)
        except InputError as exc:
            return exc


def _errors(rules, guidelines) -> str:
    with pytest.raises(InputError) as caught:
        load_rulebase(rules, guidelines)
    return str(caught.value)


def test_after_an_edit_only_the_edited_file_is_parsed_again(cache, rules_copy, parsed, monkeypatch):
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    assert len(parsed) == 10 and len(_documents(cache)) == 10      # 4 guidelines, facts, items, 4 rule files
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text().replace("priority: 20", "priority: 7", 1))
    parsed.clear()
    got = load_rulebase(rules, guidelines)
    assert parsed == ["odg-neck-exercise.yaml"]
    want = _cold(monkeypatch, rules, guidelines)
    assert got.fingerprint == want.fingerprint and got.rules == want.rules
    assert [r.where for r in got.rules] == [r.where for r in want.rules]
    assert (got.guidelines, got.excerpts, got.facts, got.items) == (want.guidelines, want.excerpts, want.facts,
                                                                   want.items)
    assert {r.priority for r in got.rules} >= {7}


def test_a_file_that_breaks_its_schema_is_parsed_and_reported_every_time(cache, rules_copy, parsed, monkeypatch):
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text().replace("priority: 20", "priority: seven", 1))
    want = str(_cold(monkeypatch, rules, guidelines))
    assert "odg-neck-exercise.yaml" in want and "seven" in want
    for _ in range(2):
        parsed.clear()
        assert _errors(rules, guidelines) == want
        assert parsed == ["odg-neck-exercise.yaml"]


def test_errors_across_files_are_reported_when_every_file_comes_from_the_cache(cache, rules_copy, parsed,
                                                                              monkeypatch):
    # An unknown fact meets the schema: the file is kept, and the check that needs the
    # fact catalog still runs on every load.
    rules, guidelines = rules_copy
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text().replace("{fact: goals_documented,", "{fact: goals_documentd,", 1))
    want = str(_cold(monkeypatch, rules, guidelines))
    assert "goals_documentd" in want
    assert _errors(rules, guidelines) == want
    parsed.clear()
    assert _errors(rules, guidelines) == want
    assert parsed == []


def test_the_same_bytes_at_another_path_name_their_own_file(cache, rules_copy, tmp_path, parsed):
    import shutil
    rules, guidelines = rules_copy
    path = rules / "odg-neck-exercise.yaml"
    path.write_text(path.read_text().replace("{fact: goals_documented,", "{fact: goals_documentd,", 1))
    assert str(path) in _errors(rules, guidelines)
    other = tmp_path / "other" / "rules"
    shutil.copytree(rules, other)
    parsed.clear()
    message = _errors(other, guidelines)
    assert str(other / "odg-neck-exercise.yaml") in message and str(path) not in message
    assert sorted(parsed) == sorted(p.name for p in other.glob("*.yaml") if p.name != "fact_patterns.yaml")


def test_a_corrupt_or_foreign_file_entry_is_ignored(cache, rules_copy, parsed):
    from imr_rules.yamlio import Document
    rules, guidelines = rules_copy
    want = load_rulebase(rules, guidelines)
    entries = _documents(cache)
    forged = Document({"id": "forged"}, str(rules / "elsewhere.yaml"), {})     # a document of another file
    for i, entry in enumerate(entries):
        good = entry.read_bytes()
        entry.write_bytes([good[: len(good) // 2], b"not a pickle", pickle.dumps({"not": "a document"}),
                           pickle.dumps(forged)][i % 4])
    for old in _entries(cache):
        old.unlink()                        # the whole rule base is read again: every file entry is tried
    parsed.clear()
    got = load_rulebase(rules, guidelines)
    assert len(parsed) == len(entries) == 10
    assert got.rules == want.rules and got.fingerprint == want.fingerprint


def test_the_cache_turned_off_keeps_no_file(tmp_path, monkeypatch, rules_copy, parsed):
    monkeypatch.setenv(rulebase_cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)
    load_rulebase(rules, guidelines)
    assert len(parsed) == 20
    assert not (tmp_path / "xdg").exists() and not (tmp_path / "home").exists()


def test_file_entries_are_bounded_and_the_two_levels_do_not_evict_each_other(cache, monkeypatch, rules_copy):
    monkeypatch.setattr(rulebase_cache, "KEEP", 2)
    monkeypatch.setattr(rulebase_cache, "KEEP_DOCUMENTS", 4)
    rules, guidelines = rules_copy
    load_rulebase(rules, guidelines)                # 10 files: the newest 4 are kept
    assert len(_documents(cache)) == 4 and len(_entries(cache)) == 1
    for i in range(3):
        rulebase_cache.put(f"k{i}", {"n": i})
    assert len(_entries(cache)) == 2 and len(_documents(cache)) == 4
    for i in range(6):
        rulebase_cache.put_document(f"d{i}", {"n": i})
    assert len(_documents(cache)) == 10             # written without pruning: the load prunes once
    rulebase_cache.prune_documents()
    assert len(_documents(cache)) == 4 and len(_entries(cache)) == 2


# --- compiled fact patterns (the letter importer's) ----------------------------------------

def _patterns_entries(folder):
    return sorted(folder.glob("*.patterns")) if folder.exists() else []


def _no_compiling(monkeypatch):
    import imr_rules.letters.patterns as patterns_mod
    monkeypatch.setattr(patterns_mod, "load_fact_patterns", lambda *a, **k: pytest.fail("compiled again"))


def test_compiled_fact_patterns_come_from_the_cache(cache, rules_copy, monkeypatch):
    from imr_rules.importing import _load_patterns
    path = str(rules_copy[0] / "fact_patterns.yaml")
    first = _load_patterns(path)
    assert len(_patterns_entries(cache)) == 1
    _no_compiling(monkeypatch)
    second = _load_patterns(path)
    assert second.fact_ids == first.fact_ids and second.file == path
    assert second.guideline_words == first.guideline_words
    assert [p.source for f in second.facts for p in f.topic.patterns] == \
        [p.source for f in first.facts for p in f.topic.patterns]


@pytest.mark.parametrize("edit", ["pattern file", "guideline excerpt", "new guideline file"])
def test_compiled_fact_patterns_follow_every_file_they_were_made_from(cache, rules_copy, edit):
    from imr_rules.importing import _load_patterns
    rules, guidelines = rules_copy
    path = str(rules / "fact_patterns.yaml")
    first = _load_patterns(path)
    if edit == "pattern file":
        text = (rules / "fact_patterns.yaml").read_text()
        (rules / "fact_patterns.yaml").write_text(text.replace("findings_start:", "findings_start:\n  - 'zzqx'", 1))
        assert "zzqx" in [p.source for p in _load_patterns(path).findings_start.patterns]
    elif edit == "guideline excerpt":
        target = sorted(guidelines.glob("*.yaml"))[0]
        target.write_text(target.read_text().replace("text:", "text: Zzqx wording", 1))
        assert " zzqx wording " in _load_patterns(path).guideline_words
    else:
        (guidelines / "zz-new.yaml").write_text("excerpts:\n  - text: Zzqx brand new words\n")
        assert " zzqx brand new words " in _load_patterns(path).guideline_words
    assert "zzqx" not in first.guideline_words


def test_a_broken_patterns_entry_is_compiled_again(cache, rules_copy):
    from imr_rules.importing import _load_patterns
    path = str(rules_copy[0] / "fact_patterns.yaml")
    first = _load_patterns(path)
    for junk in (b"not a pickle", pickle.dumps(("digest", "not patterns")), pickle.dumps(42)):
        _patterns_entries(cache)[0].write_bytes(junk)
        assert _load_patterns(path).fact_ids == first.fact_ids


def test_no_patterns_entry_when_the_cache_is_off(tmp_path, rules_copy, monkeypatch):
    from imr_rules.importing import _load_patterns
    monkeypatch.setenv(rulebase_cache.ENV, "off")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    _load_patterns(str(rules_copy[0] / "fact_patterns.yaml"))
    assert not (tmp_path / "xdg").exists()


# --- compiled item categories ------------------------------------------------------------

def _compiled_entries(folder):
    return sorted(folder.glob("*.compiled")) if folder.exists() else []


def _drafts(evaluator, rb):
    from imr_rules.cases import parse_case_text
    case = parse_case_text("case_id: c\nitems:\n  - name: Lumbar rehabilitation kit\n  - name: Home exercise kit\n"
                           "facts: {equipment_need_documented: false}\n", "c.yaml", rb)
    return evaluator.evaluate_json(case)


def test_compiled_categories_come_from_the_cache(cache, rules_copy, monkeypatch):
    import imr_rules.compiler as compiler
    from imr_rules.evaluate import Evaluator
    rules, guidelines = rules_copy
    rb = load_rulebase(rules, guidelines)
    first = _drafts(Evaluator(rb), rb)
    assert len(_compiled_entries(cache)) >= 1
    monkeypatch.setattr(compiler, "_compile_category", lambda *a: pytest.fail("compiled again"))
    rb = load_rulebase(rules, guidelines)
    assert _drafts(Evaluator(rb), rb) == first


def test_an_edited_rule_base_compiles_its_categories_again(cache, rules_copy):
    from imr_rules.evaluate import Evaluator
    rules, guidelines = rules_copy
    rb = load_rulebase(rules, guidelines)
    _drafts(Evaluator(rb), rb)
    before = set(_compiled_entries(cache))
    path = rules / "odg-low-back-exercise.yaml"
    path.write_text(path.read_text() + "\n# an edit\n")
    rb = load_rulebase(rules, guidelines)
    _drafts(Evaluator(rb), rb)
    assert set(_compiled_entries(cache)) - before     # new entries, under the new rule base's key


def test_rule_bases_made_in_memory_or_with_the_cache_off_keep_no_compiled_rules(cache, rules_copy, monkeypatch):
    from dataclasses import replace
    from imr_rules.evaluate import Evaluator
    rules, guidelines = rules_copy
    rb = replace(load_rulebase(rules, guidelines), cache_key=None)
    _drafts(Evaluator(rb), rb)
    assert _compiled_entries(cache) == []
    monkeypatch.setenv(rulebase_cache.ENV, "off")
    rb = load_rulebase(rules, guidelines)
    _drafts(Evaluator(rb), rb)
    assert _compiled_entries(cache) == []


def test_a_broken_compiled_entry_is_compiled_again(cache, rules_copy):
    from imr_rules.evaluate import Evaluator
    rules, guidelines = rules_copy
    rb = load_rulebase(rules, guidelines)
    first = _drafts(Evaluator(rb), rb)
    for entry in _compiled_entries(cache):
        entry.write_bytes(pickle.dumps("not compiled rules"))
    assert _drafts(Evaluator(rb), rb) == first
