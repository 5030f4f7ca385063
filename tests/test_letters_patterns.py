"""The fact patterns (rules/fact_patterns.yaml) on findings phrased in ways the letters do not use.

None of the sentences below is copied from a development or seed letter: they
are paraphrases of the same findings, as held-out letters phrase them, plus
negative controls (sentences that must give no fact) and guideline text that
must never give a fact.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from imr_rules.errors import InputError
from imr_rules.letters import load_fact_patterns, normalize
from imr_rules.letters.findings import item_findings
from imr_rules.letters.patterns import required_literals, unsafe_reason

ROOT = Path(__file__).resolve().parents[1]
PATTERNS = load_fact_patterns(ROOT / "rules" / "fact_patterns.yaml")

NEED, GOALS, MON, CONTRA = ("equipment_need_documented", "goals_documented",
                            "outcome_monitoring_documented", "exercise_contraindicated")


def read(rationale: str) -> dict:
    """Facts of a rationale (as normalized text), {fact: value}."""
    text = normalize(rationale)
    return {k: f.value for k, f in item_findings(text, (0, len(text)), PATTERNS).items()}


def read_in_case(sentence: str) -> dict:
    """The sentence as a finding after a guideline quotation and 'In this case'."""
    return read("While a home exercise program is of course recommended, more elaborate personal "
                "care where outcomes are not monitored by a health professional, such as gym "
                "memberships or advanced home exercise equipment may not be covered under this "
                "guideline. In this case the provider has requested the equipment. " + sentence)


NEED_CASES = [
    ("The records do not explain why the patient requires a rehabilitation kit.", False),
    ("Nothing in the submitted notes establishes why a self-directed home program would be insufficient.", False),
    ("The treating physician has not described what the kit would add to the exercises the patient already performs.", False),
    ("There is no rationale for specialized equipment in place of a simple home routine.", False),
    ("It is unclear why this patient would need the pulley rather than a home exercise program.", False),
    ("No explanation is offered as to why the bands are needed.", False),
    ("The documentation fails to justify the need for the exercise equipment.", False),
    ("The notes never address why a gym is required instead of home exercises.", False),
    ("Medical necessity of the kit over a standard home exercise program has not been established.", False),
    ("The reviewer found no reason for the membership beyond general fitness.", False),
    ("The therapist explained why the patient needs the resistance bands: the body-weight program no longer challenges him.", True),
    ("The progress note documents the need for the equipment because the patient cannot load the shoulder otherwise.", True),
    ("The records clearly show why these items are required rather than a self-directed program.", True),
    ("The physician has justified the need for a gym membership with pool access.", True),
    ("The report describes why the specific equipment is necessary for the prescribed program.", True),
    ("The request is supported by a statement of why the patient needs this kit.", True),
    ("The therapist explains that the home program has failed and that he needs pool and machine access.", True),
    ("There is no indication that the patient cannot perform a home exercise program without the equipment.", False),
    ("There is no rationale provided for the equipment.", False),
    ("The therapist documented that she cannot perform her home exercise program without the pulley.", True),
]

GOALS_CASES = [
    ("No treatment goals were provided.", False),
    ("Functional goals have not been established.", False),
    ("The goals of treatment are unclear.", False),
    ("There are no measurable goals.", False),
    ("The provider did not specify any functional objectives.", False),
    ("Neither goals nor a timeline are given in the request.", False),
    ("The record lacks any stated goal for the intervention.", False),
    ("The request does not identify what the kit is meant to achieve.", False),
    ("Goals of the program are vague.", False),
    ("The treating physician never set targets for the program.", False),
    ("The progress note lists specific functional goals, such as climbing stairs.", True),
    ("Treatment goals are documented: lifting 25 pounds and sitting for an hour.", True),
    ("The physician has defined measurable objectives for the program.", True),
    ("The goals include returning to full duty within three months.", True),
    ("The stated goal is to walk one mile without pain.", True),
    ("The goals of the intervention are clearly identified in the request.", True),
    # An affirm word before the topic, the negated verb after it.
    ("Clear functional goals were not documented in the request.", False),
    ("Documented treatment goals have not been provided for this course.", False),
    ("Clear goals were neither set nor reviewed with the patient.", False),
    ("Clear goals are stated in the therapist's plan of care.", True),
    ("Goals were not discussed.", False),
]

MONITORING_CASES = [
    ("There is no plan for how the patient's progress will be tracked.", False),
    ("No follow-up visits are scheduled to assess progress.", False),
    ("The records do not describe how outcomes will be measured.", False),
    ("It is unclear who will monitor the patient's response.", False),
    ("The program would be unsupervised.", False),
    ("Outcome monitoring by a health professional is not documented.", False),
    ("The gym program will not be supervised by a clinician.", False),
    ("Nobody is identified to oversee the program.", False),
    ("Progress is to be self-monitored at home.", False),
    ("The notes never mention re-evaluation of the patient's function.", False),
    ("The treating physician will re-measure strength and range of motion every 4 weeks.", True),
    ("Progress will be tracked by the physical therapist at biweekly visits.", True),
    ("The physician plans to reassess function at each monthly visit.", True),
    ("Outcomes will be monitored by the primary treating physician.", True),
    ("The therapist will supervise the program and review progress monthly.", True),
    ("A follow-up schedule with objective outcome measures is documented.", True),
    ("Nor is there any indication of who would follow the claimant's progress.", False),
    ("The physician will follow his progress at monthly visits.", True),
    ("Outcomes will not be measured.", False),
    ("Progress with the home program will not be tracked.", False),
    ("Progress with the home program will be tracked by the therapist.", True),
]

CONTRA_CASES = [
    ("Exercise is contraindicated because of an unhealed fracture.", True),
    ("The orthopedist has restricted him from all exercise for six weeks.", True),
    ("The patient is not yet cleared for exercise after the surgery.", True),
    ("Physical therapy is on hold pending fracture healing.", True),
    ("The surgeon considers exercise unsafe for the patient at present.", True),
    ("Strengthening is prohibited until the repair heals, which is a contraindication to the program.", True),
    ("She has been instructed not to exercise until the cardiology work-up is complete.", True),
    ("There is no contraindication to exercise.", False),
    ("Exercise is not contraindicated.", False),
    ("The records show no restrictions on exercise.", False),
    ("Nothing suggests that exercise is contraindicated for him.", False),
    ("The patient has been cleared for full activity.", False),
    ("The records do not document any exercise restriction.", False),
]

# Sentences that state none of the four facts.
CONTROLS = [
    "The patient reports pain with lifting.",
    "Therefore, the request is not medically necessary.",
    "Therefore, the kit is medically necessary.",
    "The patient has completed twelve sessions of physical therapy.",
    "The physical therapist taught a home program.",
    "Progress with the body-weight program has plateaued.",
    "The patient made no progress with chiropractic care.",
    "Specifically, how the lumbar kit offers additional value over a self-directed home exercise program.",
    "The request was for a lumbar kit and a cervical kit.",
    "Aquatic therapy requires a pool.",
    "He was seen for follow-up on 05/01/2014.",
    "The kit contains an exercise ball, bands and a travel bag.",
]

# Guideline text (quoted or paraphrased) that must never yield a fact, even
# after "In this case".
GUIDELINE_VOICE = [
    "The guidelines state that outcomes should be monitored by a health professional.",
    "Per ODG, gym memberships are not recommended where outcomes are not monitored by a health professional.",
    "A therapeutic exercise program should be initiated unless exercise is contraindicated.",
    "If exercise is prescribed as a therapeutic tool, some documentation of progress should be expected.",
    "Advanced home exercise equipment may not be covered under this guideline.",
    "MTUS recommends goals-based treatment with documented functional improvement.",
    "Clear treatment goals should be stated and formulated by the prescriber.",
]


PARAPHRASES = [(fact, sentence, value)
               for fact, cases in ((NEED, NEED_CASES), (GOALS, GOALS_CASES), (MON, MONITORING_CASES),
                                   (CONTRA, CONTRA_CASES))
               for sentence, value in cases]


@pytest.mark.parametrize("fact,sentence,value", PARAPHRASES)
def test_paraphrases(fact, sentence, value):
    assert read(sentence).get(fact) is value
    assert read_in_case(sentence).get(fact) is value


@pytest.mark.parametrize("sentence", [
    "The records do not document significant objective deficits.",
    "There are no objective findings of instability on examination.",
    "Objective functional improvement was not documented.",
])
def test_objective_the_adjective_is_not_a_goal(sentence):
    assert read_in_case(sentence).get(GOALS) is None
    assert read_in_case("The objective of the program is not stated.").get(GOALS) is False


@pytest.mark.parametrize("sentence", CONTROLS)
def test_negative_controls_give_no_fact(sentence):
    # None of the four facts; "completed twelve sessions of physical therapy"
    # is a therapy finding (tests/test_patterns_therapy.py), not an exercise one.
    four = {NEED, GOALS, MON, CONTRA}
    assert not four & read(sentence).keys()
    assert not four & read_in_case(sentence).keys()


@pytest.mark.parametrize("sentence", GUIDELINE_VOICE)
def test_guideline_voice_gives_no_fact(sentence):
    assert read_in_case(sentence) == {}


def test_guideline_quotation_before_the_findings_is_skipped():
    # Verbatim guideline text (in the excerpt files), no case marker at all:
    # nothing is read from it.
    quote = ("A therapeutic exercise program should be initiated at the start of any treatment or "
             "rehabilitation program, unless exercise is contraindicated. While a home exercise "
             "program is of course recommended, more elaborate personal care where outcomes are "
             "not monitored by a health professional, such as gym memberships or advanced home "
             "exercise equipment may not be covered under this guideline.")
    assert read(quote) == {}
    # The findings after it are read even without "In this case".
    assert read(quote + " No goals were documented.") == {GOALS: False}


def test_each_clause_reads_its_own_fact():
    facts = read_in_case("Goals are documented; however, nobody will monitor the outcomes.")
    assert facts == {GOALS: True, MON: False}
    facts = read_in_case("Although the goals are documented, there is no plan to monitor outcomes.")
    assert facts == {GOALS: True, MON: False}


def test_disagreeing_sentences_leave_the_fact_unknown():
    assert GOALS not in read_in_case("Goals are documented. No goals were identified.")


def test_every_shipped_pattern_is_safe_and_has_a_line():
    lists = [PATTERNS.findings_start, PATTERNS.skip_clauses, PATTERNS.clause_breaks, PATTERNS.negation]
    lists += [pl for f in PATTERNS.facts for pl in (f.topic, f.affirm, f.deny)]
    for pl in lists:
        for p in pl.patterns:
            assert unsafe_reason(p.source) is None, p.source
            assert p.line and p.line > 1


@pytest.mark.parametrize("bad", [r"(a+)+", r"(?:\w+ )*x", r".*monitor", r"(a)\1", r"(?:\w+ ){0,50}"])
def test_unsafe_regexes_are_refused(bad):
    assert unsafe_reason(bad)


def test_required_literals_are_necessary():
    # Every string a pattern can match contains one of its literals.
    assert required_literals(r"\bwhy\b.{0,120}?\bneeds?\b") == {"need"}
    # ... preferring the literal that is rarer in the sample text.
    assert required_literals(r"\bwhy\b.{0,120}?\bneeds?\b", "patients who need more") == {"why"}
    assert required_literals(r"\b(?:goals?|objectives?)\b") == {"goal", "objective"}
    assert required_literals(r"[a-z]+") is None


def _pattern_file(tmp_path, body: str) -> Path:
    p = tmp_path / "fact_patterns.yaml"
    p.write_text(textwrap.dedent(body), encoding="utf-8")
    return p


GOOD = """\
version: 1
findings_start: ['in this case']
skip_clauses: ['\\bunless\\b']
clause_breaks: [';']
negation: ['\\bno\\b', '\\bnot\\b']
facts:
  goals_documented:
    topic: ['\\bgoals?\\b']
    affirm: ['\\bdocumented\\b']
"""


def test_a_minimal_pattern_file_loads_and_is_immutable(tmp_path):
    patterns = load_fact_patterns(_pattern_file(tmp_path, GOOD))
    assert patterns.fact_ids == ("goals_documented",)
    assert patterns.facts[0].topic.patterns[0].line == 8
    with pytest.raises(AttributeError):
        patterns.facts = ()


def test_a_bad_regex_is_reported_with_its_line(tmp_path):
    path = _pattern_file(tmp_path, GOOD.replace("'\\bdocumented\\b'", "'(documented'"))
    with pytest.raises(InputError) as err:
        load_fact_patterns(path)
    assert err.value.line == 9 and "bad regular expression" in err.value.message
    assert err.value.hint


def test_an_unsafe_regex_is_reported_with_its_line(tmp_path):
    path = _pattern_file(tmp_path, GOOD.replace("'\\bgoals?\\b'", "'(goal\\w+)+'"))
    with pytest.raises(InputError) as err:
        load_fact_patterns(path)
    assert err.value.line == 8 and "unsafe" in err.value.message


def test_schema_errors_name_the_line(tmp_path):
    path = _pattern_file(tmp_path, GOOD + "    colour: blue\n")
    with pytest.raises(InputError) as err:
        load_fact_patterns(path)
    # The unknown key is reported on its mapping (the fact's entry).
    assert err.value.line == 8 and "colour" in err.value.message


def test_missing_guideline_folder_is_an_error(tmp_path):
    path = _pattern_file(tmp_path, GOOD + "guideline_excerpts: [nowhere]\n")
    with pytest.raises(InputError) as err:
        load_fact_patterns(path)
    assert "nowhere" in err.value.message


def test_pattern_facts_are_in_the_fact_catalog():
    import yaml
    catalog = yaml.safe_load((ROOT / "rules" / "facts.yaml").read_text(encoding="utf-8"))
    known = {f["id"] for f in catalog["facts"]}
    assert set(PATTERNS.fact_ids) <= known
    assert PATTERNS.guideline_files, "the guideline excerpts must be read"


# --- the literal trie (PatternList.maybe and the topic word search use it) ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from imr_rules.letters.patterns import literal_trie  # noqa: E402

_WORDS = st.lists(st.text(alphabet="ab .-x", min_size=1, max_size=5), min_size=1, max_size=12)


@settings(max_examples=300, deadline=None)
@given(words=_WORDS, text=st.text(alphabet="ab .-xy", max_size=40))
def test_literal_trie_matches_as_the_alternation_longest_first(words, text):
    import re
    trie = re.compile(literal_trie(words))
    alternation = re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))
    for pos in range(len(text) + 1):         # every start, as candidates() searches
        a, b = trie.search(text, pos), alternation.search(text, pos)
        assert (a and (a.start(), a.group())) == (b and (b.start(), b.group()))


def test_literal_trie_escapes_and_prefers_the_longest_word():
    import re
    trie = re.compile(literal_trie(["goal", "goals", "a.b", "physical therapy", "therapy"]))
    assert trie.search("two goals").group() == "goals"
    assert trie.search("axb") is None and trie.search("a.b").group() == "a.b"
    assert trie.search("physical therapy").group() == "physical therapy"


def test_maybe_with_many_factors_agrees_with_substring_tests():
    lists = [f.topic for f in PATTERNS.facts if f.topic.factors and len(f.topic.factors) > 6]
    lists.append(PATTERNS.any_topic)
    assert lists, "the shipped patterns have lists with many literals"
    texts = ["the patient has completed 12 sessions of physical therapy", "no relevant words here",
             "mri of the lumbar spine was reviewed", "opioid use for 6 months", ""]
    for plist in lists:
        for text in texts:
            assert plist.maybe(text) == any(f in text for f in plist.factors), (plist.factors, text)


def test_names_a_topic_is_the_union_of_every_topic_on_every_sentence_of_the_letters():
    """The shortcut the importer takes (only the topics whose required words a text holds)
    answers as the union of every fact's topic patterns, on every sentence and clause of
    the project's letters (PDF and text)."""
    from imr_rules.letters import letter_text
    from imr_rules.letters.findings import clauses, sentences
    from imr_rules.letters.patterns import ascii_lower
    letters = sorted((ROOT / "tests" / "historical").rglob("*.pdf")) + \
        sorted((ROOT / "tests" / "historical").glob("*.txt"))
    assert len(letters) > 100
    checked = named = 0
    for path in letters:
        text = normalize(letter_text(path.read_bytes(), str(path)))
        for s, e in sentences(text, 0, len(text)):
            for piece in [text[s:e]] + clauses(text[s:e], PATTERNS):
                low = ascii_lower(piece)
                expected = PATTERNS.any_topic.search(piece, low) is not None
                assert PATTERNS.names_a_topic(low) == expected, piece
                checked += 1
                named += expected
    assert checked > 10_000 and 0 < named < checked
