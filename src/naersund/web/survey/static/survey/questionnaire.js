/* The questionnaire without JavaScript is complete; this only adds a search field to each
   pilot question's list of municipalities, keeps the "Sammen med" summary up to date and
   chooses "together with other municipalities" when one is ticked. */
(function () {
  "use strict";

  function fold(text) {
    return text.toLocaleLowerCase("da").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
  }

  function enhance(details) {
    var search = details.querySelector("[data-partner-search]");
    var input = search.querySelector("input[type=search]");
    var count = search.querySelector("[role=status]");
    var chosen = details.querySelector("[data-partners-chosen]");
    var boxes = Array.prototype.slice.call(details.querySelectorAll("input[type=checkbox]"));
    var fieldset = details.closest("fieldset:not(.partner-list)");
    search.hidden = false;

    function filter() {
      var want = fold(input.value.trim());
      var shown = 0;
      boxes.forEach(function (box) {
        var item = box.closest("li");
        var match = want === "" || fold(item.textContent).indexOf(want) !== -1;
        item.hidden = !match;
        if (match) shown += 1;
      });
      details.querySelectorAll(".partner-group").forEach(function (group) {
        group.hidden = group.querySelector("li:not([hidden])") === null;
      });
      count.textContent = want === "" ? "" : shown + (shown === 1 ? " kommune" : " kommuner") + " passer";
    }

    function summarise() {
      var names = boxes.filter(function (b) { return b.checked; }).map(function (b) {
        return b.closest("li").textContent.trim();
      });
      chosen.textContent = names.length ? names.join(", ") : "ingen valgt";
      if (names.length && fieldset) {
        var together = fieldset.querySelector("input[type=radio][value=sammen]");
        if (together) together.checked = true;
      }
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();  // searching is not saving
    });
    boxes.forEach(function (box) { box.addEventListener("change", summarise); });
  }

  document.querySelectorAll("details.partners").forEach(enhance);
})();
