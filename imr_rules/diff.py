"""``imr-rules diff``: what a rule change does to the historical corpus.

Both rule sets evaluate every case file and letter of the corpus; every item
whose determination, basis (tier, guideline, chapter, section) or
documentation gaps differ is listed. The base is a folder or a git revision
of the current repository (its ``rules/`` and ``guidelines/`` are extracted
to a temporary folder), so an editor can ask "what does my change do?"
before committing it.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from .errors import InputError
from .evaluate import Evaluator
from .historical import case_files
from .inputs import load_any
from .loader import load_rulebase
from .model import RuleBase

#: What is compared per item, in the order changes are listed.
FIELDS = ("determination", "basis", "documentation_gaps")


@dataclass(frozen=True)
class Change:
    source: str
    item: str
    field: str
    before: str
    after: str


@dataclass
class DiffReport:
    inputs: int = 0
    items: int = 0
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed_items(self) -> int:
        return len({(c.source, c.item) for c in self.changes})


@contextlib.contextmanager
def rule_folders(spec: str | None, guidelines: Path | None) -> Iterator[tuple[Path | None, Path | None]]:
    """(rules, guidelines) folders of a ``--base``/``--head`` value.

    ``spec`` is a folder holding ``rules/`` (and maybe ``guidelines/``), a rules
    folder itself, a git revision of the repository of the working directory,
    or None for the bundled rules. ``guidelines`` is used where the spec has none.
    """
    if spec is None:
        yield None, guidelines
        return
    path = Path(spec)
    if path.is_dir():
        if (path / "rules").is_dir():
            own = path / "guidelines"
            yield path / "rules", own if own.is_dir() else guidelines
        else:
            yield path, guidelines
        return
    with tempfile.TemporaryDirectory(prefix="imr-rules-base-") as tmp:
        has_guidelines = _extract(spec, Path(tmp))
        yield Path(tmp) / "rules", Path(tmp) / "guidelines" if has_guidelines else guidelines


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], capture_output=True, check=False)


def _extract(rev: str, into: Path) -> bool:
    """Extract ``rules/`` and ``guidelines/`` of revision ``rev`` into ``into``; whether guidelines existed."""
    hint = "give a folder with rules/ (and guidelines/), or a git revision of this repository (e.g. HEAD~1)"
    try:
        top = _git("rev-parse", "--show-toplevel")
    except OSError:
        raise InputError(f"{rev!r} is not a folder, and git is not available", hint=hint) from None
    if top.returncode != 0:
        raise InputError(f"{rev!r} is not a folder, and the working directory is not in a git repository",
                         hint=hint)
    root = top.stdout.decode().strip()
    if _git("-C", root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise InputError(f"{rev!r} is neither a folder nor a git revision of {root}", hint=hint)
    found = {}
    for name in ("rules", "guidelines"):
        archive = _git("-C", root, "archive", "--format=tar", rev, "--", name)
        found[name] = archive.returncode == 0
        if found[name]:
            with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
                # The "data" filter refuses absolute paths and links out of the folder (where available).
                tar.extractall(into, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    if not found["rules"]:
        raise InputError(f"revision {rev!r} has no rules/ folder at the top of {root}", hint=hint)
    return found["guidelines"]


def _summary(result_item: dict) -> dict[str, str]:
    basis = result_item["basis"]
    basis_text = "none" if basis is None else " / ".join(
        str(basis[k]) for k in ("tier", "guideline_id", "chapter", "section"))
    gaps = ", ".join(g["fact"] for g in result_item["documentation_gaps"]) or "none"
    return {"determination": result_item["determination"], "basis": basis_text, "documentation_gaps": gaps}


def _results(rb: RuleBase, evaluator: Evaluator, path: Path) -> dict[str, dict[str, str]] | str:
    """Item id -> summary, or the error message when the input does not load with this rule base."""
    try:
        case = load_any(str(path), rb)
    except InputError as exc:
        return f"error: {exc.message}"
    return {d["item_id"]: _summary(d) for d in evaluator.evaluate(case)["items"]}


def diff(base: RuleBase, head: RuleBase, paths: list[str]) -> DiffReport:
    """Evaluate the corpus under ``paths`` with both rule bases and collect the differences."""
    files = case_files(paths)          # a letter beside its case file is the same case: once
    report = DiffReport()
    # Letters are read with a rule base's fact patterns. A base from before
    # there were any reads them with the head's, so that the diff shows what
    # the rules change rather than "cannot read letters".
    if base.fact_patterns_file is None and head.fact_patterns_file is not None:
        base = replace(base, fact_patterns_file=head.fact_patterns_file)
        report.notes.append("the base has no fact_patterns.yaml: its letters are read with the head's")
    before_eval, after_eval = Evaluator(base), Evaluator(head)
    for path in files:
        before, after = _results(base, before_eval, path), _results(head, after_eval, path)
        if isinstance(before, str) and isinstance(after, str):
            raise InputError(after.removeprefix("error: "), str(path),
                             hint="every input must load with at least one of the two rule sets")
        report.inputs += 1
        source = str(path)
        if isinstance(before, str) or isinstance(after, str):
            report.items += len(after if isinstance(before, str) else before)
            report.changes.append(Change(source, "*", "input",
                                         before if isinstance(before, str) else "loads",
                                         after if isinstance(after, str) else "loads"))
            continue
        for item in dict.fromkeys(list(before) + list(after)):
            report.items += 1
            b, a = before.get(item), after.get(item)
            for f in FIELDS:
                bv = b[f] if b else "absent"
                av = a[f] if a else "absent"
                if bv != av:
                    report.changes.append(Change(source, item, f, bv, av))
    return report


def load_side(spec: str | None, guidelines: Path | None, stack: contextlib.ExitStack) -> RuleBase:
    """The rule base of a ``--base``/``--head`` value (temporary folders live as long as ``stack``)."""
    rules, guides = stack.enter_context(rule_folders(spec, guidelines))
    return load_rulebase(rules, guides)


def render_text(report: DiffReport, base_label: str, head_label: str) -> str:
    from .paths import display_path
    lines = [f"diff {base_label} -> {head_label}"]
    for c in report.changes:
        lines.append(f"{display_path(c.source)}  {c.item}  {c.field}: {c.before} -> {c.after}")
    by_field = {f: sum(1 for c in report.changes if c.field == f) for f in FIELDS + ("input",)}
    counts = ", ".join(f"{n} {f.replace('_', ' ')}" for f, n in by_field.items() if n)
    lines.extend(f"note: {n}" for n in report.notes)
    lines.append(f"{report.inputs} inputs, {report.items} items, {report.changed_items} items changed"
                 + (f" ({counts})" if counts else ""))
    return "\n".join(lines) + "\n"
