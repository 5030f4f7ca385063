// The reviewer workbench's only script (CSP: script-src 'self', no inline script).
// Progressive enhancement: without it the form posts and the page reloads.
// With it, changing an answer re-evaluates at once: the form is posted in
// the background and the page's content replaced, keeping which sections
// are open and where the keyboard focus was.
(function () {
  "use strict";

  function say(text) {
    var status = document.getElementById("status");
    if (status) { status.textContent = text; }
  }

  function openSections() {
    var open = [];
    document.querySelectorAll("article.item details[open]").forEach(function (d) {
      open.push(d.closest("article").id + "/" + d.getAttribute("data-section"));
    });
    return open;
  }

  function reopen(open) {
    open.forEach(function (key) {
      var parts = key.split("/");
      var article = document.getElementById(parts[0]);
      var details = article && article.querySelector('details[data-section="' + parts[1] + '"]');
      if (details) { details.open = true; }
    });
  }

  // Where the keyboard goes after an update: the same control if it is still
  // shown; an answered question moves to the item's (folded) facts, so then
  // the item's next open question, or else the item's heading.
  function focusAfterUpdate(focusId) {
    var target = focusId && document.getElementById(focusId);
    if (target && target.closest("details:not([open])") === null) { target.focus(); return; }
    var article = focusId && target && target.closest("article.item");
    if (!article && focusId) {
      var parts = focusId.split("-");          // f-N-FACT-VALUE: N is the item's number
      article = document.getElementById("item-" + parts[1]);
    }
    if (!article) { return; }
    var next = article.querySelector(".questions input[type=radio]:checked, .questions input:not([type=radio]), " +
                                     ".questions select");
    if (next) { next.focus(); return; }
    var heading = article.querySelector("h2");
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }

  // One update at a time: answers given while one is on its way are sent
  // together right after it, and only the newest page replaces the form,
  // so nothing typed in the meantime is lost.
  var busy = false, again = false, lastChanged = null;

  function submit(form) {
    if (busy) { again = true; return; }
    busy = true;
    again = false;
    say("Updating the drafts…");
    fetch(form.action, {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { "Accept": "text/html" }
    }).then(function (response) {
      return response.text().then(function (text) { return { ok: response.ok, text: text }; });
    }).then(function (answer) {
      busy = false;
      if (again) { submit(document.getElementById("answers")); return; }
      var fresh = new DOMParser().parseFromString(answer.text, "text/html").getElementById("main");
      if (!fresh) { say("The update failed; reload the page."); return; }
      var active = document.activeElement;
      var focusId = (active && active !== document.body && active.id) || lastChanged;
      var open = openSections();
      document.getElementById("main").replaceWith(fresh);
      reopen(open);
      wire();
      focusAfterUpdate(focusId);
      say(answer.ok ? "Drafts updated." : "Some answers were not accepted: see the problems listed.");
    }).catch(function () {
      busy = false;
      say("The update failed; your answers are still in the form.");
    });
  }

  function wire() {
    var form = document.getElementById("answers");
    if (!form || form.getAttribute("data-wired")) { return; }
    form.setAttribute("data-wired", "1");
    form.addEventListener("change", function (event) {
      lastChanged = event.target.id || null;
      submit(form);
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit(form);
    });
  }

  wire();
}());
