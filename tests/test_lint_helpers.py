"""Planting rules, facts and patterns in a copied rule base (for the toolkit tests)."""

from __future__ import annotations

from pathlib import Path

PLANTED = "planted.yaml"


def plant_rules(rules_dir: Path, text: str, name: str = PLANTED) -> Path:
    """Write a rule file ``name`` holding ``text`` (a YAML list of rules, indented by two)."""
    path = rules_dir / name
    path.write_text("rules:\n" + text)
    return path


def rule(rule_id: str, when: str, *, categories="[home_exercise_equipment]", regions: str | None = None,
         determination="not_medically_necessary", cites="[mtus-cpmtg-exercise]", priority=20,
         status="active", examples: str | None = "default", extra: str = "") -> str:
    """One rule in YAML (two-space indent); ``when`` is a flow mapping."""
    lines = [f"  - id: {rule_id}", f"    title: Planted rule {rule_id}", "    applies_to:",
             f"      categories: {categories}"]
    if regions:
        lines.append(f"      {regions}")
    lines += [f"    when: {when}", "    then:", f"      determination: {determination}",
              "      finding: A planted finding.", f"    cites: {cites}", f"    priority: {priority}",
              f"    status: {status}"]
    if extra:
        lines.append(extra)
    if examples == "default":
        lines += ["    examples:", "      - name: Home exercise kit",
                  f"        expect: {{determination: {determination}}}"]
    elif examples:
        lines.append(examples)
    return "\n".join(lines) + "\n"


def add_fact(rules_dir: Path, fact_id: str, type_: str = "boolean", extra: str = "") -> int:
    """Append a fact to facts.yaml; returns the line of its entry."""
    path = rules_dir / "facts.yaml"
    text = path.read_text()
    line = text.count("\n") + 2
    text += f"\n  - id: {fact_id}\n    type: {type_}\n    description: Planted.\n    question: Planted?\n{extra}"
    path.write_text(text)
    return line


def line_of(path: Path, needle: str) -> int:
    """1-based line of the first line containing ``needle``."""
    for n, text in enumerate(path.read_text().splitlines(), 1):
        if needle in text:
            return n
    raise AssertionError(f"{needle!r} not in {path}")
