"""imr_rules.regex_safety: the shapes that hung the tools are refused, the shipped patterns pass,
and generated patterns that pass run in bounded time on adversarial texts of the bound's length."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import textwrap

import pytest

from imr_rules.letters.findings import MAX_SENTENCE_CHARS
from imr_rules.regex_safety import MAX_TEXT, unsafe_reason

# Each of these hung `evaluate` or the letter importer (issue 11, point 5), or is the
# textbook form of the same trouble.
HANGS = [
    r"^(a+)+$",                     # 32 characters hang evaluate
    r"\w*" * 7,                     # 499 characters
    r"(?:\w+){8}!",
    r"\w*\w*\w*x",
    r"(?=(?:\w+){0,8})x",           # bounded repeats in a lookahead: 28 s on a 30-letter word
    r"\b(?=(\w+\s?){1,8}x)",
    r"x?" * 30 + "x" * 30,
    r"(?:\w+ ?){0,4}x",
    r"\w+\s*\w+!",
    r"a.{0,120}?\w+!",
    r"(.*a){12}",
    r"(a|aa)+b",
    r"(a)\1",
]


@pytest.mark.parametrize("pattern", HANGS)
def test_patterns_that_backtrack_without_bound_are_refused(pattern):
    assert unsafe_reason(pattern)


def test_the_shipped_patterns_pass(rb):
    from imr_rules.lint.validators.patterns import catalog_patterns
    sources = [p.source for p in catalog_patterns(rb)]
    assert sources and [s for s in sources if unsafe_reason(s)] == []


def test_texts_patterns_run_over_are_within_the_bound():
    # Item names: the case schema's limit; sentences: the letter reader's.
    from imr_rules import schemas
    name = schemas.load("case")["properties"]["items"]["items"]["properties"]["name"]
    assert name["maxLength"] <= MAX_TEXT and MAX_SENTENCE_CHARS <= MAX_TEXT


def test_a_longer_item_name_is_not_searched_past_the_bound(rb):
    # A pattern that only matches past MAX_TEXT characters never sees that text.
    assert rb.items.category_of("x" * MAX_TEXT + " gym membership") is None
    assert rb.items.category_of("gym membership " + "x" * MAX_TEXT) == "gym_membership"


# -- the rule base loader applies it ----------------------------------------------------

@pytest.mark.timeout(60, method="thread")
@pytest.mark.parametrize("command", ["validate", "lint", "evaluate"])
def test_an_unsafe_item_pattern_is_a_load_error_with_its_line(cli, rules_copy, command):
    rules, guidelines = rules_copy
    items = rules / "items.yaml"
    items.write_text(items.read_text().replace("      - '\\bymca\\b'", "      - '^(a+)+$'"))
    # evaluate refuses the rule base instead of hanging on a 32-character name.
    case = rules.parent / "case.json"
    case.write_text(json.dumps({"case_id": "c", "items": [{"name": "a" * 31 + "!"}]}))
    result = cli(command, *([case] if command == "evaluate" else []), "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    line = items.read_text().splitlines().index("      - '^(a+)+$'") + 1
    assert f"items.yaml:{line}: error: unsafe regular expression '^(a+)+$'" in result.output
    assert "hint:" in result.output


def test_validate_checks_the_fact_patterns_too(cli, rules_copy):
    rules, guidelines = rules_copy
    patterns = rules / "fact_patterns.yaml"
    text = patterns.read_text()
    patterns.write_text(text.replace("      - '\\bwill\\b'", "      - '(?:\\w+){8}!'", 1))
    result = cli("validate", "--rules", rules, "--guidelines", guidelines)
    assert result.exit_code == 2
    line = patterns.read_text().splitlines().index("      - '(?:\\w+){8}!'") + 1
    assert f"fact_patterns.yaml:{line}:" in result.output and "unsafe regular expression" in result.output


# -- fuzz ------------------------------------------------------------------------------

ATOMS = [r"\w", r"[a-z]", "a", "x", r"\s", r"[\w-]", " ", r"\d", ".", r"[^x]", r"\W"]
QUANTIFIERS = ["", "", "*", "+", "?", "{0,3}", "{1,8}", "{0,120}", "{2}", "*?", "+?"]
GROUP_REPEATS = ["", "?", "{0,3}", "{1,8}", "{8}", "{0,8}", "{2,5}"]


def _generate(rng: random.Random, depth: int = 0) -> str:
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.6 or depth > 2:
            parts.append(rng.choice(ATOMS) + rng.choice(QUANTIFIERS))
        elif r < 0.8:
            alternatives = "|".join(_generate(rng, depth + 1) for _ in range(rng.randint(1, 3)))
            parts.append(f"(?:{alternatives}){rng.choice(GROUP_REPEATS)}")
        elif r < 0.9:
            parts.append(f"(?={_generate(rng, depth + 1)})")
        else:
            parts.append(r"\b")
    return "".join(parts) + rng.choice(["!", "", "y", r"\b"])


# Runs in a child process: a pattern that backtracks for minutes cannot be
# interrupted inside `re`, but the child can be killed.
_RUNNER = textwrap.dedent("""
    import json, re, sys
    patterns, bound = json.load(sys.stdin)
    for p in patterns:
        print(p, flush=True)
        letters = "".join(ch for ch in p if ch.isalnum()) or "a"
        texts = [c * bound for c in "a x-1."] + ["a " * (bound // 2), "ab" * (bound // 2), (letters * bound)[:bound]]
        rx = re.compile(p, re.IGNORECASE)
        for t in texts:
            rx.search(t)
            rx.search(t[:-1] + "!")
    print("done", flush=True)
""")


@pytest.mark.timeout(240, method="thread")
def test_generated_patterns_that_pass_run_in_bounded_time():
    rng = random.Random(20261125)
    accepted, refused = [], 0
    for _ in range(150):
        pattern = _generate(rng)
        try:
            re.compile(pattern)
        except re.error:
            continue
        if unsafe_reason(pattern):
            refused += 1
        else:
            accepted.append(pattern)
    assert accepted and refused         # the generator makes both kinds
    # Without the check, the shapes of HANGS run for minutes or hours on these
    # texts; the patterns it lets through took under 2 s each when measured.
    try:
        out = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps([accepted, MAX_TEXT]),
                             capture_output=True, text=True, timeout=180).stdout
    except subprocess.TimeoutExpired as exc:
        stuck = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        pytest.fail(f"a pattern the check accepted ran too long: {stuck.splitlines()[-1:]}")
    assert out.splitlines()[-1] == "done"


@pytest.mark.timeout(30, method="thread")
def test_the_checker_itself_is_fast_on_large_patterns():
    # Bounded group repeats are written out; a pattern too large for that is refused, not
    # analysed for minutes (the test's own time limit is the check).
    big = "(?:" + "|".join(f"(?:{w}[a-z]{{0,3}} ){{0,8}}" for w in ("one", "two", "three")) + "){8}x"
    assert unsafe_reason(big) is not None



def _reads_one(op, av, ch):
    """What a single-character item reads, one character at a time: the definition
    regex_safety._reads computes for a whole alphabet at once."""
    from imr_rules import regex_safety as rs
    c = rs._c

    def same(a, b):
        return a == b or a.lower() == b.lower() or a.upper() == b.upper()
    if op is c.ANY:
        return ch != "\n"
    if op is c.LITERAL:
        return same(chr(av), ch)
    if op is c.NOT_LITERAL:
        return not same(chr(av), ch)
    negate, hit = False, False
    for iop, iav in av:
        if iop is c.NEGATE:
            negate = True
        elif iop is c.LITERAL:
            hit = hit or same(chr(iav), ch)
        elif iop is c.RANGE:
            hit = hit or any(iav[0] <= ord(v) <= iav[1] for v in {ch, ch.lower(), ch.upper()} if len(v) == 1)
        elif iop is c.CATEGORY:
            category = rs._CATEGORY.get(str(iav))
            hit = hit or category is None or bool(category.match(ch))
        else:
            hit = True
    return hit != negate


@pytest.mark.parametrize("seed", range(4))
def test_the_characters_an_item_reads_match_the_one_character_definition(seed):
    from imr_rules import regex_safety as rs
    rng = random.Random(seed)
    pool = "aAzZ09_-. ßİıKkſǅ\u212a\n\t" + "".join(chr(rng.randrange(32, 0x2fff)) for _ in range(12))
    pieces = [".", r"\w", r"\W", r"\d", r"\s", r"\S"] + [re.escape(ch) for ch in pool]
    for _ in range(150):
        members = "".join(rng.choice([re.escape(rng.choice(pool)), r"\w", r"\d", r"\s",
                                      f"{re.escape(rng.choice('abcxAK0'))}-{re.escape(rng.choice('yzZ9'))}"])
                          for _ in range(rng.randint(1, 4)))
        item = rng.choice(pieces + [f"[{members}]", f"[^{members}]"])
        try:
            parsed = rs._p.parse(item, rs.FLAGS)
        except re.error:
            continue                    # an empty range such as z-a
        alphabet = rs._alphabet(parsed)
        folded = tuple((ch, ch.lower(), ch.upper()) for ch in alphabet)
        for op, av in parsed:
            want = frozenset(ch for ch in alphabet if _reads_one(op, av, ch))
            assert rs._reads(op, av, folded, frozenset(alphabet)) == want, item


def _bounded(rng: random.Random, depth: int = 0) -> str:
    """Patterns of words, sets, alternatives and bounded repeats (no lookaround)."""
    atoms = ["a", "b", r"\w", r"\d", ".", "[ab]", "[^a]", r"\s", "x"]
    parts = []
    for _ in range(rng.randint(1, 4)):
        r = rng.random()
        if r < 0.5 or depth > 2:
            atom = rng.choice(atoms)
        elif r < 0.75:
            atom = "(?:" + "|".join(_bounded(rng, depth + 1) for _ in range(rng.randint(2, 3))) + ")"
        else:
            atom = "(?:" + _bounded(rng, depth + 1) + ")"
        if rng.random() < 0.3:
            atom += rng.choice(["?", "{0,3}", "{1,5}", "{2}", "{0,80}", "{0,12}?"])
        parts.append(atom)
    return "".join(parts)


@pytest.mark.timeout(240, method="thread")
def test_patterns_accepted_by_their_path_count_run_in_bounded_time():
    # A pattern without unbounded repeats or lookarounds is accepted when it has at most
    # BUDGET paths (ways to match at one position), without building its automaton; the
    # automaton's estimate is coarser and refuses some of them. Those are the ones run here.
    from imr_rules import regex_safety as rs
    rng = random.Random(5)
    by_paths, coarser = [], []
    for _ in range(6000):
        pattern = _bounded(rng)
        parsed = rs._p.parse(pattern, rs.FLAGS)
        if rs._paths(parsed) > rs.BUDGET:
            continue
        assert unsafe_reason(pattern) is None
        by_paths.append(pattern)
        try:
            rs._Automaton(parsed).check()
        except rs.Unsafe:
            coarser.append(pattern)
    assert len(by_paths) > 1000 and coarser
    # The largest of them take ~2 s for the texts below (as the patterns the automaton lets
    # through do); the run as a whole must end well within the limit.
    try:
        out = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps([coarser[:25], MAX_TEXT]),
                             capture_output=True, text=True, timeout=180).stdout
    except subprocess.TimeoutExpired as exc:
        stuck = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        pytest.fail(f"a pattern accepted by its path count ran too long: {stuck.splitlines()[-1:]}")
    assert out.splitlines()[-1] == "done"


@pytest.mark.parametrize("pattern, paths", [
    (r"\bnorco\b", 1),
    ("(?:a|b|c)", 1),                   # one set: one path
    ("(?:ab|cd)(?:ef|gh|ij)", 6),
    ("a{0,3}", 4),
    ("(?:ab|cd){2}", 4),
    ("(?:ab|cd){0,2}", 7),
    ("patch(?:es)?", 2),
    ("(?:x|y)?(?:ab|c){1,2}", 12),
])
def test_the_path_count_of_patterns_without_unbounded_repeats(pattern, paths):
    from imr_rules import regex_safety as rs
    assert rs._paths(rs._p.parse(pattern, rs.FLAGS)) == paths


@pytest.mark.parametrize("pattern", [r"\w+", r"(?=a)b", r"(a)\1", "(?:ab|cd){0,20}"])
def test_the_path_count_leaves_the_rest_to_the_automaton(pattern):
    from imr_rules import regex_safety as rs
    assert rs._paths(rs._p.parse(pattern, rs.FLAGS)) > rs.BUDGET
