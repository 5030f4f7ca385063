"""Load, check and compile the fact pattern file (``rules/fact_patterns.yaml``).

The file says, in data an editor can change without touching code, how a
finding is recognised in a rationale: per fact, *topic* patterns (what the
clause talks about), *affirm* cues (documented, explained, will monitor) and
*deny* cues (unclear, undocumented); and, shared by all facts, *negation*
cues, *clause breaks*, the phrases that mark the start of the case-specific
findings, and the clauses that speak for the guideline rather than the
patient. How they combine (negation scope, guideline skipping) is in
``findings.py``.

Every regular expression is checked for catastrophic backtracking before it
is compiled, compiled once (case-insensitive), and kept with its source line
so that tools can point at it.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

try:  # Python 3.11+
    from re import _constants as _sre_c, _parser as _sre_p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _sre_c  # type: ignore[no-redef]
    import sre_parse as _sre_p  # type: ignore[no-redef]

from .. import schemas
from ..regex_safety import HINT as REGEX_HINT
from ..regex_safety import MAX_NESTED_REPEAT, unsafe_reason  # noqa: F401 - the check lives there
from ..yamlio import Document, load_document

FLAGS = re.IGNORECASE
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def ascii_lower(text: str) -> str:
    """``text`` with A-Z in lower case: same length (offsets hold), unlike str.lower()
    on some non-ASCII letters ("\u0130" lowers to two characters)."""
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def lowered_source(source: str) -> str:
    """A pattern's source in lower case, escapes kept (``\\B``, ``\\W``, ``\\S``, ``\\D`` mean
    something else in lower case).

    Patterns match case-insensitively. Instead of asking ``re`` to fold case at
    every position (measured 3-4x slower on a union of a hundred patterns), the
    pattern and the text are both lowered once and matched case-sensitively."""
    out = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            out.append(source[i:i + 2])
            i += 2
            continue
        out.append(ch.lower() if "A" <= ch <= "Z" else ch)
        i += 1
    return "".join(out)


#: Up to this many required literals, substring tests decide PatternList.maybe; past it,
#: one search of their trie (measured: equal at about 6 on the shipped patterns).
_FEW_FACTORS = 6


def literal_trie(words) -> str:
    """A regular expression for exactly these literal words, written as a trie: common
    prefixes merged, so that ``re`` tries one branch per next character instead of every
    word at every position (an alternation of hundreds of words is scanned word by word).
    At a position it matches the longest word that starts there, as the alternation of
    the words longest first does."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[None] = None                       # a word ends here
    return _trie_source(trie)


def _trie_source(node: dict) -> str:
    branches = [re.escape(ch) + _trie_source(child) for ch, child in sorted(
        ((k, v) for k, v in node.items() if k is not None))]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    # A word ending here: the longer words are tried first (greedy), then this one.
    return f"(?:{body})?" if None in node else body


@dataclass(frozen=True)
class Pattern:
    """One regular expression of the pattern file, with where it was written.

    ``regex`` matches case-insensitively any text; ``lowered`` is the same
    pattern for text already in lower case (:func:`ascii_lower`), faster."""

    source: str
    line: int | None
    regex: re.Pattern
    lowered: re.Pattern | None = None


@dataclass(frozen=True)
class PatternList:
    """A list of patterns; ``regex`` is their union, so a clause is searched once per list.

    ``factors``: literal strings (lower case) of which every match contains at
    least one, or None when some pattern has none. Python's ``re`` scans a
    pattern that starts with ``\\b`` or an alternation character by
    character; a plain substring test rules most sentences out far faster.
    """

    patterns: tuple[Pattern, ...]
    regex: re.Pattern | None            # the union, for text in lower case (ascii_lower)
    factors: frozenset[str] | None = None

    def maybe(self, lowered: str) -> bool:
        """False only when no pattern can match ``lowered`` (the text in lower case)."""
        if self.regex is None:
            return False
        factors = self.factors
        if factors is None:
            return True
        if len(factors) > _FEW_FACTORS:       # one scan instead of a substring test per factor
            return self.factor_regex.search(lowered) is not None
        for f in factors:
            if f in lowered:
                return True
        return False

    @cached_property
    def factor_regex(self) -> re.Pattern:
        """The required literals as one expression (:func:`literal_trie`); only when ``factors``."""
        return re.compile(literal_trie(self.factors))

    def search(self, text: str, lowered: str | None = None):
        """The first match in ``text`` (its offsets are ``text``'s), or None.
        ``lowered``: ``ascii_lower(text)`` when the caller has it."""
        if self.regex is None:
            return None
        if lowered is None:
            lowered = ascii_lower(text)
        if not self.maybe(lowered):
            return None
        return self.regex.search(lowered)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None, lowered: str | None = None):
        if self.regex is None:
            return iter(())
        low = ascii_lower(text) if lowered is None else lowered
        return self.regex.finditer(low, pos, len(low) if endpos is None else endpos)

    def spans(self, text: str, lowered: str | None = None) -> list[tuple[int, int]]:
        return [m.span() for m in self.finditer(text, lowered=lowered)]


@dataclass(frozen=True)
class FactPattern:
    """How one fact is recognised: topic + affirm/deny cues (a boolean fact), or
    topic + ``numbers`` patterns whose one group is the count (a number fact)."""

    fact: str
    line: int | None
    topic: PatternList
    affirm: PatternList
    deny: PatternList
    numbers: tuple[Pattern, ...] = ()

    @property
    def is_number(self) -> bool:
        return bool(self.numbers)


@dataclass(frozen=True)
class FactPatterns:
    """The compiled pattern file. Immutable; build it once with :func:`load_fact_patterns`."""

    file: str
    facts: tuple[FactPattern, ...]
    findings_start: PatternList
    skip_clauses: PatternList
    clause_breaks: PatternList
    negation: PatternList
    #: The reviewer's conclusion ("... is not medically necessary"): masked
    #: out of every rationale before anything is read, so no fact rests on it.
    conclusions: PatternList
    #: Files whose excerpt texts are guideline quotations (never findings).
    guideline_files: tuple[str, ...]
    #: The excerpt texts as one lower-case word string, " word word ... ".
    guideline_words: str
    #: Every fact's topic patterns: a sentence that matches none is skipped.
    any_topic: PatternList
    #: The files and folders ``guideline_excerpts`` names, resolved: with the pattern
    #: file itself, everything the compiled patterns depend on (see inputs_digest).
    guideline_sources: tuple[str, ...] = ()

    @property
    def fact_ids(self) -> tuple[str, ...]:
        return tuple(f.fact for f in self.facts)

    @cached_property
    def _topic_words(self) -> tuple[re.Pattern | None, dict[str, tuple[int, ...]], tuple[int, ...]]:
        """One search for every fact's required topic words.

        (their union, longest first; word -> the facts of it and of every word it
        starts with; the facts whose topic has no required word)."""
        by_word: dict[str, set[int]] = {}
        always = []
        for i, f in enumerate(self.facts):
            if f.topic.factors is None:
                always.append(i)
                continue
            for word in f.topic.factors:
                by_word.setdefault(word, set()).add(i)
        if not by_word:
            return None, {}, tuple(always)
        words = sorted(by_word, key=len, reverse=True)
        # At a position the union matches the longest word; every shorter word
        # that it starts with ("goal" in "goals") is there too.
        reach = {w: tuple(sorted(set().union(*(by_word[p] for p in words if w.startswith(p))))) for w in words}
        return re.compile(literal_trie(words)), reach, tuple(always)

    def names_a_topic(self, lowered: str, candidates: list[FactPattern] | None = None) -> bool:
        """Whether some fact's topic pattern matches ``lowered`` (a text in lower case):
        ``any_topic.search``, but only the topics whose required words the text holds
        are searched (the union of every topic tries hundreds of patterns per position).
        ``candidates``: ``self.candidates(lowered)`` when the caller has it."""
        if candidates is None:
            candidates = self.candidates(lowered)
        return any(f.topic.regex is not None and f.topic.regex.search(lowered) for f in candidates)

    def candidates(self, lowered: str) -> list[FactPattern]:
        """The facts whose topic patterns can match ``lowered`` (a clause in lower case), in file order.

        A clause names few topics: one search for all the facts' required words
        replaces a substring test per word per fact."""
        words_re, reach, always = self._topic_words
        picked = set(always)
        if words_re is not None:
            pos = 0
            while True:       # every start position: "therapy" inside "physical therapy" counts too
                m = words_re.search(lowered, pos)
                if m is None:
                    break
                picked.update(reach[m.group()])
                pos = m.start() + 1
        return [self.facts[i] for i in sorted(picked)]


def load_fact_patterns(path: str | os.PathLike, *, extra_guideline_texts=()) -> FactPatterns:
    """Load and compile a fact pattern file; any problem is an InputError naming its line.

    ``extra_guideline_texts``: more verbatim guideline text to treat as quotation,
    besides the excerpt files the pattern file names under ``guideline_excerpts``.
    """
    doc = load_document(path, what="fact pattern file")
    schemas.validate(doc, "fact_patterns")
    data = doc.data
    files, texts, sources = _guideline_texts(doc)
    texts.extend(str(t) for t in extra_guideline_texts)
    guideline_words = " " + " ".join(words(t) for t in texts) + " "

    def plist(path):
        return _compile_list(doc, path, guideline_words)

    facts = tuple(
        FactPattern(fact=fid, line=doc.line_of(("facts", fid)),
                    topic=plist(("facts", fid, "topic")),
                    affirm=plist(("facts", fid, "affirm")),
                    deny=plist(("facts", fid, "deny")),
                    numbers=_number_patterns(doc, ("facts", fid, "numbers")))
        for fid in data["facts"])
    return FactPatterns(
        file=doc.file, facts=facts,
        findings_start=plist(("findings_start",)),
        skip_clauses=plist(("skip_clauses",)),
        clause_breaks=plist(("clause_breaks",)),
        negation=plist(("negation",)),
        conclusions=plist(("conclusions",)),
        guideline_files=tuple(files),
        guideline_words=guideline_words,
        any_topic=_pattern_list([p for f in facts for p in f.topic.patterns], guideline_words),
        guideline_sources=tuple(sources))


def inputs_digest(path: str | os.PathLike, sources: tuple[str, ...]) -> str | None:
    """A digest of everything :func:`load_fact_patterns` read for a pattern file whose
    ``guideline_excerpts`` resolved to ``sources``: the file's bytes, and each source's
    bytes (a file) or its listing and its files' bytes (a folder, as ``_guideline_texts``
    lists it). Equal digests, equal compiled patterns. None when something cannot be read."""
    h = hashlib.sha256()

    def add(tag: bytes, data: bytes) -> None:
        h.update(tag + len(data).to_bytes(8, "little") + data)
    try:
        add(b"P", Path(path).read_bytes())
        for source in sources:
            target = Path(source)
            if target.is_dir():
                for p in _excerpt_files(target):
                    add(b"D", str(p).encode("utf-8", "surrogateescape"))
                    add(b"F", p.read_bytes())
            else:
                add(b"F", target.read_bytes())
    except OSError:
        return None
    return h.hexdigest()


def _excerpt_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml", ".json"))


def _number_patterns(doc: Document, path: tuple) -> tuple[Pattern, ...]:
    """A number fact's patterns: each has exactly one group, the count."""
    listed = _compile_list(doc, path).patterns
    for i, p in enumerate(listed):
        if p.regex.groups != 1:
            where = path + (i,)
            raise doc.error(f"{'/'.join(map(str, where))}: a number pattern needs exactly one group, the count "
                            f"(it has {p.regex.groups})", where,
                            hint="write the count as (\\d{1,3}|one|two|...) and every other group as (?:...)")
    return listed


_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_NUMBER_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "a dozen": 12, "dozen": 12})


def parse_count(text: str) -> int | None:
    """``12``, ``twelve``, ``twenty-four``, ``a dozen`` as an int; None when it is not a count."""
    t = text.strip().lower()
    if t.isdigit():
        return int(t) if len(t) <= 4 else None
    if t in _NUMBER_WORDS:
        return _NUMBER_WORDS[t]
    tens, _, unit = t.partition("-")
    if tens in ("twenty", "thirty", "forty", "fifty", "sixty") and unit in _NUMBER_WORDS and _NUMBER_WORDS[unit] < 10:
        return _NUMBER_WORDS[tens] + _NUMBER_WORDS[unit]
    return None


def words(text: str) -> str:
    """Lower-case words joined by single spaces: how quoted guideline text is compared."""
    return " ".join(_WORD.findall(text.lower()))


_WORD = re.compile(r"[a-z0-9]+")


def _compile_list(doc: Document, path: tuple, common: str = "") -> PatternList:
    node = doc.data
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    compiled = []
    for i, source in enumerate(node or ()):
        where = path + (i,)
        problem = unsafe_reason(source)
        if problem:
            raise doc.error(f"{'/'.join(map(str, where))}: unsafe regular expression {source!r}: {problem}",
                            where, hint=REGEX_HINT)
        try:
            # Compiling inside a group also refuses global flags such as "(?i)"
            # in the middle, which would break the union below.
            regex = re.compile(f"(?:{source})", FLAGS)
        except re.error as exc:
            raise doc.error(f"{'/'.join(map(str, where))}: bad regular expression {source!r}: {exc}",
                            where, hint="fix the regular expression (Python syntax); "
                                        "it is matched case-insensitively") from None
        compiled.append(Pattern(source, doc.line_of(where), regex, re.compile(f"(?:{lowered_source(source)})")))
    try:
        return _pattern_list(compiled, common)
    except re.error as exc:  # e.g. the same group name in two patterns
        raise doc.error(f"{'/'.join(map(str, path))}: the patterns cannot be combined: {exc}", path,
                        hint="use non-capturing groups (?:...) instead of named groups") from None


def _pattern_list(patterns: list[Pattern], common: str = "") -> PatternList:
    if not patterns:
        return PatternList((), None, None)
    # One "\\b" in front of the patterns that start with it: Python's re then
    # tests the word boundary once per position instead of once per pattern.
    bounded = [p.source[2:] for p in patterns if _starts_with_boundary(p.source)]
    others = [p.source for p in patterns if not _starts_with_boundary(p.source)]
    parts = [f"(?:{lowered_source(s)})" for s in others]
    if bounded:
        parts.insert(0, "\\b(?:" + "|".join(f"(?:{lowered_source(s)})" for s in bounded) + ")")
    union = re.compile("|".join(parts))
    factors: set[str] | None = set()
    for p in patterns:
        f = required_literals(p.source, common)
        if not f:
            factors = None
            break
        factors |= f
    return PatternList(tuple(patterns), union, frozenset(factors) if factors else None)


def _starts_with_boundary(source: str) -> bool:
    """``\\b...`` with no top-level alternation (``\\bfoo|bar`` must stay as written)."""
    if not source.startswith("\\b"):
        return False
    try:
        parsed = list(_sre_p.parse(source, FLAGS))
    except Exception:
        return False
    return bool(parsed) and parsed[0][0] is _sre_c.AT and parsed[0][1] is _sre_c.AT_BOUNDARY


def required_literals(source: str, common: str = "") -> frozenset[str] | None:
    """Lower-case strings of which every match of ``source`` contains one (None: no such set).

    ``\\bwhy\\b.{0,120}?...`` gives {"why"}; ``\\b(?:goals?|objectives?)\\b`` gives
    {"goal", "objective"}. Used only to skip text that cannot match. When a
    pattern offers several such sets, the one whose strings occur least in
    ``common`` (text like the letters: the guideline excerpts) is chosen, so
    "exercise" or "program" do not let every sentence through.
    """
    try:
        parsed = _sre_p.parse(source, FLAGS)
    except Exception:
        return None
    found = _literals(list(parsed), common)
    if not found or any(not s.strip() for s in found):
        return None
    return frozenset(found)


def _literals(seq, common: str) -> frozenset[str] | None:
    candidates: list[frozenset[str]] = []
    run: list[str] = []

    def flush():
        if run:
            candidates.append(frozenset(["".join(run).lower()]))
            run.clear()

    for op, av in seq:
        if op is _sre_c.LITERAL:
            run.append(chr(av))
            continue
        if op is _sre_c.AT:        # \b, ^, $: zero-width, the run goes on
            continue
        flush()
        found = None
        if op is _sre_c.SUBPATTERN:
            found = _literals(list(av[-1]), common)
        elif op is _sre_c.BRANCH:
            branches = [_literals(list(b), common) for b in av[1]]
            if all(branches):
                found = frozenset().union(*branches)
        elif op in _REPEATS and av[0] >= 1:
            found = _literals(list(av[2]), common)
        if found:
            candidates.append(found)
    flush()
    # A literal of one letter or a lone space rules nothing out.
    candidates = [c for c in candidates if min(len(s.strip()) for s in c) >= 2]
    if not candidates:
        return None
    # The most selective: the fewest occurrences in the sample text, then the
    # longest shortest string.
    return min(candidates, key=lambda c: (sum(common.count(s) for s in c), -min(map(len, c)), len(c)))


_REPEATS = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}
if hasattr(_sre_c, "POSSESSIVE_REPEAT"):
    _REPEATS.add(_sre_c.POSSESSIVE_REPEAT)


def _guideline_texts(doc: Document) -> tuple[list[str], list[str], list[str]]:
    """The excerpt texts of the guideline files the pattern file names (paths relative to it):
    (the files read, their excerpt texts, the files and folders named)."""
    base = Path(doc.file).parent
    files: list[str] = []
    texts: list[str] = []
    sources: list[str] = []
    for i, entry in enumerate(doc.data.get("guideline_excerpts") or ()):
        where = ("guideline_excerpts", i)
        target = base / entry
        sources.append(str(target))
        if target.is_dir():
            found = _excerpt_files(target)
        elif target.is_file():
            found = [target]
        else:
            raise doc.error(f"guideline_excerpts/{i}: no such file or folder: {entry}", where,
                            hint="give a folder of guideline excerpt files, relative to this file")
        for p in found:
            gdoc = load_document(p, what="guideline file")
            excerpts = gdoc.data.get("excerpts") if isinstance(gdoc.data, dict) else None
            for ex in excerpts or ():
                if isinstance(ex, dict) and isinstance(ex.get("text"), str):
                    texts.append(ex["text"])
            files.append(str(p))
    return files, texts, sources
