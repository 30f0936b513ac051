/* Small page behaviours, declared in the templates with data- attributes (the
   Content-Security-Policy allows no inline script or on...= handler):
   - form[data-confirm]: asks before submitting (the text is the question) and, when
     accepted, posts confirmed=1 so the view's own confirmation page is skipped; an htmx
     form asks with hx-confirm and gets confirmed=1 the same way;
   - select[data-autosubmit]: submits its form when the choice changes;
   - form[data-navigate="field"]: opens the address held by that field's value;
   - button[data-print]: prints the page;
   - button[data-copy="id"]: copies the text of the element with that id.
   Listeners sit on the document, so content swapped in by htmx behaves the same. */
(function () {
  "use strict";

  function markConfirmed(form) {
    var field = form.querySelector("input[name=confirmed]");
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "confirmed";
      form.appendChild(field);
    }
    field.value = "1";
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.confirm) {
      if (!window.confirm(form.dataset.confirm)) {
        event.preventDefault();
        return;
      }
      markConfirmed(form);
    }
    if (form.dataset.navigate) {
      var field = form.elements[form.dataset.navigate];
      event.preventDefault();
      if (field && field.value) window.location.href = field.value;
    }
  });

  // htmx sends the request only once its hx-confirm question was accepted.
  document.addEventListener("htmx:configRequest", function (event) {
    if (event.detail.elt.closest("[hx-confirm]")) event.detail.parameters.confirmed = "1";
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
