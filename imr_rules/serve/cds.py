"""CDS Hooks (https://cds-hooks.hl7.org/2.0/): discovery and an ``order-sign`` service.

The EHR sends the draft orders of a request (a FHIR Bundle in
``context.draftOrders``); each order becomes a requested item, named by its
code's text. The answer is one card per item: the draft determination as
summary, an indicator, the rationale in Markdown as detail, the deciding
guideline as source, and a link to the review page where the reviewer
answers the open questions.
"""

from __future__ import annotations

import html

from ..errors import InputError
from ..rationale import DETERMINATION_LABEL
from ..render import basis_sentence

SERVICE_ID = "imr-rules-order-sign"
WHERE = "CDS Hooks request"
SUMMARY_MAX = 139            # CDS Hooks: "<140 characters"
#: Fields that name what an order asks for, per FHIR resource type.
_CODE_FIELD = {"ServiceRequest": "code", "DeviceRequest": "codeCodeableConcept",
               "MedicationRequest": "medicationCodeableConcept", "NutritionOrder": "oralDiet",
               "VisionPrescription": "lensSpecification"}
_INDICATOR = {"medically_necessary": "info", "not_medically_necessary": "warning",
              "insufficient_information": "warning", "not_addressed": "info"}


def discovery() -> dict:
    return {"services": [{
        "hook": "order-sign",
        "id": SERVICE_ID,
        "title": "imr-rules: draft medical-necessity pre-screening",
        "description": ("Drafts a decision per requested item against MTUS/ODG guideline rules, with the "
                        "guideline text, the findings and the documentation still missing. Drafts only: a "
                        "denial needs a physician reviewer (Labor Code section 4610)."),
        "usageRequirements": "Send the draft orders in context.draftOrders; no prefetch is used.",
    }]}


def case_from_request(body) -> dict:
    """The case dict of an ``order-sign`` request: one item per draft order."""
    if not isinstance(body, dict):
        raise InputError("the request must be a JSON object", WHERE, hint="see the CDS Hooks order-sign request")
    if body.get("hook") != "order-sign":
        raise InputError(f"this service answers the order-sign hook, not {body.get('hook')!r}", f"{WHERE} hook",
                         hint='send "hook": "order-sign"')
    context = body.get("context")
    orders = context.get("draftOrders") if isinstance(context, dict) else None
    entries = orders.get("entry") if isinstance(orders, dict) else None
    if not isinstance(entries, list) or not entries:
        raise InputError("context.draftOrders has no orders", f"{WHERE} context.draftOrders",
                         hint="send the draft orders as a FHIR Bundle with one entry per order")
    items = []
    for n, entry in enumerate(entries, 1):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        where = f"{WHERE} context.draftOrders.entry[{n - 1}]"
        name = _order_name(resource, where)
        given = resource.get("id")
        item_id = given if isinstance(given, str) and given.strip() else f"item-{n}"
        items.append({"id": item_id[:100], "name": name})
    hook_instance = body.get("hookInstance")
    case_id = hook_instance if isinstance(hook_instance, str) and hook_instance.strip() else "order-sign"
    return {"case_id": case_id[:200], "items": items}


def _order_name(resource, where: str) -> str:
    if not isinstance(resource, dict):
        raise InputError("an entry has no resource", where, hint="each entry needs a FHIR order resource")
    kind = resource.get("resourceType")
    field = _CODE_FIELD.get(kind) if isinstance(kind, str) else None
    concept = resource.get(field) if field else None
    if isinstance(concept, list):          # VisionPrescription.lensSpecification and the like
        concept = concept[0] if concept else None
    name = None
    if isinstance(concept, dict):
        name = concept.get("text")
        for coding in concept.get("coding") or []:
            if not name and isinstance(coding, dict):
                name = coding.get("display") or coding.get("code")
    if not isinstance(name, str) or not name.strip():
        raise InputError(f"cannot tell what this {kind if isinstance(kind, str) else 'resource'} orders", where,
                         hint="give the order a code with text or a coding display "
                              "(ServiceRequest.code, DeviceRequest.codeCodeableConcept, "
                              "MedicationRequest.medicationCodeableConcept)")
    return name.strip()[:500]


def cards(result: dict, review_url: str) -> dict:
    """One card per item of a draft, each linking to the review page."""
    out = []
    for item in result["items"]:
        label = DETERMINATION_LABEL[item["determination"]]
        summary = f"Draft: {label.lower()}: {item['name']}"
        if len(summary) > SUMMARY_MAX:
            summary = summary[:SUMMARY_MAX - 1] + "…"
        basis = item["basis"]
        source = {"label": f"{basis['guideline']}, {basis['section']}" if basis
                  else "imr-rules: no guideline of the rule base decides this item"}
        out.append({
            "summary": summary,
            "indicator": _INDICATOR[item["determination"]],
            "detail": detail_markdown(item),
            "source": source,
            "links": [{"label": "Open the draft review", "url": review_url, "type": "absolute"}],
        })
    return {"cards": out}


def detail_markdown(item: dict) -> str:
    """The card's detail. Markup characters are escaped: the item's name came from the request,
    and an EHR renders the Markdown (CommonMark shows the entities as the characters)."""
    lines = [f"**{DETERMINATION_LABEL[item['determination']]}** (draft)", "",
             basis_sentence(item["basis"]), "", item["rationale"]]
    if item["documentation_gaps"]:
        lines += ["", "Documentation still missing:"]
        lines += [f"- {g['question']}" for g in item["documentation_gaps"]]
    lines += ["", f"*{item['review_note']}*"]
    return html.escape("\n".join(lines), quote=False)
