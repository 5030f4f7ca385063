"""The reviewer's page in a real headless Chromium (Playwright driving Debian's chromium).

Each test does what a reviewer does and saves a screenshot of each step under
tests/artifacts/ (ignored by git). `make test` installs Debian's chromium when
it is missing; Playwright never downloads a browser here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("playwright", reason="the test-serve extra is installed by make test")
pytest.importorskip("starlette", reason="the serve extra is installed by make test")

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from conftest import HISTORICAL  # noqa: E402
from imr_rules.letters import normalize  # noqa: E402
from imr_rules.loader import load_rulebase  # noqa: E402
from imr_rules.serve import create_app  # noqa: E402
from imr_rules.serve.security import loopback_hosts  # noqa: E402
from serve_common import AQUATIC, ARTIFACTS, CHROMIUM, ROOT, live_server, typed_rule_base  # noqa: E402

SEED1 = HISTORICAL / "001_f0193407169a11a4.txt"
PDF = HISTORICAL / "real" / "CM16-0228949.pdf"       # a published letter (PDF) whose findings give facts
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
# Collects Content-Security-Policy violations and errors a page reports (added by the browser, not the page).
WATCH = """
window.__problems = [];
document.addEventListener('securitypolicyviolation', e => window.__problems.push('csp ' + e.violatedDirective));
window.addEventListener('error', e => window.__problems.push('error ' + e.message));
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    rules, guidelines = typed_rule_base(tmp_path_factory.mktemp("typed"))
    app = create_app(load_rulebase(rules, guidelines), allowed_hosts=loopback_hosts("127.0.0.1"))
    with live_server(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server, request):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
    context.add_init_script(WATCH)
    page = context.new_page()
    page.set_default_timeout(15000)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.base = server
    page.step = 0
    page.test_name = request.node.name
    yield page
    problems = page.evaluate("window.__problems || []") if not page.is_closed() else []
    context.close()
    assert problems == [], problems
    assert dialogs == []


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.step += 1
    page.screenshot(path=str(ARTIFACTS / f"{page.test_name}-{page.step:02d}-{name}.png"), full_page=True)


def wired(page) -> None:
    """Wait until the page's script has wired the answer form (it loads deferred, after the HTML)."""
    expect(page.locator("form#answers")).to_have_attribute("data-wired", "1")


def draft(page, n: int):
    return page.locator(f"#item-{n} [data-testid=determination]")


def test_start_from_items_answer_and_see_the_determinations_change(page):
    page.goto(page.base + "/")
    expect(page).to_have_title(re.compile("Start a review"))
    page.get_by_label("Requested items, one per line").fill(f"{AQUATIC}\n1 LUMBAR REHABILITATION KIT")
    page.get_by_label("Age (years)").fill("52")
    page.get_by_label("Utilization review decision").select_option("non_certified")
    shot(page, "start-typed")
    page.get_by_role("button", name="Draft the decisions").click()
    expect(draft(page, 1)).to_have_text("Insufficient information")
    expect(draft(page, 2)).to_have_text("Insufficient information")
    wired(page)
    shot(page, "drafts")

    # The questionnaire asks each fact in its type: a number, a choice, a date.
    item = page.locator("#item-1")
    weeks = item.get_by_label(re.compile("For how many weeks"))
    expect(weeks).to_have_attribute("type", "number")
    weeks.fill("8")
    weeks.press("Tab")
    expect(page.locator("#status")).to_have_text("Drafts updated.")
    item.get_by_label("Who will supervise the aquatic program?").select_option("physical_therapist")
    expect(item.get_by_label("Who will supervise the aquatic program?")).to_have_count(0)
    date = item.get_by_label(re.compile("date of the last progress note"))
    expect(date).to_have_attribute("type", "date")
    date.fill("2015-03-02")                         # a date input reports the change at once
    expect(draft(page, 1)).to_have_text("Medically necessary")
    shot(page, "aquatic-decided")
    # The answers stay, with their provenance, and can be changed.
    item.locator("details.facts summary").click()
    expect(item.locator(".provenance")).to_have_count(3)
    expect(item.locator(".provenance").first).to_contain_text("answered by reviewer")
    expect(item.locator("input[type=number]")).to_have_value("8")
    expect(draft(page, 2)).to_have_text("Insufficient information")      # the other item is untouched
    lumbar = page.locator("#item-2")
    lumbar.get_by_role("group", name=re.compile("measurable functional goals")).get_by_label("No", exact=True).check()
    expect(draft(page, 2)).to_have_text("Not medically necessary")
    expect(page.locator("#item-2 .outcome")).to_contain_text("Upheld")
    expect(draft(page, 1)).to_have_text("Medically necessary")
    shot(page, "lumbar-decided")


def test_keyboard_alone_answers_a_question(page):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")                      # the skip link comes first
    expect(page.locator(".skip")).to_be_focused()
    page.get_by_label("Requested items, one per line").fill("Home exercise kit (stability ball, resistance bands)")
    page.get_by_role("button", name="Draft the decisions").focus()
    page.keyboard.press("Enter")
    expect(draft(page, 1)).to_have_text("Insufficient information")
    wired(page)
    # Arrow keys answer a yes / no / unknown question; the draft updates and the
    # keyboard moves on to the next open question of the item.
    page.locator("#f-1-exercise_contraindicated-unknown").focus()
    page.keyboard.press("ArrowLeft")                # unknown -> no
    expect(page.locator("#status")).to_have_text("Drafts updated.")
    expect(page.locator("#f-1-equipment_need_documented-unknown")).to_be_focused()
    page.keyboard.press("ArrowLeft")                # unknown -> no
    expect(draft(page, 1)).to_have_text("Not medically necessary")
    # Nothing is left to ask about this item: the keyboard is on its heading.
    expect(page.locator("#item-1-name")).to_be_focused()
    # The answers are on record, in the folded facts, where Enter opens them.
    facts = page.locator("#item-1 details.facts summary")
    facts.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#f-1-exercise_contraindicated-no")).to_be_checked()
    expect(page.locator("#f-1-equipment_need_documented-no")).to_be_checked()
    shot(page, "keyboard")


@pytest.mark.parametrize("letter", [SEED1, PDF], ids=["text", "pdf"])
def test_upload_a_letter_and_see_its_evidence_highlighted(page, letter):
    from imr_rules.importing import letter_case_and_text
    # The server reads letters with a copy of the shipped rules (typed_rule_base): so does the expectation.
    case, text = letter_case_and_text(letter.read_bytes(), letter.name,
                                      load_rulebase(ROOT / "rules", ROOT / "guidelines"))
    text = normalize(text)
    evidence = {**case.get("evidence", {}), **{f: e for i in case["items"] for f, e in i.get("evidence", {}).items()}}
    assert evidence, "the letter's findings give facts"
    page.goto(page.base + "/")
    page.get_by_label(re.compile("A determination letter")).set_input_files(str(letter))
    page.get_by_role("button", name="Upload and draft").click()
    expect(page.locator("h1 .case-id")).to_have_text(case["case_id"])
    expect(page.locator("[data-testid=determination]")).to_have_count(len(case["items"]))
    # Every fact's sentence is marked in the letter's text, and only those.
    marks = page.locator("pre.letter mark")
    expect(marks.first).to_be_visible()
    assert sorted(marks.all_inner_texts()) == sorted({e["quote"] for e in evidence.values()})
    shot(page, "letter-drafts")
    # The provenance of a fact links to its sentence.
    item = page.locator("article.item", has=page.locator(".provenance a")).first
    item.locator("details.facts summary").click()
    link = item.locator(".provenance a").first
    expect(link).to_contain_text(re.compile(r"from letter, characters \d+-\d+"))
    start, end = map(int, re.search(r"(\d+)-(\d+)", link.inner_text()).groups())
    link.click()
    target = page.locator("mark:target")
    expect(target).to_be_in_viewport()
    assert target.inner_text() == text[start:end]
    shot(page, "letter-evidence")


def test_export_the_draft_letter(page, tmp_path):
    page.goto(page.base + "/")
    page.get_by_label(re.compile("A determination letter")).set_input_files(str(SEED1))
    page.get_by_role("button", name="Upload and draft").click()
    fingerprint = page.locator("code.fingerprint").inner_text()
    with page.expect_download() as markdown:
        page.get_by_role("link", name="Draft letter (Markdown)").click()
    saved = tmp_path / markdown.value.suggested_filename
    markdown.value.save_as(saved)
    assert saved.name == "001_f0193407169a11a4-draft.md"
    assert fingerprint in saved.read_text() and "Draft, not a final determination" in saved.read_text()
    page.get_by_role("link", name="Draft letter (print)").click()
    expect(page.locator(".draft-mark").first).to_have_text("DRAFT DECISION SUPPORT - NOT A FINAL DETERMINATION")
    expect(page.locator("h1")).to_have_text("IMR ISSUES, DECISIONS AND RATIONALES (DRAFT)")
    expect(page.locator(".letter-item h2")).to_have_count(3)
    expect(page.locator(".status-line").first).to_contain_text("Labor Code section 4610")
    shot(page, "letter-export")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = ARTIFACTS / f"{page.test_name}-letter.pdf"
    page.pdf(path=str(pdf), format="Letter")         # print-ready: Chromium prints it
    assert pdf.read_bytes()[:5] == b"%PDF-"


def test_script_and_markup_in_every_field_stay_inert(page):
    payload = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    page.goto(page.base + "/")
    page.get_by_label("Requested items, one per line").fill(f"Home exercise kit {payload}\n{payload}")
    page.get_by_label("Case or claim reference").fill(payload)
    page.get_by_label("Diagnoses, one per line").fill(payload)
    page.get_by_role("button", name="Draft the decisions").click()
    expect(page.locator("h1 .case-id")).to_have_text(payload)
    expect(page.locator("#item-2 h2")).to_have_text(payload)
    page.locator("#item-1 details").first.click()
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("main script").count() == 0
    # A refused form is shown again with what was typed: still inert.
    page.goto(page.base + "/")
    page.get_by_label("Requested items, one per line").fill("Gym membership")
    page.get_by_label("Age (years)").fill(payload[:3])
    page.get_by_label("Case or claim reference").fill(payload)
    page.get_by_role("button", name="Draft the decisions").click()
    expect(page.locator("[role=alert]")).to_contain_text("age must be a whole number")
    expect(page.get_by_label("Case or claim reference")).to_have_value(payload)
    assert page.locator("img[src=x]").count() == 0
    shot(page, "inert")


def test_every_control_is_labelled_and_text_has_contrast(page):
    page.goto(page.base + "/")
    # "Assistant surgeon": an item the rule base leaves not addressed on purpose (not_addressed).
    page.get_by_label("Requested items, one per line").fill(f"{AQUATIC}\nHome exercise kit\nGym membership\nAssistant surgeon")
    page.get_by_role("button", name="Draft the decisions").click()
    expect(page.locator("article.item")).to_have_count(4)
    for url in (page.base + "/", page.url):
        page.goto(url)
        unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map(el => el.outerHTML)""")
        assert unlabelled == [], unlabelled
        assert page.locator("main h1").count() == 1 and page.locator("header").count() == 1
        assert page.evaluate("document.documentElement.lang") == "en"
    # Contrast (WCAG AA, 4.5:1) of the determination badges, the body text and the muted text.
    ratios = page.evaluate("""() => {
        const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
        const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                           return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const bg = el => { for (; el; el = el.parentElement) { const c = getComputedStyle(el).backgroundColor;
                           if (!c.startsWith('rgba(0, 0, 0, 0)')) return rgb(c); } return [255, 255, 255]; };
        const ratio = el => { const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
                              return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); };
        return [...document.querySelectorAll('.det, p, legend, label, summary, a, .note, .meta')]
            .filter(el => el.offsetParent !== null).map(el => [el.className || el.tagName, ratio(el)]);
    }""")
    low = [(name, round(r, 2)) for name, r in ratios if r < 4.5]
    assert ratios and low == [], low
    classes = {name for name, _ in ratios}
    assert {"det det-insufficient_information", "det det-not_addressed"} <= classes
    shot(page, "four-items")


def test_the_policy_blocks_inline_script_and_the_watch_sees_it(page):
    """The CSP check of every test above can fail: an injected inline script is blocked and reported."""
    page.goto(page.base + "/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__ran = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_function("window.__problems.length > 0")
    assert page.evaluate("window.__ran") is None
    assert page.evaluate("window.__problems")[0].startswith("csp script-src")
    page.evaluate("window.__problems = []")
