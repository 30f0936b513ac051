/* Small page behaviours, declared in the templates with data- attributes (the
   Content-Security-Policy allows no inline script or on...= handler):
   - form[data-confirm]: asks before submitting (the text is the question);
   - select[data-autosubmit]: submits its form when the choice changes;
   - form[data-navigate="field"]: opens the address held by that field's value;
   - button[data-print]: prints the page;
   - button[data-copy="id"]: copies the text of the element with that id.
   Listeners sit on the document, so content swapped in by htmx behaves the same. */
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    if (form.dataset.navigate) {
      var field = form.elements[form.dataset.navigate];
      event.preventDefault();
      if (field && field.value) window.location.href = field.value;
    }
  });

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches("select[data-autosubmit]") && select.form) select.form.submit();
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-print], button[data-copy]");
    if (!button) return;
    if (button.hasAttribute("data-print")) {
      window.print();
      return;
    }
    var source = document.getElementById(button.dataset.copy);
    if (!source || typeof source.select !== "function") return;
    source.select();
    var done = function () { button.textContent = "已复制"; };
    var byCommand = function () { if (document.execCommand("copy")) done(); };
    // Over plain HTTP on an intranet there is no navigator.clipboard: the selection is copied.
    if (navigator.clipboard) navigator.clipboard.writeText(source.value).then(done, byCommand);
    else byCommand();
  });
})();
