/* movequal: waiting page of an analysis that is not finished — follows it, then shows the report. */
(function () {
  "use strict";

  var mq = window.mq;
  var $ = function (id) { return document.getElementById(id); };
  var analysisId = mq.pathId("analyses");
  var shownPatient = false;

  function show(pct, text, meter, step) {
    mq.setProgress($("progress"), pct, meter);
    $("progress-pct").textContent = meter === "waiting" && !pct ? "" : Math.round(pct) + " %";
    $("progress-step").textContent = step;
    $("status-text").textContent = text;
    $("status-text").classList.toggle("is-error", meter === "failed");
  }

  function addFact(label, value) {
    var span = mq.el("span", null, label + ": ");
    span.appendChild(mq.el("b", null, value));
    $("wait-facts").appendChild(span);
  }

  function showFacts(a) {
    $("wait-facts").textContent = "";
    if (a.source_name) { addFact("Video", a.source_name); }
    addFact("Movement", mq.movementLabel(a.movement));
    if (a.session_date) { addFact("Session date", mq.fmtDate(a.session_date)); }
  }

  function showPatient(patientId) {
    if (shownPatient || !patientId) { return; }
    shownPatient = true;
    var href = "/patients/" + encodeURIComponent(patientId);
    $("crumb-patient").href = href;
    $("back-patient").href = href;
    $("back-patient").hidden = false;
    $("try-again").href = "/?patient=" + encodeURIComponent(patientId);
    $("crumbs").hidden = false;
    mq.api("/v1/patients/" + encodeURIComponent(patientId)).then(function (p) {
      $("crumb-patient").textContent = p.reference;
    }, function () {});
  }

  function onUpdate(a) {
    mq.movementsReady().then(function () { showFacts(a); });
    showPatient(a.patient_id);
    if (a.status === "done" || a.status === "failed") { return; }
    var text = mq.stageLabel(a.status, a.stage) + (a.status === "running" ? "\u2026" : "");
    show(a.progress || 0, text, a.status === "queued" ? "waiting" : "", a.status === "queued" ? "Waiting" : "Analysing");
  }

  /** Reload once to get the result page; if the server still sends this page, offer a manual reload. */
  function openReport() {
    var key = "mq-reloaded-" + analysisId, now = Date.now(), before = 0;
    try { before = +sessionStorage.getItem(key) || 0; sessionStorage.setItem(key, String(now)); } catch (e) { before = 0; }
    show(100, "Analysis complete. Opening the report\u2026", "done", "Done");
    if (now - before > 15000) { location.reload(); return; }
    $("status-text").textContent = "The analysis is complete, but the report is not available yet. Try reloading in a moment.";
    $("wait-actions").hidden = false;
    $("try-again").hidden = true;
    $("reload").hidden = false;
    $("reload").addEventListener("click", function () { location.reload(); });
  }

  function showFailure(reason) {
    $("wait-title").textContent = "The analysis failed";
    $("wait-lead").textContent = "Check the reason below, then try again, for example with another recording.";
    var pct = +$("progress").getAttribute("aria-valuenow") || 0;
    show(pct, reason, "failed", "Failed");
    $("wait-actions").hidden = false;
    $("try-again").focus();
  }

  function onLost(err) {
    if (err.status === 404) {
      $("wait-title").textContent = "Analysis not found";
      $("wait-lead").textContent = "It may have been deleted, or the address is wrong.";
      show(0, "This analysis does not exist.", "failed", "Not found");
      $("wait-actions").hidden = false;
      return;
    }
    show(+$("progress").getAttribute("aria-valuenow") || 0, "Could not follow the analysis: " + err.message, "failed", "Connection problem");
    $("wait-actions").hidden = false;
    $("reload").hidden = false;
    $("reload").addEventListener("click", function () { location.reload(); });
  }

  function init() {
    if (!analysisId) {
      onLost({ status: 404 });
      return;
    }
    mq.pollAnalysis(analysisId, onUpdate).then(function (a) {
      if (a.status === "done") { openReport(); } else { showFailure(a.error || "The analysis could not be completed."); }
    }, onLost);
  }

  init();
})();
