/* drtriage HTML report: sorting, filtering and tooltips on top of a page that
 * reads complete without JavaScript. The report's data is the JSON in
 * #report-data (docs/json-format.md). No request leaves the page. */
(function () {
  "use strict";
  var doc = document;
  doc.documentElement.classList.add("js");
  var data = {};
  try { data = JSON.parse(doc.getElementById("report-data").textContent); } catch (e) { data = {}; }

  function cellValue(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var v = cell.getAttribute("data-v");
    if (v !== null) return v === "" ? -Infinity : parseFloat(v);
    return cell.textContent.toLowerCase();
  }

  function sortBy(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var down = th.getAttribute("aria-sort") !== "descending";
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var c = x < y ? -1 : x > y ? 1 : 0;
      return down ? -c : c;
    });
    Array.prototype.forEach.call(th.parentNode.cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    rows.forEach(function (r) { body.appendChild(r); });
  }

  Array.prototype.forEach.call(doc.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(table, index, th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(table, index, th); }
      });
    });
  });

  Array.prototype.forEach.call(doc.querySelectorAll("input[data-filter]"), function (input) {
    var table = doc.getElementById(input.getAttribute("data-filter"));
    var count = doc.getElementById(input.getAttribute("data-count"));
    var total = (data.by_code || []).length;
    function apply() {
      var q = input.value.toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        row.hidden = q !== "" && row.textContent.toLowerCase().indexOf(q) < 0;
        if (!row.hidden) shown++;
      });
      if (count) count.textContent = shown + " of " + total + " codes";
    }
    input.addEventListener("input", apply);
    apply();
  });

  var tip = doc.createElement("div");
  tip.id = "tip";
  tip.setAttribute("role", "tooltip");
  doc.body.appendChild(tip);
  function show(e) {
    var t = e.currentTarget.getAttribute("data-tip");
    tip.textContent = t;
    tip.style.display = "block";
    var x = e.clientX, y = e.clientY;
    if (x === undefined || (x === 0 && y === 0)) {
      var r = e.currentTarget.getBoundingClientRect();
      x = r.left + r.width / 2; y = r.top;
    }
    tip.style.left = Math.min(x + 12, window.innerWidth - tip.offsetWidth - 8) + "px";
    tip.style.top = Math.max(y - tip.offsetHeight - 10, 4) + "px";
  }
  function hide() { tip.style.display = "none"; }
  Array.prototype.forEach.call(doc.querySelectorAll("[data-tip]"), function (el) {
    var title = el.querySelector("title");
    if (title) title.parentNode.removeChild(title); /* our tooltip replaces the native one */
    el.setAttribute("aria-label", el.getAttribute("data-tip"));
    el.addEventListener("mousemove", show);
    el.addEventListener("focus", show);
    el.addEventListener("mouseleave", hide);
    el.addEventListener("blur", hide);
  });

  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(doc.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
