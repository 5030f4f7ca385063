"""Facts from one item's Decision rationale: sentence by sentence, aware of negation.

A rationale mixes two voices. It opens with the guideline ("...where outcomes
are not monitored by a health professional...", "...unless exercise is
contraindicated") and then states the case ("In this case ... there is no
documentation of the goals"). Only the second voice says anything about the
patient, so a sentence is read only when

1. it comes at or after the first sentence that refers to the case (a
   ``findings_start`` phrase: "In this case", "the submitted records", "this
   patient", ...); a rationale with no such phrase is read after its last
   guideline-looking sentence;
2. it is not guideline quotation: its words do not appear in the excerpt texts
   of the guideline files (compared word by word, so punctuation and line
   breaks do not matter);
3. the clause does not speak for the guideline or a hypothesis
   (``skip_clauses``: "the guidelines state", "unless", "If ...").

Each remaining clause (sentences are cut at ``clause_breaks``: ";", ": ", ",
and there is", " but ", ...) is tested per fact:

* no *topic* match -> the clause says nothing about the fact;
* a *deny* cue ("unclear", "undocumented") -> False;
* a *negation* cue ("no", "not", "without", "fails to") before the end of the
  first topic or affirm match -> False. Negations after both belong to a
  subordinate clause ("documents why the patient needs this equipment ... that
  the patient cannot continue without it") and negations inside a topic or
  affirm match are part of the phrase ("not cleared for exercise");
* an *affirm* cue ("documented", "explains", "will monitor") -> True;
* otherwise (a topic alone: "Specifically, how the kit offers additional
  value over ...") -> nothing: a fact is never guessed from a topic word.

When two sentences of one rationale disagree about a fact, the fact is left
unknown rather than picking one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .patterns import FactPattern, FactPatterns, ascii_lower, parse_count, words

# A sentence ends at . ! or ? (optionally followed by a closing quote or
# bracket) before a capital or a digit, or at a paragraph break.
_BOUNDARY = re.compile(r"[.!?][\"')\]]{0,2}(?= [\"'(\[]?[A-Z0-9])|\n")
_ABBREVIATIONS = frozenset("dr mr mrs ms vs no st jr sr eg ie approx fig pp p ca inc corp co".split())
_LAST_TOKEN = re.compile(r"([A-Za-z.]{1,8})$")
#: Sentences of fewer words are not compared with the guideline text: "No
#: goals." could occur anywhere.
MIN_QUOTE_WORDS = 4
#: Longer "sentences" are extraction debris, not findings (real ones are a few
#: hundred characters); skipping them bounds the matching time on bad input.
MAX_SENTENCE_CHARS = 2000


@dataclass(frozen=True)
class Finding:
    fact: str
    value: bool
    start: int      # the sentence that states it, as offsets in the normalized letter
    end: int


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (offsets into ``text``)."""
    spans = []
    pos = start
    for m in _BOUNDARY.finditer(text, start, end):
        if m.group() != "\n":
            tok = _LAST_TOKEN.search(text, max(pos, m.start() - 8), m.start())
            if tok and (tok.group(1).replace(".", "").lower() in _ABBREVIATIONS
                        or len(tok.group(1)) == 1 and tok.group(1).isupper()):
                continue       # "Dr. Smith", "vs. a", initials
            stop = m.end()
        else:
            stop = m.start()
        _add(text, spans, pos, stop)
        pos = stop
    _add(text, spans, pos, end)
    return spans


def _add(text, spans, s, e):
    while s < e and text[s] in " \n":
        s += 1
    while e > s and text[e - 1] in " \n":
        e -= 1
    if e > s:
        spans.append((s, e))


def clauses(sentence: str, patterns: FactPatterns) -> list[str]:
    """The sentence cut at the clause breaks (the break text itself is dropped)."""
    if patterns.clause_breaks.regex is None:
        return [sentence]
    out = []
    pos = 0
    for m in patterns.clause_breaks.finditer(sentence):
        if m.start() > pos:
            out.append(sentence[pos:m.start()].strip(" ,"))
        pos = max(m.end(), pos)
    out.append(sentence[pos:].strip(" ,"))
    return [c for c in out if c]


def is_guideline_quote(sentence: str, patterns: FactPatterns) -> bool:
    """True when the sentence's words occur, in order, in a guideline excerpt."""
    key = words(sentence)
    return key.count(" ") + 1 >= MIN_QUOTE_WORDS and f" {key} " in patterns.guideline_words


def polarity(clause: str, fact: FactPattern, negation, lowered: str | None = None, topic=None) -> bool | None:
    """What ``clause`` says about ``fact``: True, False, or None (nothing).
    ``topic``: the first match of the fact's topic in the clause, when the caller has it."""
    low = ascii_lower(clause) if lowered is None else lowered
    if topic is None:
        topic = fact.topic.search(clause, low)
    if topic is None:
        return None
    topics = fact.topic.spans(clause, low)
    affirms = fact.affirm.spans(clause, low) if fact.affirm.maybe(low) else []
    if fact.deny.maybe(low):
        for d0, d1 in fact.deny.spans(clause, low):
            inside_affirm = any(a0 <= d0 and d1 <= a1 for a0, a1 in affirms)
            inside_topic = any(t0 < d0 and d1 <= t1 for t0, t1 in topics)
            if not (inside_affirm or inside_topic):
                return False
    scope_end = max(topic.end(), affirms[0][1] if affirms else 0)
    if negation.maybe(low):
        for n0, n1 in negation.spans(clause[:scope_end], low[:scope_end]):
            if not any(s0 <= n0 and n1 <= s1 for s0, s1 in topics + affirms):
                return False
    return True if affirms else None


def count(clause: str, fact: FactPattern, lowered: str, topic=None) -> int | None:
    """The count a clause states for a number fact ("has attended at least 6 previous
    sessions" gives 6), or None. The clause must be about the fact (a topic match, which
    the caller may pass as ``topic``)."""
    if topic is None and fact.topic.search(clause, lowered) is None:
        return None
    for p in fact.numbers:
        m = p.lowered.search(lowered)
        if m:
            value = parse_count(m.group(1))
            if value is not None:
                return value
    return None


def mask_conclusions(text: str, span: tuple[int, int], patterns: FactPatterns) -> str:
    """``text`` with every conclusion inside ``span`` blanked out (same length, so
    offsets into it are offsets into the letter).

    A finding rests on what the record shows, never on the reviewer's verdict:
    "the request ... is not medically necessary" is not read, so the "not" in
    it can negate nothing and flipping it changes no fact.
    """
    conclusions = patterns.conclusions
    if conclusions.regex is None:
        return text
    start, end = span
    lowered = ascii_lower(text[start:end])
    hits = list(_windows(conclusions, lowered, (0, end - start)))
    if not hits:
        return text
    parts, pos = [text[:start]], start
    for m in hits:
        parts.append(text[pos:start + m.start()])
        parts.append(" " * (m.end() - m.start()))
        pos = start + m.end()
    parts.append(text[pos:])
    return "".join(parts)


#: How far before the word that makes it a verdict ("necessary", "certified",
#: ...) a verdict can begin ("the request for ... is not medically necessary").
_VERDICT_REACH = 240


def _windows(plist, lowered: str, span: tuple[int, int]):
    """The matches of ``plist`` in ``lowered[span]``, searched only around its required words.

    A verdict always contains one of the list's required literals, and a
    rationale holds one or two: searching a window around each occurrence
    instead of every position of the rationale is the difference between
    milliseconds and microseconds per item."""
    start, end = span
    if plist.factors is None:
        yield from plist.regex.finditer(lowered, start, end)
        return
    windows = []
    for f in plist.factors:
        i = lowered.find(f, start, end)
        while i != -1:
            windows.append((max(start, i - _VERDICT_REACH), min(end, i + len(f) + _VERDICT_REACH)))
            i = lowered.find(f, i + 1, end)
    if not windows:
        return
    windows.sort()
    merged = [list(windows[0])]
    for a, b in windows[1:]:
        if a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    last = start
    for a, b in merged:
        for m in plist.regex.finditer(lowered, max(a, last), b):
            yield m
            last = m.end()


def item_findings(text: str, span: tuple[int, int] | None, patterns: FactPatterns) -> dict[str, Finding]:
    """The facts one rationale (``text[span[0]:span[1]]``) states, by fact id, in pattern-file order."""
    if span is None or not patterns.facts:
        return {}
    text = mask_conclusions(text, span, patterns)
    spans = sentences(text, *span)
    first = None
    for i, (s, e) in enumerate(spans):
        sentence = text[s:e][:MAX_SENTENCE_CHARS]
        if (patterns.findings_start.search(sentence, ascii_lower(sentence))
                and not is_guideline_quote(sentence, patterns)):
            first = i
            break
    if first is None:
        # No phrase points at the case: the findings follow the quotation.
        looks_quoted = [i for i, (s, e) in enumerate(spans) if e - s <= MAX_SENTENCE_CHARS
                        and (patterns.skip_clauses.search(text[s:e], ascii_lower(text[s:e]))
                             or is_guideline_quote(text[s:e], patterns))]
        first = looks_quoted[-1] + 1 if looks_quoted else 0

    found: dict[str, Finding] = {}
    conflicting: set[str] = set()
    names_a_topic, candidates = patterns.names_a_topic, patterns.candidates
    for s, e in spans[first:]:
        if e - s > MAX_SENTENCE_CHARS:
            continue
        sentence = text[s:e]
        # Most sentences name no topic at all: that rules them out.
        if not names_a_topic(ascii_lower(sentence)) or is_guideline_quote(sentence, patterns):
            continue
        for clause in clauses(sentence, patterns):
            low = ascii_lower(clause)
            # The facts whose topic the clause names, each with its first topic match.
            topics = [(fact, m) for fact in candidates(low)
                      if fact.topic.regex is not None and (m := fact.topic.regex.search(low)) is not None]
            if not topics or patterns.skip_clauses.search(clause, low) or is_guideline_quote(clause, patterns):
                continue
            for fact, topic in topics:
                if fact.is_number:
                    value = count(clause, fact, low, topic)
                else:
                    value = polarity(clause, fact, patterns.negation, low, topic)
                if value is None or fact.fact in conflicting:
                    continue
                prior = found.get(fact.fact)
                if prior is None:
                    found[fact.fact] = Finding(fact.fact, value, s, e)
                elif prior.value != value:
                    conflicting.add(fact.fact)
    for fact_id in conflicting:
        found.pop(fact_id, None)
    order = {f: i for i, f in enumerate(patterns.fact_ids)}
    return dict(sorted(found.items(), key=lambda kv: order[kv[0]]))
