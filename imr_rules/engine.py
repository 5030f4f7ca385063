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
- ruleset names are global per host: every Engine has its own Host.
"""

from __future__ import annotations

from typing import Iterable

from durable import engine as _durable

from .compiler import FAILS, HOLDS, SENTINEL, CompiledRuleSet, item_fact

_RULESET = "imr"
_SID = "1"


class Engine:
    """Evaluates item facts against a compiled rule set."""

    def __init__(self, compiled: CompiledRuleSet):
        self.compiled = compiled
        self._fired: list[str] = []
        self._host = _durable.Host()
        ruleset = {}
        for name, condition in compiled.conditions.items():
            ruleset[name] = {"all": [{"m": condition}], "run": self._callback(name)}
        self._host.set_rulesets({_RULESET: ruleset})

    def _callback(self, name: str):
        fired = self._fired

        def run(_context):
            fired.append(name)
        return run

    def outcomes(self, category: str | None, region: str, facts) -> tuple[frozenset[str], frozenset[str]]:
        """Rule ids whose condition holds, and those whose condition fails, for one item."""
        fired = self._fired
        fired.clear()
        try:
            self._host.assert_fact(_RULESET, item_fact(_SID, category, region, facts))
        finally:
            self._host.delete_state(_RULESET, _SID)
        holds, fails = [], []
        meaning = self.compiled.meaning
        for name in fired:
            if name == SENTINEL:
                continue
            rule_id, outcome = meaning[name]
            (holds if outcome == HOLDS else fails).append(rule_id)
        return frozenset(holds), frozenset(fails)

    def raw_loop(self, facts: Iterable[dict]) -> int:
        """Assert and delete prepared engine facts; the benchmark's baseline. Returns firings."""
        host, fired, n = self._host, self._fired, 0
        for fact in facts:
            fired.clear()
            try:
                host.assert_fact(_RULESET, fact)
            finally:
                host.delete_state(_RULESET, fact["sid"])
            n += len(fired)
        return n
