"""The reviewer's pages without a browser: forms, answers, provenance, exports, escaping."""

from __future__ import annotations

import html
import json
import re

import pytest
import yaml

pytest.importorskip("starlette", reason="the serve extra is installed by make test")

from starlette.testclient import TestClient  # noqa: E402

from conftest import HISTORICAL  # noqa: E402
from imr_rules.letters import normalize  # noqa: E402
from imr_rules.loader import load_rulebase  # noqa: E402
from imr_rules.serve import create_app  # noqa: E402
from imr_rules.serve.reviews import highlights, with_answers  # noqa: E402
from serve_common import AQUATIC, typed_rule_base  # noqa: E402

BASE = "http://127.0.0.1"
SEED1 = HISTORICAL / "001_f0193407169a11a4.txt"
XSS = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>', "</textarea><b>bold</b>",
       "' onmouseover='alert(1)", "<!--", "]]><svg onload=alert(1)>"]


@pytest.fixture(scope="module")
def typed(tmp_path_factory):
    return typed_rule_base(tmp_path_factory.mktemp("typed"))


@pytest.fixture(scope="module")
def client(typed):
    with TestClient(create_app(load_rulebase(*typed)), base_url=BASE) as c:
        yield c


def start(client, **fields) -> str:
    response = client.post("/reviews", data=fields, follow_redirects=False)
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    assert location.startswith("/review/")      # a path: right behind a proxy too
    return location


def determinations(page: str) -> list[str]:
    return re.findall(r'data-testid="determination">([^<]+)<', page)


def test_start_page_has_a_label_for_every_field(client):
    page = client.get("/").text
    ids = set(re.findall(r'<(?:input|textarea|select)[^>]* id="([^"]+)"', page))
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids and ids <= labelled


def test_typed_items_start_a_review_and_an_answer_changes_the_draft_without_losing_others(client):
    review = start(client, items=f"{AQUATIC}\nHome exercise kit", age="44", ur_decision="non_certified")
    page = client.get(review).text
    assert determinations(page) == ["Insufficient information", "Insufficient information"]
    # One answer at a time, as a reviewer fills the form (the form posts every field).
    answers = {"a::item-1::fixture_home_exercise_weeks": "8", "a::item-1::fixture_supervision": "trainer"}
    client.post(f"{review}/answers", data=answers)
    page = client.get(review).text
    assert determinations(page)[0] == "Insufficient information"       # the date is still open
    assert 'name="a::item-1::fixture_progress_note_date"' in page
    assert 'name="a::item-1::fixture_home_exercise_weeks"' in page     # now on record, still editable
    client.post(f"{review}/answers", data={"a::item-1::fixture_progress_note_date": "2015-02-01"})
    page = client.get(review).text
    assert determinations(page) == ["Medically necessary", "Insufficient information"]
    assert page.count("answered by reviewer") == 3
    # Changing one answer keeps the others.
    client.post(f"{review}/answers", data={"a::item-1::fixture_home_exercise_weeks": "3"})
    yaml_case = yaml.safe_load(client.get(f"{review}/case.yaml").text)
    facts = yaml_case["items"][0]["facts"]
    assert facts == {"fixture_home_exercise_weeks": 3, "fixture_supervision": "trainer",
                     "fixture_progress_note_date": "2015-02-01"}
    assert determinations(client.get(review).text)[0] == "Not medically necessary"


def test_unknown_answer_removes_the_fact_and_bad_answers_are_listed(client):
    review = start(client, items=AQUATIC)
    client.post(f"{review}/answers", data={"a::item-1::fixture_supervision": "none"})
    assert determinations(client.get(review).text) == ["Not medically necessary"]
    client.post(f"{review}/answers", data={"a::item-1::fixture_supervision": ""})
    assert determinations(client.get(review).text) == ["Insufficient information"]
    bad = client.post(f"{review}/answers", data={"a::item-1::fixture_home_exercise_weeks": "several",
                                                 "a::item-1::fixture_progress_note_date": "last May",
                                                 "a::item-9::goals_documented": "yes"})
    assert bad.status_code == 422
    assert "must be a number" in bad.text and "must be a date" in bad.text and "reload the review page" in bad.text
    assert 'role="alert"' in bad.text


def test_start_form_errors_keep_what_was_typed(client):
    response = client.post("/reviews", data={"items": "", "age": "forty"})
    assert response.status_code == 422 and "no requested items" in response.text
    response = client.post("/reviews", data={"items": "Gym membership", "age": "forty", "case_id": "mine"})
    assert response.status_code == 422 and "age must be a whole number" in response.text
    assert 'value="mine"' in response.text and ">Gym membership</textarea>" in response.text
    response = client.post("/reviews", data={"items": "Gym membership", "date_of_injury": "2014-02-30"})
    assert response.status_code == 422


def test_every_request_value_is_escaped_on_every_page(client):
    """Script and markup typed into every text field come back as text, never as markup."""
    for payload in XSS:
        fields = {"items": f"Home exercise kit {payload}\n{payload}", "case_id": payload,
                  "diagnoses": payload, "age": "", "sex": "", "ur_decision": "non_certified"}
        review = start(client, **fields)
        for url in (review, f"{review}/letter.html"):
            page = client.get(url).text
            assert payload not in page, (payload, url)
            assert payload in html.unescape(page), (payload, url)       # shown, as text
        # A bad value in any field shows the form again with what was typed: still escaped.
        for field in ("age", "date_of_injury", "request_date", "sex", "ur_decision"):
            again = client.post("/reviews", data={**fields, field: payload})
            assert again.status_code == 422 and payload not in again.text, field
        # Answers are checked against the fact's type before they are shown anywhere.
        bad = client.post(f"{review}/answers", data={"a::item-1::goals_documented": payload})
        assert bad.status_code == 422 and payload not in bad.text


def test_template_syntax_in_a_request_is_shown_as_typed(client):
    review = start(client, items="Gym {{ 7*7 }} {% if 1 %}x{% endif %}", case_id="{{ 7*7 }}")
    page = client.get(review).text
    assert "Gym {{ 7*7 }} {% if 1 %}x{% endif %}" in page and "Review <span class=\"case-id\">{{ 7*7 }}" in page
    assert "Gym 49" not in page and 'case-id">49' not in page


def test_uploaded_file_names_and_case_files_are_escaped(client):
    payload = XSS[1]
    case = {"case_id": payload, "diagnoses": [payload], "items": [{"id": payload, "name": payload}]}
    response = client.post("/reviews/upload", files={"file": ("case.json", json.dumps(case).encode())})
    page = response.text
    assert response.status_code == 200 and payload not in page
    letter = client.post("/reviews/upload", files={"file": (f"{payload}.txt", SEED1.read_bytes())})
    assert letter.status_code == 200 and payload not in letter.text


def test_letter_upload_highlights_each_fact_where_the_letter_states_it(client):
    response = client.post("/reviews/upload", files={"file": (SEED1.name, SEED1.read_bytes())})
    assert response.status_code == 200
    page = response.text
    case = client.get(response.url.path + "/case.yaml").text
    evidence = yaml.safe_load(case)["evidence"]
    text = normalize(SEED1.read_text())
    marks = re.findall(r'<mark id="ev-(\d+)" data-facts="([^"]+)"[^>]*>([^<]*)</mark>', page)
    assert marks
    marked = {(int(start), html.unescape(quote)) for start, _facts, quote in marks}
    for fact, found in evidence.items():
        assert text[found["start"]:found["end"]] == found["quote"]
        assert (found["start"], found["quote"]) in marked, fact
        assert f'from letter, characters {found["start"]}-{found["end"]}' in page
    facts_marked = {f for _s, facts, _q in marks for f in facts.split()}
    assert facts_marked == set(evidence)
    # The whole letter is shown, in order, marks included.
    shown = html.unescape(re.sub(r"</?mark[^>]*>", "", page.split('<pre class="letter" tabindex="0">')[1].split("</pre>")[0]))
    assert shown == text


def test_a_case_file_upload_starts_a_review(client):
    case = (HISTORICAL / "dev-02-gym-and-aquatic.yaml").read_bytes()
    response = client.post("/reviews/upload", files={"file": ("dev-02.yaml", case)})
    assert response.status_code == 200
    assert "Gym" in response.text and "stated in the case" not in response.text.split("<h1")[0]
    bad = client.post("/reviews/upload", files={"file": ("case.yaml", b"case_id: x\nitems: []\n")})
    assert bad.status_code == 422 and "case.yaml:2" in bad.text
    other = client.post("/reviews/upload", files={"file": ("notes.docx", b"x")})
    assert other.status_code == 422 and "upload a letter" in other.text


def test_exports_are_drafts_with_the_fingerprint_and_evaluate_to_the_page(client, typed, cli, tmp_path):
    review = start(client, items=f"{AQUATIC}\n1 LUMBAR REHABILITATION KIT", case_id="exp-1", ur_decision="non_certified")
    client.post(f"{review}/answers", data={"a::item-1::fixture_supervision": "none",
                                           "a::item-2::goals_documented": "no"})
    fingerprint = load_rulebase(*typed).fingerprint
    result = client.get(f"{review}/result.json")
    assert result.headers["content-disposition"] == 'attachment; filename="exp-1-draft.json"'
    data = result.json()
    assert data["ruleset"]["fingerprint"] == fingerprint
    assert all(i["status"] == "draft" and i["review_note"] for i in data["items"])
    # The case file is what the page decided on: the CLI gives the same JSON from it.
    case_file = tmp_path / "exp-1.yaml"
    case_file.write_text(client.get(f"{review}/case.yaml").text)
    assert "DRAFT" in case_file.read_text() and fingerprint in case_file.read_text()
    rules, guidelines = typed
    printed = cli("evaluate", case_file, "--format", "json", "--rules", rules, "--guidelines", guidelines)
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout) == data
    loaded = yaml.safe_load(case_file.read_text())
    assert loaded["items"][0]["evidence"]["fixture_supervision"] == {"value": "none", "source": "reviewer"}
    markdown = client.get(f"{review}/letter.md").text
    assert markdown.startswith("# Draft decision support")
    assert fingerprint in markdown and "Labor Code section 4610" in markdown
    assert "`fixture_supervision` = none (answered by reviewer)" in markdown
    letter = client.get(f"{review}/letter.html").text
    assert "DRAFT DECISION SUPPORT - NOT A FINAL DETERMINATION" in letter and fingerprint in letter
    assert "IMR ISSUES, DECISIONS AND RATIONALES (DRAFT)" in letter
    for item in data["items"]:
        assert item["rationale"] in html.unescape(letter) and item["review_note"] in html.unescape(letter)
    assert client.get(f"{review}/nothing.txt").status_code == 404


def test_a_review_not_on_the_server_is_a_page_saying_so(client):
    response = client.get("/review/not-a-review")
    assert response.status_code == 404 and "Start it again" in response.text
    assert response.headers["content-type"].startswith("text/html")


def test_the_page_has_no_inline_script_or_style(client):
    review = start(client, items="Home exercise kit")
    for url in ("/", review, f"{review}/letter.html", "/login"):
        page = client.get(url).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), url
        assert " style=" not in page and "<style" not in page, url
        assert not re.search(r"\son[a-z]+=", page), url


def test_an_answer_for_one_item_leaves_a_shared_case_fact_to_the_others():
    base = {"case_id": "x", "items": [{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            "facts": {"goals_documented": False}, "evidence": {"goals_documented": {"value": False, "quote": "q",
                                                                                   "start": 1, "end": 2}}}
    case = with_answers(base, {"a": {"goals_documented": None}})
    assert "facts" not in case and "evidence" not in case
    assert "facts" not in case["items"][0]
    assert case["items"][1]["facts"] == {"goals_documented": False}
    assert case["items"][1]["evidence"]["goals_documented"]["quote"] == "q"
    assert base["facts"] == {"goals_documented": False}       # the review's start is untouched


def test_highlights_mark_only_quotes_that_match_and_merge_overlaps():
    text = "abcdefghij"
    case = {"evidence": {"f1": {"quote": "cde", "start": 2, "end": 5}, "f2": {"quote": "def", "start": 3, "end": 6},
                         "f3": {"quote": "zzz", "start": 7, "end": 10}},
            "items": [{"evidence": {"f4": {"quote": "ab", "start": 0, "end": 2}}}]}
    assert highlights(case, text) == [(0, "ab", ["f4"]), (2, "cdef", ["f1", "f2"]), (6, "ghij", None)]
