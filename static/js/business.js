// A business field shows the name of the business typed (issue 19): as the officer types
// a code or part of a name, the businesses in view that match are looked up and the first
// one's name shown beside the field. Without this script the form still works: part of a
// name brings the form back with the businesses found to choose from.
(function () {
  "use strict";
  function attach(field) {
    if (field.dataset.bound) return;
    field.dataset.bound = "1";
    var input = field.querySelector("input[type=text]");
    var output = field.querySelector("output");
    var timer = null;
    var asked = "";
    function show(found) {
      var text = "—";
      if (found.length) {
        text = found[0].name + " · " + found[0].uscc + (found.length > 1 ? " (+" + (found.length - 1) + ")" : "");
      }
      output.textContent = text;
      // A Chinese name on an English page is marked as Chinese (WCAG 3.1.2).
      if (/[\u3400-\u9fff]/.test(text)) output.setAttribute("lang", "zh-CN");
      else output.removeAttribute("lang");
    }
    function lookUp() {
      var q = input.value.trim();
      if (q === asked) return;
      asked = q;
      if (!q) { output.textContent = ""; return; }
      fetch(field.dataset.lookup + "?q=" + encodeURIComponent(q), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (r) { return r.ok ? r.json() : []; })
        .then(function (found) { if (input.value.trim() === q) show(found); })
        .catch(function () { output.textContent = ""; });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(lookUp, 250);
    });
    if (input.value.trim()) lookUp();
  }
  function init() {
    Array.prototype.forEach.call(document.querySelectorAll(".business-field[data-lookup]"), attach);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
