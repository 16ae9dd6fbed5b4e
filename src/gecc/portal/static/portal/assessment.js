// The self-assessment page: autosave that never loses the last change, and old item links.
//
// Autosave: each answer's form (.answer-form) is sent by htmx on "change" (a score picked,
// the explanation left) and on "gecc:save", which this script fires 800 ms after the last
// keystroke. A change typed less than that before the user leaves the page (a link, the
// back button, closing the tab, switching app on a phone) is sent at once with
// fetch(..., {keepalive: true}), which the browser completes after the page is gone: on
// "beforeunload", "pagehide" and "visibilitychange" to hidden. The request carries the form's
// CSRF token and the HX-Request header, so the server answers the small autosave fragment; if
// the page is still there (only hidden), the fragment's new revision and status are put in
// place, so the next save is not taken for a conflict. While a save is on its way and more
// was typed, or a save failed (conflict, refused, no connection), leaving the page asks
// first (the browser's own "leave site?" question).
//
// Retry: a save that got no answer from the application (no connection, a timeout) or a
// server error (5xx: the database restarting, 502/503 from the proxy during a deploy) is
// sent again by itself after 1 s, then 2 s, 4 s … (at most 30 s apart) for as long as the
// page is open, with what the form holds by then; the typed text stays in place and the
// answer's footer says "not saved, trying again" (data-msg-retrying of #assessment-messages,
// translated by the page) until a save succeeds, when the usual "saved" status comes back. A refusal (4xx: 400
// invalid, 409 conflict or not editable, 403) is a real answer and is never sent again.
//
// Old links: "…/assessment/#item-P1.1" (an item's anchor, from before the page showed one
// category at a time) is sent to "?item=P1.1", which the server redirects to the item's
// category at its anchor.
//
// Loaded as a file (Content-Security-Policy: script-src 'self'), never inline.
(function () {
  "use strict";

  var DELAY_MS = 800;
  var RETRY_FIRST_MS = 1000;
  var RETRY_MAX_MS = 30000;
  var messages = document.getElementById("assessment-messages");
  var RETRYING = (messages && messages.getAttribute("data-msg-retrying")) || "";
  var states = new WeakMap();
  var forms = new Set();
  var missingOpen = null;

  function isAnswerForm(element) {
    return element && element.classList && element.classList.contains("answer-form");
  }

  function stateOf(form) {
    var state = states.get(form);
    if (!state) {
      // edits: changes typed; sentEdits: the edits the last request carried; savedEdits: the
      // edits the server has stored; inflight: requests on their way; failed: the last one
      // was refused or never arrived.
      // retryTimer, retryDelay: the next automatic retry of a failed save and its wait.
      state = {edits: 0, sentEdits: 0, savedEdits: 0, inflight: 0, failed: false, timer: null,
               retryTimer: null, retryDelay: 0};
      states.set(form, state);
      forms.add(form);
    }
    return state;
  }

  function isDirty(state) { return state.edits > state.savedEdits; }

  function edited(event) {
    var form = event.target.closest ? event.target.closest(".answer-form") : null;
    if (!form) { return; }
    var state = stateOf(form);
    state.edits += 1;
    if (event.type === "input" && event.target.tagName === "TEXTAREA") {
      clearTimeout(state.timer);
      state.timer = setTimeout(function () {
        state.timer = null;
        if (window.htmx && document.body.contains(form)) { window.htmx.trigger(form, "gecc:save"); }
      }, DELAY_MS);
    }
  }

  function csrfToken(form) {
    var field = form.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  // Put the autosave fragment's parts (status, revision, confirm badge, progress index,
  // missing list) in place of their namesakes, as htmx would have.
  function applyFragment(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll("[id]").forEach(function (node) {
      var current = document.getElementById(node.id);
      if (!current || node.parentElement && node.parentElement.closest("[id]")) { return; }
      var fresh = document.importNode(node, true);
      fresh.removeAttribute("hx-swap-oob");
      current.replaceWith(fresh);
      if (window.htmx) { window.htmx.process(fresh); }
    });
  }

  // Send a form's unsaved change now, in a request that outlives the page.
  function flush(form) {
    var state = stateOf(form);
    clearTimeout(state.timer);
    state.timer = null;
    if (!isDirty(state) || state.inflight > 0 || !document.body.contains(form)) { return; }
    var sent = state.edits;
    state.inflight += 1;
    state.sentEdits = sent;
    fetch(form.action, {
      method: "POST", body: new FormData(form), keepalive: true, credentials: "same-origin",
      headers: {"HX-Request": "true", "X-CSRFToken": csrfToken(form)}
    }).then(function (response) {
      state.failed = !response.ok;
      if (response.ok) {
        state.savedEdits = Math.max(state.savedEdits, sent);
        stopRetrying(form);
      }
      return response.text().then(applyFragment);
    }).catch(function () {
      state.failed = true;
    }).then(function () {
      state.inflight -= 1;
    });
  }

  function flushAll() { forms.forEach(flush); }

  // -- retrying a save that failed without a real answer --------------------------------------

  function retryNotice(form, shown) {
    var notice = form.querySelector(".answer-retry");
    if (!shown) {
      if (notice) { notice.remove(); }
      return;
    }
    if (notice || !RETRYING) { return; }
    var foot = form.querySelector(".answer-foot");
    if (!foot) { return; }
    notice = document.createElement("span");
    notice.className = "answer-retry muted";
    notice.setAttribute("role", "status");
    notice.setAttribute("data-testid", "answer-retry");
    notice.textContent = RETRYING;
    var status = foot.querySelector("[data-saved-status]");
    foot.insertBefore(notice, status ? status.nextSibling : foot.firstChild);
  }

  function scheduleRetry(form) {
    if (!document.body.contains(form)) { return; }
    var state = stateOf(form);
    var wait = state.retryDelay || RETRY_FIRST_MS;
    state.retryDelay = Math.min(wait * 2, RETRY_MAX_MS);
    clearTimeout(state.retryTimer);
    retryNotice(form, true);
    state.retryTimer = setTimeout(function () {
      state.retryTimer = null;
      if (window.htmx && document.body.contains(form)) { window.htmx.trigger(form, "gecc:save"); }
    }, wait);
  }

  function stopRetrying(form) {
    var state = stateOf(form);
    clearTimeout(state.retryTimer);
    state.retryTimer = null;
    state.retryDelay = 0;
    retryNotice(form, false);
  }

  function retryable(status) { return status === 0 || status >= 500; }

  function failedWithoutAnswer(event) {
    var form = event.detail && event.detail.elt;
    if (!isAnswerForm(form)) { return; }
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (retryable(status)) { scheduleRetry(form); }
  }

  // No connection, no answer in time, or a server error: try again by itself.
  document.addEventListener("htmx:sendError", failedWithoutAnswer);
  document.addEventListener("htmx:timeout", failedWithoutAnswer);
  document.addEventListener("htmx:responseError", failedWithoutAnswer);

  // Something would be lost by leaving now: a change typed while the previous save of the
  // same answer is still on its way (it cannot be sent before that one's revision is back),
  // or a save that failed.
  function atRisk() {
    var risk = false;
    forms.forEach(function (form) {
      var state = stateOf(form);
      if (!document.body.contains(form)) { return; }
      if (state.failed || (state.inflight > 0 && state.edits > state.sentEdits)) { risk = true; }
    });
    return risk;
  }

  // "input" comes before the "change" htmx sends on, for a radio button as for a textarea;
  // a textarea's "change" (on leaving it) is no new edit.
  document.addEventListener("input", edited);

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!isAnswerForm(form)) { return; }
    var state = stateOf(form);
    clearTimeout(state.timer);
    state.timer = null;
    state.inflight += 1;
    state.sentEdits = state.edits;
    form.geccSending = state.edits;
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!isAnswerForm(form)) { return; }
    var state = stateOf(form);
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    state.inflight = Math.max(0, state.inflight - 1);
    state.failed = !(status >= 200 && status < 300);
    if (!state.failed) { state.savedEdits = Math.max(state.savedEdits, form.geccSending || 0); }
    // Saved, or refused for a reason a retry cannot change (4xx): no more retries.
    if (!state.failed || (status >= 400 && status < 500)) { stopRetrying(form); }
  });

  window.addEventListener("beforeunload", function (event) {
    var risky = atRisk();
    flushAll();
    if (risky) {
      event.preventDefault();
      event.returnValue = "";  // older browsers ask only when a value is set
    }
  });
  window.addEventListener("pagehide", flushAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") { flushAll(); }
  });

  // The missing-items list stays open or folded as the user left it when autosave swaps it.
  document.addEventListener("toggle", function (event) {
    if (event.target.classList && event.target.classList.contains("portal-missing-details")) {
      missingOpen = event.target.open;
    }
  }, true);
  document.addEventListener("htmx:oobAfterSwap", function () {
    var details = document.querySelector("#assessment-missing .portal-missing-details");
    if (details && missingOpen !== null) { details.open = missingOpen; }
  });

  function resolveOldItemLink() {
    var match = /^#item-(.+)$/.exec(window.location.hash);
    if (!match) { return; }
    var params = new URLSearchParams(window.location.search);
    if (params.has("category") || params.has("item")) { return; }
    if (document.getElementById("item-" + decodeURIComponent(match[1]))) { return; }
    params.set("item", decodeURIComponent(match[1]));
    window.location.replace(window.location.pathname + "?" + params.toString());
  }

  resolveOldItemLink();
  window.addEventListener("hashchange", resolveOldItemLink);
}());
