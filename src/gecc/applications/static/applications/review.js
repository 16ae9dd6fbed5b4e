// Desk-review list: count the ticked applications in the bulk-accept button and tick all.
(function () {
  function update(form) {
    var boxes = form.querySelectorAll('input[name="ids"]');
    var ticked = form.querySelectorAll('input[name="ids"]:checked').length;
    form.querySelectorAll("[data-selected-count]").forEach(function (el) { el.textContent = ticked; });
    form.querySelectorAll("[data-bulk-submit]").forEach(function (el) { el.disabled = ticked === 0; });
    var all = form.querySelector("[data-select-all]");
    if (all) { all.checked = boxes.length > 0 && ticked === boxes.length; }
  }
  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-bulk-form]");
    if (!form) { return; }
    if (event.target.matches("[data-select-all]")) {
      form.querySelectorAll('input[name="ids"]').forEach(function (box) { box.checked = event.target.checked; });
    }
    update(form);
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-bulk-form]").forEach(update);
  });
})();
