"""Is a rule author's regular expression safe to run? One check for every pattern.

Python's ``re`` backtracks: a pattern whose parts can match the same text in
many ways tries them all before it fails, and the time grows with a power of
the text length (``\\w*\\w*\\w*!``: 12 s on 500 characters) or exponentially
(``(a+)+$``, ``(?:x|x){30}``). Every pattern an author writes (item catalog,
fact patterns) goes through :func:`unsafe_reason` when it is loaded, and every
text such a pattern runs over is at most :data:`MAX_TEXT` characters (item
names: the case schema's 500; letter sentences: ``MAX_SENTENCE_CHARS``).

The check has two parts.

*Policy* (simple rules an author can follow): no back-references; no
unbounded ``.*``/``.+`` (write ``.{0,80}?``); no unbounded repeat of a group
(``(a+)+``, ``(?:a|ab)*``); a group holding an unbounded repeat repeated at
most :data:`MAX_NESTED_REPEAT` times.

*Cost*: the pattern becomes a position automaton (one state per character it
reads; bounded group repeats written out, single-character repeats as states
that loop) over a small alphabet of representative characters. Two kinds of
ambiguity make backtracking expensive, and both are bounded from above:

- *chained repeats*: two looping states that can read the same characters and
  follow each other through states that read them too (``\\w+\\s*\\w+``,
  ``(?:\\w+){8}``, ``x?x?x?``). Each extra repeat in a chain multiplies the
  ways to split a text by its length (the text bound for an unbounded one);
- *re-merging alternatives*: two paths that read the same text and reach the
  same state again (``(?:x|x)``, ``(?:ab|a)(?:bc|c)``); repeated, they
  multiply.

A pattern is refused when the worst number of ways to match at one start
position (the product of both, an upper bound) exceeds :data:`BUDGET`.
Lookarounds are entered from where they stand (their own repeats chain with
the ones before them) but do not continue into what follows, since Python
never backtracks into a lookaround that has matched.

tests/test_regex_safety.py runs the shapes that hung the tools, and generated
ones, under a timeout on adversarial texts of the bound's length.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

try:  # Python 3.11+
    from re import _constants as _c, _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

FLAGS = re.IGNORECASE
#: The longest text an author's pattern runs over (characters).
MAX_TEXT = 2000
#: Most ways to match at one start position (an upper bound) a pattern may have.
BUDGET = 20_000
#: A repeated group may hold an unbounded repeat (``(?:\\w+ ){0,4}``) only when
#: it repeats at most this many times.
MAX_NESTED_REPEAT = 8
#: Most states once bounded repeats are written out.
MAX_STATES = 3000
#: Most pairs of same-text paths explored, and steps taken over them (beyond:
#: refused as too ambiguous to check).
MAX_PAIRS = 200_000
MAX_WORK = 2_000_000

HINT = ("bound every repeat ('.{0,80}?' instead of '.*'), separate repeats with a character they cannot "
        "match ('\\w+ \\w+', not '\\w+\\w*'), and do not repeat a group whose alternatives can match the "
        "same text")

_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT}
if hasattr(_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_c.POSSESSIVE_REPEAT)
_SINGLE = {_c.LITERAL, _c.NOT_LITERAL, _c.IN, _c.ANY}
_ATOMIC = getattr(_c, "ATOMIC_GROUP", None)
_REFS = {_c.GROUPREF} | ({_c.GROUPREF_EXISTS} if hasattr(_c, "GROUPREF_EXISTS") else set())
# Characters that stand for the classes a pattern can name; the pattern's own
# literals and range ends are added per pattern.
_BASE_ALPHABET = "aAzZmM09_ \t\n\r-.,:;!?'\"()[]/&%$#@+=*éÉßİıſ\u00a0\u2019\u2014\x00"
_CATEGORY = {name: re.compile(rx) for name, rx in (
    ("CATEGORY_DIGIT", r"\d"), ("CATEGORY_NOT_DIGIT", r"\D"), ("CATEGORY_SPACE", r"\s"),
    ("CATEGORY_NOT_SPACE", r"\S"), ("CATEGORY_WORD", r"\w"), ("CATEGORY_NOT_WORD", r"\W"))}


class Unsafe(Exception):
    """Why a pattern is refused."""


def unsafe_reason(source: str) -> str | None:
    """Why ``source`` could take too long on a text of :data:`MAX_TEXT` characters, or None.

    Syntax errors are not reported here (``re.compile`` words them better).
    """
    try:
        parsed = _p.parse(source, FLAGS)
    except Exception:       # noqa: BLE001 - a syntax error: re.compile reports it
        return None
    try:
        _policy(parsed)
        if _paths(parsed) <= BUDGET:
            return None         # no repeat: at most that many ways to match at a position
        _Automaton(parsed).check()
    except Unsafe as exc:
        return str(exc)
    except RecursionError:
        return "too deeply nested to check"
    return None


# -- policy ---------------------------------------------------------------------------

def _policy(sub) -> None:
    for op, av in sub:
        if op in _REPEATS:
            lo, hi, body = av
            if hi == _c.MAXREPEAT:
                if any(o is _c.ANY for o, _ in body):
                    raise Unsafe("'.*' or '.+' without bound (write '.{0,80}?')")
                if len(body) != 1 or body[0][0] not in _SINGLE:
                    raise Unsafe("a group repeated without bound (like (a+)+ or (?:a|ab)*); give it a bound {0,n}")
            elif hi > MAX_NESTED_REPEAT and _has_unbounded(body):
                raise Unsafe(f"a group with an unbounded repeat inside, repeated more than {MAX_NESTED_REPEAT} times")
            _policy(body)
        elif op in _REFS:
            raise Unsafe("back-references are not allowed")
        else:
            for child in _children(op, av):
                _policy(child)


def _paths(sub) -> int:
    """The paths through a pattern of literals, sets, anchors, groups, alternatives and
    bounded repeats: the most ways it can match at one position. Past BUDGET, or with an
    unbounded repeat, a lookaround or anything else, a number over BUDGET: the automaton
    decides.

    Most item-name patterns are such words and alternatives (349 in the bundled items),
    and building their automata was half of a cold load of the bundled rules."""
    total = 1
    for op, av in sub:
        if op in _SINGLE or op is _c.AT:
            continue
        if op is _c.SUBPATTERN:
            n = _paths(av[-1])
        elif op is _c.BRANCH:
            n = sum(_paths(branch) for branch in av[1])
        elif op in _REPEATS and av[1] != _c.MAXREPEAT:
            lo, hi, body = av                   # {lo,hi}: a path per count, each body path per copy
            each, n, power = _paths(body), 0, 1
            for k in range(hi + 1):
                if k >= lo:
                    n += power
                power *= each
                if n > BUDGET or power > BUDGET and k < hi:
                    return BUDGET + 1
        else:
            return BUDGET + 1
        total *= n
        if total > BUDGET:
            return BUDGET + 1
    return total


def _children(op, av):
    if op is _c.SUBPATTERN:
        yield av[-1]
    elif op is _c.BRANCH:
        yield from av[1]
    elif op in (_c.ASSERT, _c.ASSERT_NOT):
        yield av[1]
    elif op is _ATOMIC:
        yield av


def _has_unbounded(sub) -> bool:
    for op, av in sub:
        if op in _REPEATS and (av[1] == _c.MAXREPEAT or _has_unbounded(av[2])):
            return True
        if any(_has_unbounded(c) for c in _children(op, av)):
            return True
    return False


# -- cost ------------------------------------------------------------------------------

@dataclass
class _State:
    chars: frozenset[str]           # representative characters it reads
    weight: int = 1                 # >1: it loops, reading up to this many characters
    unbounded: bool = False
    follow: set[int] = field(default_factory=set)


@dataclass(frozen=True)
class _Fragment:
    first: frozenset[int]
    last: frozenset[int]
    nullable: bool


_EMPTY = _Fragment(frozenset(), frozenset(), True)


class _Automaton:
    """The position (Glushkov) automaton of a parsed pattern, and its worst-case ambiguity."""

    def __init__(self, parsed):
        self.alphabet = _alphabet(parsed)
        self._char_sets: dict[tuple, frozenset[str]] = {}
        self._cases: tuple | None = None
        self._everything = frozenset(self.alphabet)
        self.states: list[_State] = []
        whole = self._seq(parsed)
        self.first = whole.first

    # construction -------------------------------------------------------------------
    def _new(self, chars: frozenset[str], weight: int = 1, unbounded: bool = False) -> _Fragment:
        if len(self.states) >= MAX_STATES:
            raise Unsafe(f"too large to check once its repeats are written out (over {MAX_STATES} characters)")
        self.states.append(_State(chars, weight, unbounded))
        i = frozenset([len(self.states) - 1])
        if weight > 1:
            self.states[-1].follow.add(next(iter(i)))
        return _Fragment(i, i, False)

    def _link(self, last, first) -> None:
        for i in last:
            self.states[i].follow.update(first)

    def _cat(self, a: _Fragment, b: _Fragment) -> _Fragment:
        self._link(a.last, b.first)
        return _Fragment(a.first | (b.first if a.nullable else frozenset()),
                         b.last | (a.last if b.nullable else frozenset()), a.nullable and b.nullable)

    @staticmethod
    def _alt(parts) -> _Fragment:
        parts = list(parts)
        return _Fragment(frozenset().union(*(p.first for p in parts)), frozenset().union(*(p.last for p in parts)),
                         any(p.nullable for p in parts))

    @staticmethod
    def _optional(f: _Fragment) -> _Fragment:
        return _Fragment(f.first, f.last, True)

    def _seq(self, sub) -> _Fragment:
        out = _EMPTY
        for op, av in sub:
            if op in (_c.ASSERT, _c.ASSERT_NOT):
                # Entered from here; never continued into what follows (see the docstring).
                body = self._seq(av[1])
                self._link(out.last, body.first)
                if out.nullable:
                    out = _Fragment(out.first | body.first, out.last, True)
                continue
            out = self._cat(out, self._item(op, av))
        return out

    def _item(self, op, av) -> _Fragment:
        if op in _SINGLE:
            return self._new(self._chars(op, av))
        if op is _c.AT:
            return _EMPTY
        if op is _c.SUBPATTERN:
            return self._seq(av[-1])
        if op is _ATOMIC:
            return self._seq(av)
        if op is _c.BRANCH:
            return self._alt(self._seq(b) for b in av[1])
        if op in _REPEATS:
            return self._repeat(*av)
        if op in _REFS:
            raise Unsafe("back-references are not allowed")
        raise Unsafe(f"uses a construct the safety check does not know ({op})")

    def _repeat(self, lo: int, hi: int, body) -> _Fragment:
        unbounded = hi == _c.MAXREPEAT
        if len(body) == 1 and body[0][0] in _SINGLE:
            chars = self._chars(*body[0])
            out = _EMPTY
            for _ in range(lo):
                out = self._cat(out, self._new(chars))
            if unbounded or hi > lo:
                weight = MAX_TEXT if unbounded else min(hi - lo + 1, MAX_TEXT)
                out = self._cat(out, self._optional(self._new(chars, weight, unbounded)))
            return out
        if unbounded:           # refused by the policy already; kept for direct use
            raise Unsafe("a group repeated without bound (like (a+)+ or (?:a|ab)*); give it a bound {0,n}")
        out = _EMPTY
        for _ in range(lo):
            out = self._cat(out, self._seq(body))
        # Optional copies nest: {0,3} is (x(x(x)?)?)?, as the matcher counts them.
        # States are numbered in pattern order (the analysis relies on it), so
        # the copies are made first, then nested from the last.
        copies = [self._seq(body) for _ in range(hi - lo)]
        tail = _EMPTY
        for copy in reversed(copies):
            tail = self._optional(self._cat(copy, tail))
        return self._cat(out, tail)

    def _folded(self) -> tuple:
        """(character, lower case, upper case) of each character of the alphabet."""
        if self._cases is None:
            self._cases = tuple((ch, ch.lower(), ch.upper()) for ch in self.alphabet)
        return self._cases

    def _chars(self, op, av) -> frozenset[str]:
        key = (op, repr(av))
        found = self._char_sets.get(key)
        if found is None:
            found = self._char_sets[key] = _reads(op, av, self._folded(), self._everything)
        return found

    # analysis -----------------------------------------------------------------------
    def check(self) -> None:
        chain, names = self._chained_repeats()
        if names:
            raise Unsafe(f"{names} can match the same text: the match time grows with a power of the text length")
        ways = chain if chain > BUDGET else chain * self._merging_alternatives()
        if ways > BUDGET:
            raise Unsafe(f"its parts can match the same text in more than {BUDGET:,} ways at each position "
                         f"(on a text of {MAX_TEXT} characters)")

    def _chained_repeats(self) -> tuple[int, str | None]:
        """The worst product of loop weights along a chain, and a description when two unbounded ones chain.

        One pass in pattern order (a topological order: only loops point
        back, at themselves). Each state carries, per character set of a loop
        before it, the worst chain ending at such a loop that reaches the state
        through states reading some of those characters. A loop reached that
        way by a set it shares characters with extends the chain. (Requiring
        the states between to read a character of both loops' sets would be
        exact; one set is a bound.)
        """
        states = self.states
        carried: list[dict[frozenset, tuple[int, int]]] = [{} for _ in states]
        worst = (1, 0)
        for i, state in enumerate(states):
            here = carried[i]
            if state.weight > 1:
                before = max((v for chars, v in here.items() if chars & state.chars), default=(1, 0))
                # Products past the budget are all "too many": capped, they stay small numbers.
                mine = (min(before[0] * state.weight, BUDGET + 1), before[1] + state.unbounded)
                if mine[1] >= 2:
                    return mine[0], "two unbounded repeats that follow each other"
                worst = max(worst, mine)
                if mine > here.get(state.chars, (0, 0)):
                    here = dict(here)
                    here[state.chars] = mine
            for j in state.follow:
                if j == i:
                    continue
                target, reads = carried[j], states[j].chars
                for chars, v in here.items():
                    if chars & reads and v > target.get(chars, (0, 0)):
                        target[chars] = v
        return worst[0], None

    def _merging_alternatives(self) -> int:
        """An upper bound on the ways two or more paths read the same text into one state."""
        states = self.states
        pairs: set[tuple[int, int]] = set()
        todo: list[tuple[int, int]] = []
        merged_from: dict[int, set[tuple[int, int]]] = {}     # state -> pairs of paths that meet there

        def diverge(succ):
            succ = sorted(succ)
            for i, a in enumerate(succ):
                for b in succ[i + 1:]:
                    if states[a].chars & states[b].chars:
                        push(a, b)

        def push(a, b):
            pair = (a, b) if a < b else (b, a)
            if pair not in pairs:
                if len(pairs) >= MAX_PAIRS:
                    raise Unsafe("too ambiguous to check (its alternatives match the same text in too many ways)")
                pairs.add(pair)
                todo.append(pair)

        diverge(self.first)
        for s in states:
            diverge(s.follow)
        work = 0
        while todo:
            a, b = todo.pop()
            work += len(states[a].follow) * len(states[b].follow)
            if work > MAX_WORK:
                raise Unsafe("too ambiguous to check (its alternatives match the same text in too many ways)")
            for a2 in states[a].follow:
                for b2 in states[b].follow:
                    if not (states[a2].chars & states[b2].chars):
                        continue
                    if a2 == b2:
                        # Two paths meet again. A loop met by its own path is a
                        # chained repeat, counted there.
                        if a2 not in (a, b):
                            merged_from.setdefault(a2, set()).add((a, b))
                    else:
                        push(a2, b2)
        preds: list[list[int]] = [[] for _ in states]
        for p, s in enumerate(states):
            for q in s.follow:
                if q != p:
                    preds[q].append(p)
        worst: list[int] = []
        for i in range(len(states)):        # pattern order is a topological order (loops aside)
            before = max((worst[p] for p in preds[i]), default=1)
            worst.append(min(before * _most_together(merged_from.get(i, ())), BUDGET + 1))
        return max(worst, default=1)


def _most_together(pairs) -> int:
    """The most predecessors that can all be on paths reading the same text: the largest
    clique of the "read the same text" pairs (exact for small graphs, else a bound)."""
    if not pairs:
        return 1
    adj: dict[int, set[int]] = {}
    for a, b in pairs:
        adj.setdefault(a, set()).add(b)
        adj.setdefault(b, set()).add(a)
    if len(adj) > 24:
        return 1 + max(len(n) for n in adj.values())
    best = 1

    def grow(clique: int, candidates: set[int]) -> None:
        nonlocal best
        best = max(best, clique)
        for v in sorted(candidates):
            if clique + len(candidates) <= best:
                return
            candidates = candidates - {v}
            grow(clique + 1, candidates & adj[v])

    grow(0, set(adj))
    return best


def _alphabet(parsed) -> tuple[str, ...]:
    chars = set(_BASE_ALPHABET)

    def walk(sub):
        for op, av in sub:
            if op in (_c.LITERAL, _c.NOT_LITERAL):
                chars.add(chr(av))
            elif op is _c.IN:
                for iop, iav in av:
                    if iop is _c.LITERAL:
                        chars.add(chr(iav))
                    elif iop is _c.RANGE:
                        chars.update(chr(x) for x in (iav[0], iav[1], max(iav[0] - 1, 0), iav[1] + 1))
            elif op in _REPEATS:
                walk(av[2])
            else:
                for child in _children(op, av):
                    walk(child)

    walk(parsed)
    chars |= {c.swapcase() for c in chars if len(c.swapcase()) == 1}
    return tuple(sorted(chars))


def _reads(op, av, folded: tuple, everything: frozenset[str]) -> frozenset[str]:
    """The characters of the alphabet (``everything``) that the single-character item
    (op, av) reads, case insensitively. ``folded``: (character, lower, upper) per
    character of the alphabet.

    A character is read when it, its lower or its upper case is one the item
    names; one pass per member of the item (this ran once per character and
    member, 0.07 s of loading the bundled items' 212 patterns)."""
    if op is _c.ANY:
        return everything - {"\n"}
    if op is _c.LITERAL or op is _c.NOT_LITERAL:
        hits = _literal(chr(av), folded)
        return hits if op is _c.LITERAL else everything - hits
    negate = False
    found: set[str] = set()
    for iop, iav in av:
        if iop is _c.NEGATE:
            negate = True
        elif iop is _c.LITERAL:
            found |= _literal(chr(iav), folded)
        elif iop is _c.RANGE:
            low, high = iav
            found.update(ch for ch, lower, upper in folded
                         if any(low <= ord(v) <= high for v in (ch, lower, upper) if len(v) == 1))
        elif iop is _c.CATEGORY:
            category = _CATEGORY.get(str(iav))
            found.update(ch for ch, _, _ in folded if category is None or category.match(ch))
        else:                   # an unknown set member: assume it can read anything
            found.update(everything)
    return everything - found if negate else frozenset(found)


def _literal(c: str, folded: tuple) -> frozenset[str]:
    """The characters equal to ``c`` in some case (its own, lower or upper)."""
    lower, upper = c.lower(), c.upper()
    return frozenset(ch for ch, low, up in folded if ch == c or low == lower or up == upper)
