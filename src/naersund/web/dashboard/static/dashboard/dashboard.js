// Draw each chart from its Vega-Lite spec (the same spec the PDF reports render to SVG).
// Without JavaScript the table of numbers below each chart is the chart.
(function () {
  "use strict";
  function draw() {
    if (typeof window.vegaEmbed !== "function") { return; }
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById("spec-" + el.dataset.chart);
      if (!source) { return; }
      var spec = JSON.parse(source.textContent);
      var stepped = spec.height && typeof spec.height === "object" && spec.height.step;
      var narrow = el.clientWidth > 0 && el.clientWidth < 600; // a phone's box
      delete spec.title; // the figure's caption carries it on screen
      // On screen a chart takes the width of its box (from 390 px phones to wide screens); the
      // fixed width stays in the spec for the SVG that print renders. A chart whose height is
      // counted in steps (one row per indicator) keeps its width, Vega-Lite cannot fit it, and
      // is scaled down by the CSS instead (.chart-canvas svg).
      if (spec.width !== undefined && !stepped && !spec.hconcat && !spec.vconcat && !spec.concat) {
        spec.width = "container";
      }
      // In a narrow box (a phone) the legend of a chart that is scaled down to fit (above: one
      // row per municipality or indicator) goes under the chart: at its right it took a third of
      // the width, and the scaling shrank every label with it.
      if (stepped && narrow) {
        spec.config = spec.config || {};
        spec.config.legend = Object.assign({}, spec.config.legend, {
          orient: "bottom", direction: "vertical"
        });
      }
      // A chart that says so (the spine: one row per indicator, names of up to 330 px) is drawn
      // at the narrow box's own width with each row's name above its bar, so nothing is scaled
      // down: scaled, its names were 4 px high on a phone.
      if (stepped && narrow && spec.usermeta && spec.usermeta.narrow === "labels-above" &&
          spec.encoding && spec.encoding.y) {
        spec.width = el.clientWidth - 16;
        spec.height = { step: 56 };
        spec.encoding.y.axis = Object.assign({}, spec.encoding.y.axis, {
          labelAlign: "left", labelBaseline: "bottom", labelPadding: 0, labelOffset: -12,
          labelLimit: spec.width, labelFontSize: 13, ticks: false, domain: false
        });
      }
      // The Content-Security-Policy allows no eval and no inline style: Vega interprets its
      // expressions (ast) instead of compiling them, and vega-embed's and the tooltip's CSS
      // are in dashboard.css instead of <style> elements they would add.
      var options = {
        renderer: "svg",
        actions: false,
        ast: true,
        defaultStyle: false,
        tooltip: { disableDefaultStyle: true }
      };
      window.vegaEmbed(el, spec, options)
        .then(function () {
          var svg = el.querySelector("svg");
          if (svg) {
            svg.setAttribute("role", "img");
            svg.setAttribute("aria-label", el.dataset.description || "");
            svg.removeAttribute("aria-roledescription");
            svg.querySelectorAll("[aria-roledescription],[aria-label],[role]").forEach(function (n) {
              n.removeAttribute("aria-roledescription");
              n.removeAttribute("aria-label");
              n.removeAttribute("role");
            });
          }
          el.classList.add("drawn");
        })
        .catch(function () { el.textContent = "Diagrammet kunne ikke tegnes; se tabellen nedenfor."; });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
