"""The only module that imports durable_rules.

Traps of durable_rules 2.0.28 (see docs/durable-rules.md in the shared docs)
and how they are designed out here:

- an asserted fact no rule matches raises, and the next ``delete_state``
  segfaults: a sentinel rule matches every fact (compiler.SENTINEL);
- state that is not deleted exhausts memory after ~1,000 sessions: one sid
  is reused and deleted in ``finally`` after every evaluation;
- a lone ``$nex`` condition, or any condition on ``sid``, never returns: the
  compiler emits neither (every rule starts with ``kind == item`` and fact
  attributes are prefixed);
- malformed rulesets fail with a bare error code: rules are validated against
  the project's schema before they get here;
- ruleset names are global per host: every Engine has its own Host;
- a ruleset of 513 or more engine rules makes set_rulesets hang, and an
  assert that matches more than 65 rules of one ruleset fails ("Could not
  assert fact, error code: 303"), both measured: engine rules are grouped by
  the item category they can fire for and split into rulesets of at most
  RULESET_SIZE rules (sentinel included), so no assert can match more; an
  item is asserted into its category's rulesets only;
- a Host starts two self-rearming timer threads that dispatch queued actions
  and timers into the engine every 0.2 s. This project asserts facts and
  runs its actions synchronously and uses neither, and those threads calling
  into the engine beside assert_fact were measured to cost more system time
  than the whole evaluation (3-4 s on 20,000 items, in some runs and not
  others): _QuietHost does not start them;
- each assert_fact allocates and frees a large block in C. Where that block
  sits at the top of glibc's heap, free() gives the memory back to the
  kernel and the next assert takes it again: ~47,000 brk calls and 4 s of
  system time on 20,000 items, in about half of the runs (strace -c). Raising
  glibc's trim threshold (64 MiB) and mmap threshold (32 MiB) with mallopt
  keeps that block in the heap and stops it (mallopt of the trim threshold
  alone turns every block into an mmap/munmap pair: as slow).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Iterable

from .compiler import HOLDS, SENTINEL, CompiledRuleSet, item_fact
from .errors import EngineUnavailable

try:
    from durable import engine as _durable
except ImportError as exc:   # e.g. the unpatched release on Python 3.13: say what to do, no traceback
    raise EngineUnavailable(exc) from exc

_RULESET = "imr"
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3        # glibc's mallopt parameter numbers
_TRIM_THRESHOLD, _MMAP_THRESHOLD = 64 << 20, 32 << 20  # 32 MiB is glibc's largest mmap threshold


def _keep_heap_top() -> None:
    """Ask glibc to keep engine-sized blocks in the heap (see the module docstring)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
        libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_THRESHOLD)
    except (OSError, AttributeError):      # not glibc (musl has no mallopt): nothing to tune
        pass


class _QuietHost(_durable.Host):
    """A Host without its background dispatch threads (see the module docstring)."""

    def _run(self):
        pass


_SID = "1"
RULESET_SIZE = 60         # engine rules per ruleset, sentinel included (an assert fails past 65 matches)


class Engine:
    """Evaluates item facts against a compiled rule set."""

    def __init__(self, compiled: CompiledRuleSet):
        _keep_heap_top()
        self.compiled = compiled
        # Each firing records its rule id straight into the list of its side,
        # so reading the outcomes after an assert is two frozensets, not a
        # lookup per firing.
        self._holds: list[str] = []
        self._fails: list[str] = []
        self._host = _QuietHost()
        by_category: dict[str, list[str]] = {}
        for name in compiled.conditions:
            if name != SENTINEL:
                by_category.setdefault(compiled.category[name], []).append(name)
        rulesets: dict[str, dict] = {}
        self._rulesets: dict[str, tuple[str, ...]] = {}     # item category -> its rulesets
        for category, names in by_category.items():
            own = []
            for i in range(0, len(names), RULESET_SIZE - 1):
                chunk = {SENTINEL: {"all": [{"m": compiled.conditions[SENTINEL]}], "run": self._callback(SENTINEL)}}
                for name in names[i:i + RULESET_SIZE - 1]:
                    chunk[name] = {"all": [{"m": compiled.conditions[name]}], "run": self._callback(name)}
                own.append(f"{_RULESET}{len(rulesets)}")
                rulesets[own[-1]] = chunk
            self._rulesets[category] = tuple(own)
        if rulesets:
            self._host.set_rulesets(rulesets)

    def _callback(self, name: str):
        if name == SENTINEL:
            def nothing(_context):
                pass
            return nothing
        rule_id, side = self.compiled.meaning[name]
        append = (self._holds if side == HOLDS else self._fails).append

        def run(_context):
            append(rule_id)     # several alternatives of one rule may fire: the frozensets merge them
        return run

    def outcomes(self, category: str | None, region: str, facts) -> tuple[frozenset[str], frozenset[str]]:
        """Rule ids whose condition holds, and those whose condition fails, for one item."""
        holds, fails = self._holds, self._fails
        holds.clear()
        fails.clear()
        fact = item_fact(_SID, category, region, facts)
        for ruleset in self._rulesets.get(category, ()):
            try:
                self._host.assert_fact(ruleset, fact)
            finally:
                self._host.delete_state(ruleset, _SID)
        return frozenset(holds), frozenset(fails)

    def raw_loop(self, facts: Iterable[dict]) -> int:
        """Assert and delete prepared engine facts; the benchmark's baseline.

        Returns the number of rule firings (the sentinel's not counted)."""
        host, holds, fails, n = self._host, self._holds, self._fails, 0
        for fact in facts:
            holds.clear()
            fails.clear()
            for ruleset in self._rulesets.get(fact["category"], ()):
                try:
                    host.assert_fact(ruleset, fact)
                finally:
                    host.delete_state(ruleset, fact["sid"])
            n += len(holds) + len(fails)
        return n
