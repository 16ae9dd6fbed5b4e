// Every htmx request that fails says so on the page, in Thai first.
//
// An error answer (401, 403, 409, 413, 5xx…) that htmx does not swap, a request that never
// reached the server and one that timed out all show a message in the page's live region
// (#htmx-message in base.html): the server's own words when its answer holds an element with
// `data-error-message`, otherwise the message for the status, read from the region's
// `data-msg-*` attributes (translated by Django). The element that sent the request has any
// `[data-saved-status]` inside it marked "not saved", so an old "saved" never stays on show.
// A later success of the same element clears the message; so does the Close button.
// Loaded as a file (Content-Security-Policy: script-src 'self'), never inline.
(function () {
  "use strict";

  var failedElement = null;

  function region() { return document.getElementById("htmx-message"); }

  function textBox() { return document.getElementById("htmx-message-text"); }

  function messageFor(status) {
    var box = region();
    if (!box) { return ""; }
    var key = String(status);
    if (/^5\d\d$/.test(key)) { key = "500"; }
    return box.getAttribute("data-msg-" + key) || box.getAttribute("data-msg-default") || "";
  }

  function serverMessage(xhr) {
    try {
      var type = xhr.getResponseHeader("Content-Type") || "";
      if (type.indexOf("text/html") === -1 || !xhr.responseText) { return ""; }
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var node = doc.querySelector("[data-error-message]");
      return node ? node.textContent.replace(/\s+/g, " ").trim() : "";
    } catch (error) {
      return "";
    }
  }

  function opened() {
    var box = region();
    if (!box) { return; }
    box.classList.add("is-shown");
    var close = box.querySelector("[data-htmx-message-close]");
    if (close) { close.hidden = false; }
  }

  function show(text) {
    var target = textBox();
    if (!target || !text) { return; }
    target.textContent = "";
    var paragraph = document.createElement("p");
    paragraph.className = "htmx-message-body";
    paragraph.textContent = text;
    target.appendChild(paragraph);
    opened();
  }

  function clear() {
    var box = region();
    var target = textBox();
    if (!box || !target) { return; }
    target.textContent = "";
    box.classList.remove("is-shown");
    var close = box.querySelector("[data-htmx-message-close]");
    if (close) { close.hidden = true; }
  }

  function markUnsaved(element) {
    var box = region();
    if (!element || !element.querySelectorAll || !box) { return; }
    var label = box.getAttribute("data-msg-unsaved") || "";
    element.querySelectorAll("[data-saved-status]").forEach(function (status) {
      status.textContent = label;
      status.classList.add("is-unsaved");
    });
  }

  function failed(event, text) {
    failedElement = event.detail && event.detail.elt;
    markUnsaved(failedElement);
    show(text);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    failed(event, serverMessage(xhr) || messageFor(xhr.status));
  });
  document.addEventListener("htmx:sendError", function (event) {
    failed(event, messageFor("network"));
  });
  document.addEventListener("htmx:timeout", function (event) {
    failed(event, messageFor("timeout"));
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    // The server may put its message straight into the region (HX-Retarget).
    if (event.detail && event.detail.target === textBox()) { opened(); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var detail = event.detail || {};
    if (detail.successful && failedElement && detail.elt === failedElement) {
      failedElement = null;
      clear();
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-htmx-message-close]")) { clear(); }
  });
})();
