// The job page (templates/reports/job.html): asks the job's status URL every two seconds and
// shows the progress, then the download link or the reason it failed. Without JavaScript a
// reload of the page shows the same.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  function text(id, value) {
    var el = document.getElementById(id);
    if (el) { el.textContent = value; }
  }
  function show(state) {
    text("job-status", state.status_text);
    text("job-message", state.finished ? "" : " – " + state.message);
    var bar = document.getElementById("job-progress");
    if (bar) { bar.value = state.progress; bar.textContent = state.progress + " %"; }
    text("job-percent", state.progress + " %");
    if (state.error) {
      text("job-error", state.error);
      document.getElementById("job-error").hidden = false;
    }
    if (state.download_url) {
      var link = document.getElementById("job-download-link");
      link.href = state.download_url;
      text("job-file", state.file_name + " (" + state.size_kb + " kB)");
      document.getElementById("job-download").hidden = false;
    }
    if (state.finished) {
      ["job-progress", "job-percent", "job-reload"].forEach(function (id) {
        var el = document.getElementById(id);
        if (el) { el.hidden = true; }
      });
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (state) {
        if (state) { show(state); }
        if (!state || !state.finished) { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
