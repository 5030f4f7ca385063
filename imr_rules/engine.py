"""The only module that imports durable_rules.

Traps of durable_rules 2.0.28 (see docs/durable-rules.md in the shared docs)
and how they are designed out here:

- an asserted fact no rule matches raises, and the next ``delete_state``
  segfaults: a sentinel rule in every ruleset matches every fact;
- state that is not deleted exhausts memory after ~1,000 sessions: each
  ruleset keeps one session (sid "1"), and every asserted fact is retracted
  once its firings are read (memory measured flat over 30,000 asserts);
- a lone ``$nex`` condition, or any condition on ``sid``, never returns: the
  compiler emits neither (every rule starts with ``kind == item`` and fact
  attributes are prefixed);
- malformed rulesets fail with a bare error code: rules are validated against
  the project's schema before they get here;
- every ruleset gets a name of its own, and is freed with its Engine;
- a ruleset of 513 or more engine rules makes set_rulesets hang, and an
  assert fails ("Could not assert fact, error code: 303") when more than 64
  alpha nodes are pending at once in durable's walk of its network (more
  than ~64 rules whose different comparisons hold for the fact), both
  measured: engine rules are grouped by the item category they can fire for;
  an item is asserted into its category's rulesets only. "Fails" rulesets
  hold at most RULESET_SIZE rules (sentinel included), which cannot
  overflow. A category's "holds" rules go in wide rulesets (WIDE_SIZE, one
  assert per item instead of three at 100 rules per category) backed by
  narrow ones for the item that overflows (see _Wide);
- a fact of more than 255 properties is refused: an item's engine fact
  carries only the facts its category's rules read, and a category whose
  rules read more than compiler.MAX_ATTRIBUTES facts gets rulesets that each
  read at most that many, each asserted with its own fact;
- durable's Host starts two self-rearming timer threads that dispatch queued
  actions and timers into the engine every 0.2 s, measured to cost more
  system time than the whole evaluation in some runs: the Host is not used;
- each assert_fact allocates and frees a large block in C. Where that block
  sits at the top of glibc's heap, free() gives the memory back to the
  kernel and the next assert takes it again: ~47,000 brk calls and 4 s of
  system time on 20,000 items, in about half of the runs (strace -c). Raising
  glibc's trim threshold (64 MiB) and mmap threshold (32 MiB) with mallopt
  keeps that block in the heap and stops it (mallopt of the trim threshold
  alone turns every block into an mmap/munmap pair: as slow);
- a number whose JSON has an exponent (``1e-05``, ``1e+16``) makes the
  engine fail with "error code: 204": numbers reach it as ranks (compiler.py).

Costs, and how the evaluation is arranged around them (measured on 2 cores,
see docs/performance.md): through durable's Python ``Host``, an assert costs
about 30 us and every rule firing another 15-18 us (each firing parses the
state and the message from JSON, builds a Closure, writes the state back);
the rule conditions themselves cost about 0.3 us per engine rule in C. So

- the engine is driven through durable_rules' own C binding
  (``durable_rules_engine``: create_ruleset, assert_fact,
  start_action_for_state / complete_and_start_action, delete_state), the
  calls its Host makes, minus the Python around them: about 6 us per assert
  and under 1 us per firing. An action is "run" by reading the rule name at
  the head of its message;
- a rule's "holds" alternatives are asserted first, in rulesets of their
  own. Its "fails" alternatives are asserted only for the rules whose
  falsity the decision needs (imr_rules.decision.undecided) and that read a
  fact the item lacks: a rule that does not hold and whose facts are all
  stated is false (two-valued logic), which is what its fails side would say;
- a category's rulesets are made when an item of the category first comes,
  and each is created in durable when it is first asserted into.

The engine still decides every rule: whether a rule holds is its holds
side's firing; whether it fails is its fails side's firing, or, with every
fact it reads stated, its holds side's silence.
"""

from __future__ import annotations

import ctypes
import json
import sys
from typing import Iterable

from .compiler import KIND, MAX_ATTRIBUTES, CompiledCategory, CompiledRuleSet, EngineRule
from .errors import EngineUnavailable

try:
    from durable import engine as _durable  # noqa: F401 - the package; its C binding below is what runs
    import durable_rules_engine as _rete
except ImportError as exc:   # e.g. the unpatched release on Python 3.13: say what to do, no traceback
    raise EngineUnavailable(exc) from exc

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3        # glibc's mallopt parameter numbers
_TRIM_THRESHOLD, _MMAP_THRESHOLD = 64 << 20, 32 << 20  # 32 MiB is glibc's largest mmap threshold
_SID = "1"
RULESET_SIZE = 60         # engine rules per ruleset, sentinel included (an assert fails past 65 matches)
WIDE_SIZE = 480           # rules per wide ruleset, sentinel included (a ruleset past 512 hangs set_rulesets)
_STACK_OVERFLOW = "error code: 303"     # durable's alpha-node stack (64) overflowed
_OK, _NOT_HANDLED = 0, 1  # assert_fact's results: handled; no rule matched (the sentinel prevents it)


def _keep_heap_top() -> None:
    """Ask glibc to keep engine-sized blocks in the heap (see the module docstring)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None)        # the process's own symbols, libc's among them (no library search)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except (OSError, AttributeError):      # not glibc (musl has no mallopt): nothing to tune
        pass


class _Ruleset:
    """One durable_rules ruleset: at most RULESET_SIZE engine rules (sentinel included)."""

    _count = 0

    def __init__(self, rules: list[EngineRule], attributes: frozenset[str] | None):
        _Ruleset._count += 1
        self.rule_ids = tuple(r.rule for r in rules)
        # Engine rule names are indexes of one width: a firing's message starts with
        # '{"<name>":', so message[2:6] is the name, which leads back to the rule id
        # (None for the sentinel).
        if len(rules) >= 1000:
            raise ValueError("a ruleset holds at most 999 engine rules (three-digit names)")
        self._by_name = {f"r{i:03d}": r.rule for i, r in enumerate(rules)}
        self._by_name["_000"] = None
        definition = {"_000": {"all": [{"m": {"kind": KIND}}]}}
        definition.update({f"r{i:03d}": {"all": [{"m": r.condition}]} for i, r in enumerate(rules)})
        self.attributes = attributes           # None: the category's whole engine fact
        # Created in durable on first use: a fails ruleset is only asserted into for the
        # rules a decision asks about, and a third of them never were in 10,000 items.
        self._name, self._definition = f"imr{_Ruleset._count}", json.dumps(definition, ensure_ascii=False)
        self.handle = None
        self._closed = False

    def _create(self):
        if self._closed:
            raise RuntimeError("durable_rules: the engine was closed")
        self.handle = _rete.create_ruleset(self._name, self._definition)
        self._definition = None
        return self.handle

    def fired(self, fact: str) -> list[str]:
        """Rule ids of the engine rules that match ``fact`` (JSON), one per firing.

        The fact is retracted afterwards and the ruleset's one session kept:
        creating and deleting a session per assert allocates and frees state
        for every rule of the ruleset, twice the cost of the rest (measured).
        Anything unexpected deletes the session, so the next assert starts clean.
        """
        handle, out = self.handle or self._create(), []
        try:
            result, state = _rete.assert_fact(handle, fact)
        except _rete.error:
            self.reset()
            raise
        if result == _NOT_HANDLED:      # cannot happen with the sentinel; deleting now would segfault
            raise RuntimeError("durable_rules: an item fact matched no rule, not even the sentinel")
        ok = False
        try:
            if result != _OK:
                raise RuntimeError(f"durable_rules: assert_fact answered {result}")
            action = _rete.start_action_for_state(handle, state)
            message = action[1] if action is not None else None
            by_name, complete = self._by_name, _rete.complete_and_start_action
            while message is not None:
                rule_id = by_name[message[2:6]]
                if rule_id is not None:
                    out.append(rule_id)
                message = complete(handle, state)
            _rete.retract_fact(handle, fact)
            ok = True
        finally:
            if not ok:
                self.reset()
        return out

    def reset(self) -> None:
        """Delete the ruleset's session (a fresh one is made by the next assert)."""
        if self.handle is None:
            return
        try:
            _rete.delete_state(self.handle, _SID)
        except _rete.error:         # no session (yet): nothing to delete
            pass

    def close(self) -> None:
        self._closed = True
        if self.handle is not None:
            _rete.delete_ruleset(self.handle)
            self.handle = None


class _Wide:
    """A category's "holds" rules in one ruleset of up to WIDE_SIZE rules, asserted once per
    item, and the same rules in rulesets of RULESET_SIZE for the rare item that overflows
    durable's alpha-node stack (error 303), which these are too narrow to overflow.

    An assert costs ~9 us before it tests one rule and ~0.15 us per rule after
    (measured): three narrow asserts an item at 100 rules per category cost more than
    one wide one. durable walks its alpha network with a stack of 64 nodes and fails
    the assert when more are pending at once (many rules whose different first
    comparisons all hold); the session is then deleted and the item asserted into
    the narrow rulesets, so every item gets every firing either way.
    """

    def __init__(self, rules: tuple[EngineRule, ...]):
        self.wide = _Ruleset(list(rules), None)
        self.rules = rules
        self.rule_ids = self.wide.rule_ids
        self.attributes = None              # the category's whole engine fact
        self._narrow: list[_Ruleset] | None = None
        self.overflows = 0                  # items that took the narrow rulesets (tests)

    def fired(self, fact: str) -> list[str]:
        try:
            return self.wide.fired(fact)
        except _rete.error as exc:          # _Ruleset.fired deleted the session
            if _STACK_OVERFLOW not in str(exc):
                raise
        self.overflows += 1
        if self._narrow is None:
            self._narrow = _chunks(self.rules, True)
        out: list[str] = []
        for ruleset in self._narrow:
            out += ruleset.fired(fact)
        return out

    def close(self) -> None:
        self.wide.close()
        for ruleset in self._narrow or ():
            ruleset.close()


def _wide(rules: tuple[EngineRule, ...], shared: bool) -> list:
    """Wide rulesets for ``rules`` (narrow ones when the category's facts need several engine facts)."""
    if not shared:
        return _chunks(rules, shared)
    step = WIDE_SIZE - 1
    return [_Wide(rules[i:i + step]) for i in range(0, len(rules), step)]


class _Category:
    """The rulesets of one item category: holds rulesets, and fails rulesets by rule."""

    def __init__(self, compiled: CompiledCategory):
        self.compiled = compiled
        shared = len(compiled.attributes) <= MAX_ATTRIBUTES
        self.holds = _wide(compiled.holds, shared)
        self.fails = _chunks(compiled.fails, shared)
        self.fails_of: dict[str, list[int]] = {}      # rule id -> indexes into self.fails
        for i, ruleset in enumerate(self.fails):
            for rule_id in dict.fromkeys(ruleset.rule_ids):
                self.fails_of.setdefault(rule_id, []).append(i)
        self.rulesets = self.holds + self.fails

    def close(self) -> None:
        for ruleset in self.rulesets:
            ruleset.close()


def _chunks(rules: tuple[EngineRule, ...], shared: bool) -> list[_Ruleset]:
    """Rulesets of at most RULESET_SIZE - 1 rules; when the category's facts do not fit in one
    engine fact, also of at most MAX_ATTRIBUTES attributes each (each then gets its own fact)."""
    out, chunk, attrs = [], [], set()
    for rule in rules:
        if chunk and (len(chunk) == RULESET_SIZE - 1 or (not shared and len(attrs | rule.attributes) > MAX_ATTRIBUTES)):
            out.append(_Ruleset(chunk, None if shared else frozenset(attrs)))
            chunk, attrs = [], set()
        chunk.append(rule)
        attrs |= rule.attributes
    if chunk:
        out.append(_Ruleset(chunk, None if shared else frozenset(attrs)))
    return out


class Query:
    """One item asked of the engine: which rules hold, and which of some rules fail."""

    __slots__ = ("_engine", "_category", "_facts", "_json", "_region")

    def __init__(self, engine: "Engine", category: _Category | None, region: str, facts):
        self._engine, self._category, self._region, self._facts = engine, category, region, facts
        self._json: str | None = None

    def _fired(self, ruleset: _Ruleset) -> list[str]:
        if ruleset.attributes is None:
            fact = self._json
            if fact is None:
                fact = self._json = self._category.compiled.fact_json(_SID, self._region, self._facts)
        else:
            fact = self._category.compiled.fact_json(_SID, self._region, self._facts, ruleset.attributes)
        trace = self._engine.trace
        if trace is not None:
            trace.append((ruleset, fact))
        return ruleset.fired(fact)

    def holds(self) -> frozenset[str]:
        """Ids of the rules whose condition is true for the item."""
        if self._category is None:
            return frozenset()
        out: list[str] = []
        for ruleset in self._category.holds:
            out += self._fired(ruleset)
        return frozenset(out)

    def fails(self, rule_ids: Iterable[str], holds: frozenset[str]) -> frozenset[str]:
        """Those of ``rule_ids`` (rules that do not hold) whose condition is false for the item."""
        category = self._category
        if category is None:
            return frozenset()
        compiled = category.compiled
        stated, reads, out, asked = self._facts, compiled.reads, set(), set()
        rule_ids = set(rule_ids)
        known = {f for f, v in stated.items() if v is not None}
        for rule_id in rule_ids:
            if rule_id in holds or not compiled.applies[rule_id].matches(compiled.category, self._region):
                continue
            if reads[rule_id] <= known:
                out.add(rule_id)        # every fact known and the rule does not hold: it is false
            else:
                asked.update(category.fails_of.get(rule_id, ()))
        for i in sorted(asked):
            out.update(r for r in self._fired(category.fails[i]) if r in rule_ids)
        return frozenset(out)


class Engine:
    """Evaluates item facts against a compiled rule set (rulesets made on first use)."""

    def __init__(self, compiled: CompiledRuleSet):
        _keep_heap_top()
        self.compiled = compiled
        self._categories: dict[str | None, _Category | None] = {}
        #: When a list, every assert is recorded as (ruleset, fact JSON): the benchmark
        #: replays them as its baseline (raw_loop).
        self.trace: list | None = None

    def _category(self, category: str | None) -> _Category | None:
        if category not in self._categories:
            compiled = self.compiled.category(category)
            self._categories[category] = _Category(compiled) if compiled is not None else None
        return self._categories[category]

    def query(self, category: str | None, region: str, facts) -> Query:
        return Query(self, self._category(category), region, facts)

    def outcomes(self, category: str | None, region: str, facts) -> tuple[frozenset[str], frozenset[str]]:
        """Every rule id whose condition holds, and every one whose condition fails, for one item."""
        query = self.query(category, region, facts)
        holds = query.holds()
        compiled = self.compiled.category(category)
        return holds, query.fails(compiled.reads if compiled else (), holds)

    def rulesets(self, category: str | None) -> int:
        """How many rulesets the items of ``category`` go through (tests, benchmarks)."""
        found = self._category(category)
        return len(found.rulesets) if found else 0

    def close(self) -> None:
        """Free the engine's rulesets (they are also freed when the Engine is collected)."""
        for category in self._categories.values():
            if category is not None:
                category.close()
        self._categories.clear()

    def __del__(self):
        try:
            self.close()
        except Exception:       # noqa: BLE001 - interpreter shutdown
            pass


def raw_loop(trace: list) -> int:
    """Replay recorded asserts (assert, run every firing, delete): the engine's share of an
    evaluation, for the benchmark's baseline. Returns the number of rule firings."""
    return sum(len(ruleset.fired(fact)) for ruleset, fact in trace)
