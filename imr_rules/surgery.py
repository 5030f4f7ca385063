"""Services requested with a surgery follow this draft's determination of the surgery.

Reviewers decide the services requested with a surgery (pre-op tests, a
sling, cold therapy, post-op therapy and medications) by the surgery: "As the
requested surgical intervention is not medically necessary, the associated
services are not medically necessary". The rules of those services read
``associated_surgery_certified``. A letter states it only as the reviewer's
verdict on another item, which is never read (conclusion-blind), so the
evaluator supplies it from its OWN draft of the surgery item in the same case:

1. The items of a surgery category (``surgery``, or an id ending in
   ``_surgery``: see rules/items.yaml) are decided first.
2. Every other item whose facts say it goes with a surgery
   (``requested_with_surgery`` or ``postoperative_request`` true, read from its
   name) and that does not state ``associated_surgery_certified`` itself gets
   it from those drafts: the surgeries of its own body region when some share
   it ("Post-op physical therapy for the right knee"), else every surgery item
   of the case (a region such as the chest of a "pre-op chest x-ray" is not
   the surgery's); true when all of them are drafted medically necessary,
   false when all are drafted not medically necessary, left unknown otherwise
   (a surgery undecided, or drafts that disagree).
3. The item's decision carries a :class:`SurgeryLink`, and its rationale names
   the surgery item the fact came from.

A case without a surgery item costs one look at its items' categories.
"""

from __future__ import annotations

from typing import NamedTuple

from .model import MEDICALLY_NECESSARY, NOT_MEDICALLY_NECESSARY, RuleBase

#: The fact the services' rules read, and the facts that say an item goes with a surgery.
FACT = "associated_surgery_certified"
ASSOCIATION_FACTS = ("requested_with_surgery", "postoperative_request")

_VALUE = {MEDICALLY_NECESSARY: True, NOT_MEDICALLY_NECESSARY: False}


class SurgeryLink(NamedTuple):
    """Where an item's ``associated_surgery_certified`` came from: the surgery items
    (id, name) of the case whose drafts gave it, and the determination they share."""

    surgeries: tuple[tuple[str, str], ...]
    determination: str
    value: bool


def surgery_categories(rb: RuleBase) -> frozenset[str]:
    """The rule base's surgery categories; none when its catalog lacks the fact."""
    if FACT not in rb.facts:
        return frozenset()
    return frozenset(c.id for c in rb.items.categories if c.id == "surgery" or c.id.endswith("_surgery"))


def is_associated(facts: dict) -> bool:
    """Whether an item goes with a surgery and leaves the surgery's certification to the drafts."""
    return FACT not in facts and any(facts.get(f) is True for f in ASSOCIATION_FACTS)


def link(region: str, drafts: list[tuple[str, str, str, str]]) -> SurgeryLink | None:
    """The link of an associated item of body ``region`` to the surgery ``drafts`` of its
    case, each (item id, item name, body region, determination), in item order; None
    when the drafts give no value."""
    same_region = [d for d in drafts if d[2] == region]
    if same_region:
        drafts = same_region
    determinations = {d[3] for d in drafts}
    if len(determinations) != 1:
        return None
    determination = determinations.pop()
    value = _VALUE.get(determination)
    if value is None:
        return None
    return SurgeryLink(tuple((d[0], d[1]) for d in drafts), determination, value)
