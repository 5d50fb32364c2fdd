/* Progressive enhancement only: every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Sections marked data-reveal-when="<field name>=<value>[|<value>...]" are shown only
  // while that field holds one of the values. Without script they are always shown.
  function currentValues(form, name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (el) {
      if ((el.type === "checkbox" || el.type === "radio") && !el.checked) return;
      if (el.tagName === "SELECT" && el.multiple) {
        Array.prototype.forEach.call(el.selectedOptions, function (o) { values.push(o.value); });
        return;
      }
      values.push(el.value);
    });
    return values;
  }

  function refresh(form) {
    form.querySelectorAll("[data-reveal-when]").forEach(function (section) {
      var rule = section.getAttribute("data-reveal-when").split("=");
      var wanted = (rule[1] || "").split("|");
      var shown = currentValues(form, rule[0]).some(function (v) { return wanted.indexOf(v) !== -1; });
      section.hidden = !shown;
      section.querySelectorAll("input, select, textarea").forEach(function (el) { el.disabled = !shown; });
    });
  }

  document.querySelectorAll("form").forEach(function (form) {
    if (!form.querySelector("[data-reveal-when]")) return;
    form.addEventListener("change", function () { refresh(form); });
    refresh(form);
  });

  // Forms with data-confirm ask before submitting (e.g. irreversible actions).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  // Error summaries take focus so screen-reader and keyboard users land on them.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
