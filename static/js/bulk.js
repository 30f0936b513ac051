/* Bulk pages: tick many rows at once. Declared in the templates with data- attributes (the
   Content-Security-Policy allows no inline script). Without script every page still works:
   rows are ticked one by one and the preset / 全部到会 buttons are submitted to the server.
   - input[data-bulk-all="NAME"]: the header box; ticks or clears every enabled box named
     NAME (those tied to a form by form="..." included) and shows when some are ticked;
   - [data-bulk-count="NAME"]: shows "已选 N 项" for the boxes named NAME;
   - button[data-bulk-tick="NAME"][data-bulk-values="1 2 3"]: ticks the boxes named NAME
     with those values, leaving the others as they are (a preset);
   - form[data-attendance]: the congress roster. button[data-attendance-all="present"]
     ticks everyone without an approved exclusion, "absent" clears every box; the element
     [data-attendance-count] holds the live 应到/已到/缺席 figures.
   Listeners sit on the document, so content swapped in by htmx behaves the same. */
(function () {
  "use strict";

  function boxes(name) {
    return Array.prototype.filter.call(
      document.querySelectorAll('input[type="checkbox"]'),
      function (box) { return box.name === name && !box.disabled; }
    );
  }

  function refresh(name) {
    var all = boxes(name);
    var ticked = all.filter(function (box) { return box.checked; }).length;
    document.querySelectorAll('input[data-bulk-all="' + name + '"]').forEach(function (head) {
      head.checked = all.length > 0 && ticked === all.length;
      head.indeterminate = ticked > 0 && ticked < all.length;
    });
    document.querySelectorAll('[data-bulk-count="' + name + '"]').forEach(function (count) {
      count.textContent = "已选 " + ticked + " 项";
    });
  }

  function attendanceCount(form) {
    var figures = { expected: 0, present: 0, absent: 0 };
    form.querySelectorAll("tr[data-attendance-row]").forEach(function (row) {
      if (row.dataset.canVote !== "1") return;
      var box = row.querySelector('input[type="checkbox"]');
      var excluded = row.querySelector("select");
      var counted = !(excluded && excluded.value);
      var here = box && box.checked;
      if (counted) figures.expected += 1;
      if (here) figures.present += 1;
      if (counted && !here) figures.absent += 1;
    });
    document.querySelectorAll("[data-attendance-count] [data-count]").forEach(function (cell) {
      cell.textContent = figures[cell.dataset.count];
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("input[data-bulk-all]")) {
      var name = target.dataset.bulkAll;
      boxes(name).forEach(function (box) { box.checked = target.checked; });
      refresh(name);
    } else if (target.matches('input[type="checkbox"]') && target.name) {
      refresh(target.name);
    }
    var roster = target.closest && target.closest("form[data-attendance]");
    if (roster) attendanceCount(roster);
  });

  document.addEventListener("click", function (event) {
    var preset = event.target.closest("button[data-bulk-tick]");
    if (preset) {
      event.preventDefault();
      var values = preset.dataset.bulkValues.split(" ");
      boxes(preset.dataset.bulkTick).forEach(function (box) {
        if (values.indexOf(box.value) !== -1) box.checked = true;
      });
      refresh(preset.dataset.bulkTick);
      return;
    }
    var mark = event.target.closest("button[data-attendance-all]");
    if (!mark) return;
    var form = mark.closest("form[data-attendance]");
    if (!form) return;
    event.preventDefault();
    var present = mark.dataset.attendanceAll === "present";
    form.querySelectorAll("tr[data-attendance-row]").forEach(function (row) {
      var box = row.querySelector('input[type="checkbox"]');
      var excluded = row.querySelector("select");
      if (box && !box.disabled) box.checked = present && !(excluded && excluded.value);
    });
    attendanceCount(form);
    // One change for the whole roster: the live quorum verdict (htmx) is asked once.
    form.dispatchEvent(new Event("change", { bubbles: true }));
  });

  function start() {
    var names = {};
    document.querySelectorAll("[data-bulk-reveal]").forEach(function (el) { el.hidden = false; });
    document.querySelectorAll("[data-bulk-all], [data-bulk-count]").forEach(function (el) {
      el.hidden = false;
      names[el.dataset.bulkAll || el.dataset.bulkCount] = true;
    });
    Object.keys(names).forEach(refresh);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // A list re-drawn by htmx (filters, paging) brings new boxes.
  document.addEventListener("htmx:afterSettle", start);
})();
