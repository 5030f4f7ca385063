"""FHIR R4 Questionnaire / QuestionnaireResponse and the CDS Hooks order-sign service."""

from __future__ import annotations

import pytest

pytest.importorskip("starlette", reason="the serve extra is installed by make test")

from starlette.testclient import TestClient  # noqa: E402

from imr_rules.loader import load_rulebase  # noqa: E402
from imr_rules.serve import create_app  # noqa: E402
from serve_common import AQUATIC, typed_rule_base  # noqa: E402

BASE = "http://127.0.0.1"


@pytest.fixture(scope="module")
def typed_rb(tmp_path_factory):
    rules, guidelines = typed_rule_base(tmp_path_factory.mktemp("typed"))
    return load_rulebase(rules, guidelines)


@pytest.fixture(scope="module")
def client(typed_rb):
    with TestClient(create_app(typed_rb), base_url=BASE) as c:
        yield c


CASE = {"case_id": "fhir-1", "ur_decision": "non_certified",
        "items": [{"id": "kit", "name": "Home exercise kit"}, {"id": "pool", "name": AQUATIC},
                  {"id": "gym", "name": "Gym membership", "facts": {"exercise_contraindicated": True}}]}


# Required code bindings of FHIR R4 (hl7.org/fhir/R4/valueset-*.html): neither library checks codes.
PUBLICATION_STATUS = {"draft", "active", "retired", "unknown"}
ITEM_TYPES = {"group", "display", "boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text",
              "url", "choice", "open-choice", "attachment", "reference", "quantity"}
RESPONSE_STATUS = {"in-progress", "completed", "amended", "entered-in-error", "stopped"}


def _items(entries):
    for entry in entries or []:
        yield entry
        yield from _items(entry.get("item"))


def validate_r4(resource: dict):
    """Both FHIR libraries accept the resource: fhirclient's FHIR 4.0.1 models (strict: types, required
    elements, no unknown elements) and fhir.resources' R4B pydantic models (value formats); and its codes
    are in R4's required value sets."""
    from fhir.resources.R4B import get_fhir_model_class
    from fhirclient.models import questionnaire, questionnaireresponse
    kind = resource["resourceType"]
    model = {"Questionnaire": questionnaire.Questionnaire,
             "QuestionnaireResponse": questionnaireresponse.QuestionnaireResponse}[kind]
    model(resource, strict=True)
    parsed = get_fhir_model_class(kind).model_validate(resource)
    if kind == "Questionnaire":
        assert resource["status"] in PUBLICATION_STATUS, resource["status"]
        for entry in _items(resource["item"]):
            assert entry["type"] in ITEM_TYPES, entry["type"]
            assert entry["type"] != "group" or entry.get("item"), "a group needs items"
    else:
        assert resource["status"] in RESPONSE_STATUS, resource["status"]
    return parsed


def test_questionnaire_is_valid_fhir_with_a_typed_question_per_open_fact(client, typed_rb):
    response = client.post("/v1/fhir/questionnaire", json=CASE)
    assert response.status_code == 200, response.text
    q = response.json()
    parsed = validate_r4(q)
    assert parsed.version == typed_rb.fingerprint
    groups = {g["linkId"]: g for g in q["item"]}
    assert list(groups) == ["kit", "pool", "gym"]
    drafts = client.post("/v1/evaluate", json=CASE).json()["items"]
    for item, (link, group) in zip(drafts, groups.items()):
        asked = [g["fact"] for g in item["documentation_gaps"]]
        questions = group.get("item", [])
        assert [x["linkId"] for x in questions] == [f"{link}/{f}" for f in asked]
        assert [x["text"].split(" (")[0] for x in questions] == [typed_rb.facts[f].question.split(" (")[0] for f in asked]
    types = {x["linkId"].split("/")[1]: x for x in groups["pool"]["item"]}
    assert types["fixture_home_exercise_weeks"]["type"] == "decimal"
    assert types["fixture_home_exercise_weeks"]["text"].endswith("(weeks)")
    assert types["fixture_progress_note_date"]["type"] == "date"
    assert types["fixture_supervision"]["type"] == "choice"
    assert [o["valueCoding"]["code"] for o in types["fixture_supervision"]["answerOption"]] == \
        ["none", "physical_therapist", "trainer"]
    assert {x["type"] for x in groups["kit"]["item"]} == {"boolean"}
    # The gym is decided (contraindicated, MTUS first) and nothing could change it: no questions.
    assert groups["gym"]["type"] == "display"


def test_questionnaire_of_one_item_and_of_an_unknown_item(client):
    one = client.post("/v1/fhir/questionnaire?item=pool", json=CASE).json()
    validate_r4(one)
    assert [g["linkId"] for g in one["item"]] == ["pool"]
    missing = client.post("/v1/fhir/questionnaire?item=nope", json=CASE)
    assert missing.status_code == 422 and missing.json()["hint"].startswith("items: kit, pool, gym")


def qr(answers: list[tuple[str, dict]]) -> dict:
    return {"resourceType": "QuestionnaireResponse", "status": "completed",
            "questionnaire": "urn:imr-rules:questionnaire:fhir-1",
            "item": [{"linkId": group, "item": [{"linkId": f"{group}/{fact}", "answer": [answer]}
                                                  for g, (fact, answer) in answers if g == group]}
                     for group in dict.fromkeys(g for g, _ in answers)]}


def test_questionnaire_response_answers_change_the_drafts(client):
    response = qr([("pool", ("fixture_home_exercise_weeks", {"valueDecimal": 8})),
                   ("pool", ("fixture_supervision", {"valueCoding": {"code": "physical_therapist"}})),
                   ("pool", ("fixture_progress_note_date", {"valueDate": "2014-06-01"})),
                   ("kit", ("goals_documented", {"valueBoolean": False}))])
    validate_r4(response)
    before = client.post("/v1/evaluate", json=CASE).json()["items"]
    answered = client.post("/v1/fhir/questionnaire-response", json={"case": CASE, "response": response})
    assert answered.status_code == 200, answered.text
    body = answered.json()
    after = {i["item_id"]: i for i in body["result"]["items"]}
    assert [i["determination"] for i in before] == ["insufficient_information", "insufficient_information",
                                                    "not_medically_necessary"]
    assert after["pool"]["determination"] == "medically_necessary"
    assert after["pool"]["deciding_rules"] == ["fixture-aquatic-criteria-met"]
    assert after["kit"]["determination"] == "not_medically_necessary"
    case_items = {i["id"]: i for i in body["case"]["items"]}
    assert case_items["pool"]["facts"] == {"fixture_home_exercise_weeks": 8, "fixture_supervision": "physical_therapist",
                                           "fixture_progress_note_date": "2014-06-01"}
    assert case_items["pool"]["evidence"]["fixture_supervision"] == {"value": "physical_therapist", "source": "reviewer"}
    # The returned case is a valid case file giving the same result.
    again = client.post("/v1/evaluate", json=body["case"]).json()
    assert again == body["result"]


@pytest.mark.parametrize("answer, message", [
    ({"valueBoolean": "yes"}, "must be true or false"),
    ({"valueDate": "June 1"}, "not a date"),
    ({"valueQuantity": {"value": 3}}, "no value[x] this service reads"),
])
def test_questionnaire_response_with_wrong_answers_is_a_problem(client, answer, message):
    response = qr([("kit", ("goals_documented", answer))])
    got = client.post("/v1/fhir/questionnaire-response", json={"case": CASE, "response": response})
    assert got.status_code == 422
    assert message in got.json()["detail"]
    assert got.json()["errors"][0]["where"] == "QuestionnaireResponse item kit/goals_documented"


def test_questionnaire_response_naming_unknown_items_or_facts_is_a_problem(client):
    for link in ("nope/goals_documented", "kit/no_such_fact"):
        item, fact = link.split("/")
        got = client.post("/v1/fhir/questionnaire-response",
                          json={"case": CASE, "response": qr([(item, (fact, {"valueBoolean": True}))])})
        assert got.status_code == 422, link
    bad = client.post("/v1/fhir/questionnaire-response", json={"case": CASE, "response": {"resourceType": "Patient",
                                                                                        "status": "completed"}})
    assert bad.status_code == 422 and bad.json()["detail"].startswith("response/resourceType: 'QuestionnaireResponse'")
    assert bad.json()["hint"] == "see components/schemas/QuestionnaireResponseRequest in /openapi.json"


ORDER_SIGN = {
    "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea", "hook": "order-sign",
    "context": {"userId": "Practitioner/example", "patientId": "example", "draftOrders": {
        "resourceType": "Bundle", "type": "collection", "entry": [
            {"resource": {"resourceType": "DeviceRequest", "id": "dr-1", "status": "draft", "intent": "original-order",
                          "codeCodeableConcept": {"text": "1 LUMBAR REHABILITATION KIT"},
                          "subject": {"reference": "Patient/example"}}},
            {"resource": {"resourceType": "ServiceRequest", "id": "sr-1", "status": "draft", "intent": "order",
                          "code": {"coding": [{"system": "http://example.org", "code": "gym",
                                               "display": "Gym membership x 12 months " + "with pool access " * 8}]},
                          "subject": {"reference": "Patient/example"}}},
            {"resource": {"resourceType": "MedicationRequest", "status": "draft", "intent": "order",
                          "medicationCodeableConcept": {"text": "Tramadol 50mg #60"},
                          "subject": {"reference": "Patient/example"}}}]}}}


def test_cds_discovery_lists_the_order_sign_service(client):
    services = client.get("/cds-services").json()["services"]
    assert [(s["hook"], s["id"]) for s in services] == [("order-sign", "imr-rules-order-sign")]
    assert all(s["description"] for s in services)


def test_order_sign_returns_one_card_per_order_with_a_link_to_its_review(client):
    response = client.post("/cds-services/imr-rules-order-sign", json=ORDER_SIGN)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert len(cards) == 3
    case = {"case_id": ORDER_SIGN["hookInstance"], "items": [
        {"id": "dr-1", "name": "1 LUMBAR REHABILITATION KIT"},
        {"id": "sr-1", "name": ORDER_SIGN["context"]["draftOrders"]["entry"][1]["resource"]["code"]["coding"][0]["display"]},
        {"id": "item-3", "name": "Tramadol 50mg #60"}]}
    drafts = client.post("/v1/evaluate", json=case).json()["items"]
    for card, item in zip(cards, drafts):
        assert len(card["summary"]) < 140
        assert card["indicator"] in ("info", "warning", "critical")
        assert card["detail"].startswith("**") and item["rationale"] in card["detail"]
        assert item["review_note"] in card["detail"]
        for gap in item["documentation_gaps"]:
            assert gap["question"] in card["detail"]
        assert card["source"]["label"]
    assert cards[0]["summary"] == "Draft: insufficient information: 1 LUMBAR REHABILITATION KIT"
    assert cards[1]["summary"].endswith("…")
    assert cards[2]["source"]["label"].startswith("imr-rules: no guideline")
    links = {c["links"][0]["url"] for c in cards}
    assert len(links) == 1
    page = client.get(links.pop())
    assert page.status_code == 200 and "1 LUMBAR REHABILITATION KIT" in page.text and "Tramadol 50mg #60" in page.text


def test_markup_in_an_order_is_escaped_in_the_card_detail(client):
    payload = '<img src=x onerror="alert(1)">'
    body = {**ORDER_SIGN, "context": {**ORDER_SIGN["context"], "draftOrders": {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "ServiceRequest", "code": {"text": f"Home exercise kit {payload}"}}}]}}}
    card = client.post("/cds-services/imr-rules-order-sign", json=body).json()["cards"][0]
    assert "<img" not in card["detail"] and "&lt;img src=x" in card["detail"]


def test_order_sign_errors(client):
    assert client.post("/cds-services/other", json=ORDER_SIGN).status_code == 404
    assert client.post("/cds-services/imr-rules-order-sign", json={**ORDER_SIGN, "hook": "patient-view"}).status_code == 422
    context = {"userId": "Practitioner/1", "patientId": "1"}
    empty = {**ORDER_SIGN, "context": {**context, "draftOrders": {"resourceType": "Bundle", "entry": []}}}
    got = client.post("/cds-services/imr-rules-order-sign", json=empty)
    assert got.status_code == 422 and got.json()["detail"].startswith("context/draftOrders/entry: [] should be non-empty")
    nameless = {**ORDER_SIGN, "context": {**context, "draftOrders": {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "ServiceRequest", "code": {}}}]}}}
    got = client.post("/cds-services/imr-rules-order-sign", json=nameless)
    assert got.status_code == 422 and "ServiceRequest.code" in got.json()["hint"]


def test_the_fhir_validators_do_refuse_broken_resources(client):
    """The checks above mean something: a wrong type or an unknown element is refused."""
    q = client.post("/v1/fhir/questionnaire", json=CASE).json()
    for broken in ({**q, "status": "finished"}, {**q, "item": [{"linkId": "x", "type": "yes-no"}]},
                   {**q, "questions": []}, {**q, "item": {"linkId": "x"}}, {**q, "version": 5},
                   {**q, "item": [{"type": "boolean", "text": "no linkId"}]}):
        with pytest.raises(Exception):
            validate_r4(broken)
