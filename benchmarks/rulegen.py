"""Generate a large rule base (rules/ and guidelines/ folders) that passes `imr-rules validate`.

The benchmarks measure evaluate, start-up and lint on these, at the sizes a
full guideline set reaches: thousands of rules, hundreds of facts, rules that
read up to a dozen facts. The shapes follow the bundled rules: "criterion not
documented" denials, "criteria documented" approvals (all of several facts),
alternatives (any), negations, number thresholds and enum choices, MTUS and
non-MTUS tiers at a few priorities (the mix is in _condition).

Usage: python benchmarks/rulegen.py OUT [--categories 10] [--rules-per-category 100]
       [--facts 300] [--facts-per-category 24] [--max-facts-per-rule 12] [--seed 1] [--no-checksums]
Writes OUT/rules and OUT/guidelines; prints a sample item name per category.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NUMBERS = [0, 1, 2, 3, 6, 12, 0.5, 30]
ENUM_VALUES = ["none", "mild", "moderate", "severe"]
GUIDELINES = [("gen-mtus-a", "mtus"), ("gen-mtus-b", "mtus"), ("gen-odg-a", "non_mtus"), ("gen-odg-b", "non_mtus")]
EXCERPTS_PER_GUIDELINE = 3
TEXT = ("Generated guideline text {n} for benchmarks only: exercise is recommended when the record documents "
        "the criteria, and not recommended otherwise.")


def checksum(text: str) -> str:
    """What the loader expects in an excerpt's `checksum` (see imr_rules.loader)."""
    return "sha256:" + hashlib.sha256(" ".join(text.split()).encode("utf-8")).hexdigest()[:16]


def _facts(rng: random.Random, n: int) -> list[dict]:
    out = []
    for i in range(n):
        kind = rng.choices(["boolean", "number", "enum"], weights=[7, 2, 1])[0]
        fact = {"id": f"fact_{i:04d}", "type": kind, "description": f"Generated fact {i}.",
                "question": f"What does the record say about generated fact {i}?"}
        if kind == "enum":
            fact["values"] = ENUM_VALUES
        out.append(fact)
    return out


def _comparison(rng: random.Random, fact: dict) -> dict:
    if fact["type"] == "boolean":
        return {"fact": fact["id"], "is": rng.random() < 0.6}
    if fact["type"] == "number":
        return {"fact": fact["id"], "op": rng.choice(["<", "<=", ">", ">=", "==", "!="]), "value": rng.choice(NUMBERS)}
    return {"fact": fact["id"], "op": rng.choice(["in", "not in"]), "value": rng.sample(ENUM_VALUES, 2)}


def _condition(rng: random.Random, pool: list[dict], max_facts: int) -> dict:
    """Shapes in about the mix of the bundled rules and of guideline criteria: mostly one
    criterion, then "all criteria documented", some alternatives and negations."""
    shape = rng.random()
    if shape < 0.45:            # "criterion not documented"
        fact = rng.choice([f for f in pool if f["type"] == "boolean"] or pool)
        return {"fact": fact["id"], "is": False} if fact["type"] == "boolean" else _comparison(rng, fact)
    if shape < 0.6:             # one threshold or choice
        return _comparison(rng, rng.choice(pool))
    leaves = [_comparison(rng, f) for f in rng.sample(pool, min(rng.randint(2, max_facts), len(pool)))]
    if shape < 0.85:            # "criteria documented"
        return {"all": leaves}
    if shape < 0.95:            # alternatives
        return {"any": leaves[:4]}
    # all of some, with one alternative or one negation inside
    head, tail = leaves[: max(1, len(leaves) - 2)], leaves[max(1, len(leaves) - 2):]
    inner = {"any": tail} if rng.random() < 0.5 or len(tail) < 2 else {"not": {"all": tail}}
    return {"all": head + [inner]}


def generate(out: Path, *, categories: int = 10, rules_per_category: int = 100, facts: int = 300,
             facts_per_category: int = 24, max_facts_per_rule: int = 12, seed: int = 1,
             checksums: bool = True) -> list[str]:
    """Write OUT/rules and OUT/guidelines; return one sample item name per category.

    ``checksums=False`` leaves the excerpts' checksums out, for versions of
    imr-rules from before they existed (benchmarks compare against those)."""
    rng = random.Random(seed)
    rules_dir, guidelines_dir = out / "rules", out / "guidelines"
    for d in (rules_dir, guidelines_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    excerpt_ids = {}
    for gid, tier in GUIDELINES:
        excerpts = []
        for j in range(EXCERPTS_PER_GUIDELINE):
            text = TEXT.format(n=f"{gid}-{j}")
            excerpts.append({"id": f"{gid}-{j}", "section": f"Section {j}", "text": text,
                             **({"checksum": checksum(text)} if checksums else {})})
        doc = {"id": gid, "title": f"Generated guideline {gid}", "edition": "2026", "tier": tier,
               "chapter": f"Chapter {gid}", "excerpts": excerpts}
        (guidelines_dir / f"{gid}.yaml").write_text(json.dumps(doc, indent=1))
        excerpt_ids[tier] = excerpt_ids.get(tier, []) + [e["id"] for e in excerpts]
    fact_list = _facts(rng, facts)
    (rules_dir / "facts.yaml").write_text(json.dumps({"facts": fact_list}, indent=1))
    bundled_items = (ROOT / "rules" / "items.yaml").read_text()
    regions = bundled_items[bundled_items.index("body_regions:"):]
    cats = [f"  - id: gen_category_{c:03d}\n    title: Generated category {c}\n"
            f"    patterns: ['\\bwidget{c:03d}\\b']\n" for c in range(categories)]
    (rules_dir / "items.yaml").write_text("categories:\n" + "".join(cats) + "\n" + regions)
    region_ids = ["lumbar", "cervical", "shoulder", "knee"]
    samples, pools = [], {}
    for c in range(categories):
        pool = rng.sample(fact_list, min(facts_per_category, len(fact_list)))
        rules = []
        for r in range(rules_per_category):
            tier = rng.choice(["mtus", "non_mtus"])
            applies: dict = {"categories": [f"gen_category_{c:03d}"]}
            if rng.random() < 0.3:
                applies["body_regions"] = rng.sample(region_ids, rng.randint(1, 2))
            rules.append({
                "id": f"gen-{c:03d}-{r:04d}", "title": f"Generated rule {c}/{r}", "applies_to": applies,
                "when": _condition(rng, pool, max_facts_per_rule),
                "then": {"determination": rng.choice(["medically_necessary", "not_medically_necessary"]),
                         "finding": "The record does not meet generated criterion {item}."},
                "cites": [rng.choice(excerpt_ids[tier])], "priority": rng.randint(1, 30), "status": "active",
            })
        (rules_dir / f"gen-{c:03d}.yaml").write_text(json.dumps({"rules": rules}, indent=1))
        name = f"Widget{c:03d} {rng.choice(['lumbar', 'knee', 'home'])} kit"
        samples.append(name)
        pools[name] = pool
    (out / "manifest.json").write_text(json.dumps({"items": pools}, indent=1))
    return samples


def generated_case_lines(folder: Path, n_items: int, seed: int = 1, stated: float = 0.5) -> list[str]:
    """JSON Lines cases (1-4 items each) over the item names of a generated rule base (``folder``,
    see :func:`generate`); each case states each fact its items' rules read with probability
    ``stated``, with a random value."""
    pools = json.loads((folder / "manifest.json").read_text())["items"]
    names = sorted(pools)
    rng = random.Random(seed)
    lines, made = [], 0
    while made < n_items:
        k = min(rng.randint(1, 4), n_items - made)
        items = [rng.choice(names) for _ in range(k)]
        facts = {}
        for f in (f for name in items for f in pools[name]):
            if f["id"] not in facts and rng.random() < stated:
                facts[f["id"]] = (rng.random() < 0.5 if f["type"] == "boolean" else
                                  rng.choice(NUMBERS) if f["type"] == "number" else rng.choice(ENUM_VALUES))
        lines.append(json.dumps({"case_id": f"gen-{len(lines)}", "ur_decision": "non_certified",
                                 "items": [{"name": n} for n in items], "facts": facts}))
        made += k
    return lines


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--categories", type=int, default=10)
    ap.add_argument("--rules-per-category", type=int, default=100)
    ap.add_argument("--facts", type=int, default=300)
    ap.add_argument("--facts-per-category", type=int, default=24)
    ap.add_argument("--max-facts-per-rule", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-checksums", action="store_true", help="for imr-rules versions before excerpt checksums")
    args = ap.parse_args()
    samples = generate(args.out, categories=args.categories, rules_per_category=args.rules_per_category,
                       facts=args.facts, facts_per_category=args.facts_per_category,
                       max_facts_per_rule=args.max_facts_per_rule, seed=args.seed,
                       checksums=not args.no_checksums)
    print("\n".join(samples))


if __name__ == "__main__":
    main()
