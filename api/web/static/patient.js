/* movequal: one patient — details, edit/delete, progress chart and sessions. */
(function () {
  "use strict";

  var mq = window.mq;
  var $ = function (id) { return document.getElementById(id); };
  var patientId = mq.pathId("patients");
  var base = "/v1/patients/" + encodeURIComponent(patientId || "");
  var state = { patient: null, sessions: [], progress: null, movement: null, metric: "score", refreshTimer: 0 };  // metric: a stable registry key

  /* ---------- Patient details ---------- */

  function renderPatient(p) {
    state.patient = p;
    document.title = p.reference + " \u00b7 movequal";
    $("crumb-current").textContent = p.reference;
    $("patient-reference").textContent = p.reference;
    var pdf = $("progress-pdf-link");
    if (pdf) { pdf.href = "/v1/patients/" + encodeURIComponent(p.id) + "/progress.pdf"; pdf.hidden = false; }
    $("patient-name").textContent = p.display_name || "";
    $("patient-notes").textContent = p.notes || "";
    $("patient-notes").hidden = !p.notes;
    var facts = $("patient-facts");
    facts.textContent = "";
    addFact(facts, "Sessions", String(p.sessions || 0));
    addFact(facts, "Last session", p.last_session_at ? mq.fmtDate(p.last_session_at) : "none yet");
    addFact(facts, "Added", mq.fmtDate(p.created_at));
    $("new-analysis-link").href = "/?patient=" + encodeURIComponent(p.id);
  }

  function addFact(host, label, value) {
    var span = mq.el("span", null, label + ": ");
    span.appendChild(mq.el("b", null, value));
    host.appendChild(span);
  }

  function loadPatient() {
    return mq.api(base).then(renderPatient, function (err) {
      if (err.status === 404) {
        $("patient-content").hidden = true;
        $("crumb-current").textContent = "Not found";
        mq.showAlert("This patient was not found. They may have been deleted.");
      } else {
        mq.showAlert("The patient could not be loaded: " + err.message);
      }
      throw err;
    });
  }

  /* ---------- Edit and delete ---------- */

  function openEdit() {
    var p = state.patient;
    if (!p) { return; }
    $("edit-reference").value = p.reference;
    $("edit-name").value = p.display_name || "";
    $("edit-notes").value = p.notes || "";
    $("patient-view").hidden = true;
    $("edit-form").hidden = false;
    $("edit-reference").focus();
  }

  function closeEdit() {
    $("edit-form").hidden = true;
    $("patient-view").hidden = false;
    $("edit-patient").focus();
  }

  function saveEdit(ev) {
    ev.preventDefault();
    var reference = $("edit-reference").value.trim();
    if (!reference || reference.length > 64) {
      mq.showAlert("The reference must be between 1 and 64 characters.");
      $("edit-reference").focus();
      return;
    }
    var name = $("edit-name").value.trim(), notes = $("edit-notes").value.trim();
    $("edit-save").disabled = true;
    mq.api(base, { method: "PATCH", json: { reference: reference, display_name: name || null, notes: notes || null } })
      .then(function (p) {
        renderPatient(p);
        closeEdit();
        mq.showAlert("Changes saved.", "success");
      }, function (err) { mq.showAlert(err.message); })
      .then(function () { $("edit-save").disabled = false; });
  }

  function deleteWarning(p) {
    var n = p.sessions || 0;
    return "Delete patient " + p.reference + (p.display_name ? " (" + p.display_name + ")" : "") + "?\n\n" +
      "This permanently deletes the patient and " + (n === 1 ? "their 1 analysis" : "all " + n + " of their analyses") +
      ", including annotated videos, reports and any kept original videos.\n\nThis cannot be undone.";
  }

  function deletePatient() {
    var p = state.patient;
    if (!p || !window.confirm(deleteWarning(p))) { return; }
    $("delete-patient").disabled = true;
    mq.api(base, { method: "DELETE" }).then(function () {
      location.assign("/patients?deleted=" + encodeURIComponent(p.reference));
    }, function (err) {
      $("delete-patient").disabled = false;
      mq.showAlert("The patient could not be deleted: " + err.message);
    });
  }

  /* ---------- Sessions ---------- */

  function statusCell(a) {
    var td = mq.el("td", "nowrap");
    var text = { queued: "Queued", running: "Running", done: "Done", failed: "Failed" }[a.status] || a.status;
    if (a.status === "running") { text += " " + Math.round(a.progress || 0) + " %"; }
    var pill = mq.el("span", "pill status-" + a.status, text);
    if (a.status === "failed" && a.error) { pill.title = a.error; }
    td.appendChild(pill);
    return td;
  }

  function loadText(d) {
    if (!d || d.load_kg === null || d.load_kg === undefined) { return "\u2014"; }
    return d.load_kg === 0 ? "Body weight" : String(d.load_kg) + "\u00a0kg";
  }

  function painText(d) {
    if (!d || (d.pain_before == null && d.pain_after == null)) { return "\u2014"; }
    var show = function (v) { return v === null || v === undefined ? "?" : String(v); };
    return show(d.pain_before) + " \u2192 " + show(d.pain_after);
  }

  function sessionRow(a) {
    var href = (a.links && a.links.page) || "/analyses/" + encodeURIComponent(a.id);
    var tr = mq.el("tr", "is-link");
    var date = mq.el("td", "nowrap");
    var link = mq.el("a", null, mq.fmtDate(a.session_date));
    link.href = href;
    date.appendChild(link);
    tr.appendChild(date);
    tr.appendChild(mq.el("td", null, mq.movementLabel(a.movement) + (a.view ? " \u00b7 " + a.view : "")));
    tr.appendChild(mq.el("td", "r num", mq.fmtNumber(a.score, 0)));
    tr.appendChild(mq.el("td", "r num", a.reps === null || a.reps === undefined ? "\u2014" : String(a.reps)));
    tr.appendChild(mq.el("td", "r num nowrap", loadText(a.dose)));
    tr.appendChild(mq.el("td", "r num nowrap", painText(a.dose)));
    tr.appendChild(statusCell(a));
    tr.appendChild(mq.el("td", "hide-sm muted small", a.source_name || ""));
    tr.addEventListener("click", function (ev) {
      if (!ev.target.closest("a")) { location.assign(href); }
    });
    return tr;
  }

  function renderSessions(data) {
    var items = (data && data.items) || [];
    var body = $("sessions-body");
    body.textContent = "";
    if (!items.length) {
      var tr = mq.el("tr"), td = mq.el("td", "empty", "No sessions yet. Start with \u201cNew analysis for this patient\u201d.");
      td.colSpan = 8;
      tr.appendChild(td);
      body.appendChild(tr);
    }
    items.forEach(function (a) { body.appendChild(sessionRow(a)); });
    var total = (data && data.total) || items.length;
    $("sessions-note").textContent = total > items.length ? "Showing the latest " + items.length + " of " + total : "";
    state.sessions = items;
  }

  function isActive(a) { return a.status === "queued" || a.status === "running"; }

  function loadSessions() {
    var url = "/v1/analyses?patient_id=" + encodeURIComponent(patientId) + "&limit=50";
    return mq.api(url).then(function (data) {
      var wasActive = state.sessions.filter(isActive).length;
      renderSessions(data);
      var active = state.sessions.filter(isActive).length;
      if (wasActive > active) {
        loadProgress();
        loadPatient().catch(function () {});
        if (window.mqGate) { window.mqGate.reload(); }
      }
      clearTimeout(state.refreshTimer);
      if (active) { state.refreshTimer = setTimeout(loadSessions, 3000); }
    }, function (err) {
      mq.showAlert("The sessions could not be loaded: " + err.message);
    });
  }

  /* ---------- Progress ---------- */

  function seriesFor(movement) {
    return ((state.progress && state.progress.series) || []).filter(function (s) { return s.movement === movement; });
  }

  function currentSeries() {
    var list = seriesFor(state.movement);
    return list.filter(function (s) { return s.key === state.metric; })[0] || list[0] || null;
  }

  function fillSelect(select, options, value) {
    select.textContent = "";
    options.forEach(function (o) {
      var opt = mq.el("option", null, o.label);
      opt.value = o.value;
      select.appendChild(opt);
    });
    select.value = value;
  }

  function setupMovements() {
    var movements = state.progress.movements || [];
    if (movements.indexOf(state.movement) < 0) { state.movement = movements[0] || null; }
    fillSelect($("movement-select"), movements.map(function (m) { return { value: m, label: mq.movementLabel(m) }; }), state.movement);
    $("movement-field").hidden = movements.length < 2;
    $("chart-controls").hidden = !movements.length;
  }

  function setupMetrics() {
    var list = seriesFor(state.movement);
    if (!list.some(function (s) { return s.key === state.metric; })) {
      var score = list.filter(function (s) { return s.key === "score"; })[0];
      state.metric = score ? "score" : (list[0] && list[0].key);
    }
    fillSelect($("metric-select"), list.map(function (s) { return { value: s.key, label: s.label || s.metric }; }), state.metric);
  }

  function directionText(s) {
    if (s.higher_is_better === true) { return "Higher is better"; }
    if (s.higher_is_better === false) { return "Lower is better"; }
    return "Neither direction is better in itself";
  }

  function verdictOf(s) {
    if (s.verdict) { return s.verdict; }
    if (s.change === null || s.change === undefined) { return null; }
    return s.change_exceeds_error ? "changed" : "no real change";
  }

  function verdictClass(verdict) {
    if (verdict === "not comparable") { return "verdict-na"; }
    return verdict === "no real change" || !verdict ? "verdict-none" : "verdict-" + verdict;
  }

  /** A measurement error with two significant digits, so a small one never reads "±0.0". */
  function errorText(s) {
    if (!(s.measurement_error > 0)) { return "not known"; }
    var digits = Math.max(0, 1 - Math.floor(Math.log10(s.measurement_error)));
    return "\u00b1" + s.measurement_error.toFixed(digits) + (s.unit ? " " + s.unit : "");
  }

  /** Build the plain-language statement under the chart. */
  function changeParts(s) {
    var pts = window.mqChart.ordered(s.points || []);
    if (!pts.length) { return [["No measurements of this measure yet."]]; }
    if (pts.length === 1) {
      return [["Only one session so far (" + mq.fmtDate(pts[0].session_date) + "). Progress needs at least two sessions of the same movement."]];
    }
    var first = pts[0], last = pts[pts.length - 1];
    var change = s.change !== null && s.change !== undefined ? s.change : last.value - first.value;
    var verdict = verdictOf(s) || "no real change";
    if (verdict === "not comparable") {
      return [["Not comparable: " + (s.note || "the two sessions measured this differently") + ". Film the sessions from the same side to compare them."]];
    }
    var compare = s.change_exceeds_error ? " \u2014 larger than the measurement error (" : " \u2014 within the measurement error (";
    return [
      ["Change since first session (" + mq.fmtDate(first.session_date) + " \u2192 " + mq.fmtDate(last.session_date) + "): "],
      [mq.fmtChange(change, s.unit), true],
      [compare + errorText(s) + "): "],
      [verdict, true],
      ["."]
    ];
  }

  function renderChange(s) {
    var p = $("change-text");
    p.textContent = "";
    changeParts(s).forEach(function (part) { p.appendChild(mq.el(part[1] ? "strong" : "span", null, part[0])); });
    var multi = (s.points || []).length > 1;
    p.className = "change-text" + (multi ? " " + verdictClass(verdictOf(s)) : "");
    p.hidden = false;
  }

  function lastValue(s) {
    var pts = window.mqChart.ordered(s.points || []);
    return { first: pts.length ? pts[0].value : null, last: pts.length ? pts[pts.length - 1].value : null, n: pts.length };
  }

  function metricRow(s) {
    var v = lastValue(s), verdict = v.n > 1 ? verdictOf(s) : null;
    var tr = mq.el("tr", "is-link" + (s.change_exceeds_error && v.n > 1 ? " is-real" : "") + (s.key === state.metric ? " is-selected" : ""));
    var name = mq.el("td");
    var pick = mq.el("button", "link-btn", s.label || s.metric);
    pick.type = "button";
    pick.setAttribute("aria-label", "Show " + (s.label || s.metric) + " in the chart");
    name.appendChild(pick);
    tr.appendChild(name);
    tr.appendChild(mq.el("td", "r num nowrap", mq.fmtValue(v.first, s.unit)));
    tr.appendChild(mq.el("td", "r num nowrap", v.n > 1 ? mq.fmtValue(v.last, s.unit) : "\u2014"));
    tr.appendChild(mq.el("td", "r num nowrap change", v.n > 1 ? mq.fmtChange(s.change !== null && s.change !== undefined ? s.change : v.last - v.first, s.unit) : "\u2014"));
    tr.appendChild(mq.el("td", "r num nowrap", errorText(s)));
    var cell = mq.el("td");
    var word = verdict || "needs 2 sessions";
    cell.appendChild(mq.el("span", "pill " + verdictClass(verdict), word.charAt(0).toUpperCase() + word.slice(1)));
    tr.appendChild(cell);
    tr.addEventListener("click", function () { selectMetric(s.key); });
    return tr;
  }

  function renderMetricsTable() {
    var body = $("metrics-body");
    body.textContent = "";
    var list = seriesFor(state.movement);
    list.forEach(function (s) { body.appendChild(metricRow(s)); });
    $("metrics-wrap").hidden = !list.length;
  }

  function renderChart() {
    var s = currentSeries();
    var chart = $("progress-chart");
    if (!s) {
      if (chart.mqChart) { chart.mqChart.destroy(); }
      chart.textContent = "";
      chart.appendChild(mq.el("div", "chart-empty", "No completed analyses yet. Progress appears here once this patient's analyses have finished."));
      $("change-text").hidden = true;
      $("chart-key").hidden = true;
      $("metrics-wrap").hidden = true;
      return;
    }
    $("direction-text").textContent = directionText(s);
    window.mqChart.draw(chart, s);
    $("chart-key").hidden = !(s.points && s.points.length);
    renderChange(s);
    renderMetricsTable();
  }

  function selectMetric(metric) {
    state.metric = metric;
    $("metric-select").value = metric;
    renderChart();
  }

  function loadProgress() {
    return mq.api(base + "/progress").then(function (data) {
      state.progress = data || { movements: [], series: [] };
      setupMovements();
      setupMetrics();
      renderChart();
    }, function (err) {
      if ($("progress-chart").mqChart) { $("progress-chart").mqChart.destroy(); }
      $("progress-chart").textContent = "";
      $("progress-chart").appendChild(mq.el("div", "chart-empty", "Progress could not be loaded."));
      if (err.status !== 404) { mq.showAlert("Progress could not be loaded: " + err.message); }
    });
  }

  /* ---------- Start ---------- */

  function bind() {
    $("edit-patient").addEventListener("click", openEdit);
    $("edit-cancel").addEventListener("click", closeEdit);
    $("edit-form").addEventListener("submit", saveEdit);
    $("delete-patient").addEventListener("click", deletePatient);
    $("movement-select").addEventListener("change", function () {
      state.movement = $("movement-select").value;
      setupMetrics();
      renderChart();
    });
    $("metric-select").addEventListener("change", function () { selectMetric($("metric-select").value); });
    // no resize handler: the chart follows its box's width itself (MQCharts observes it)
  }

  function init() {
    if (!patientId) {
      $("patient-content").hidden = true;
      mq.showAlert("No patient was given in the address.");
      return;
    }
    bind();
    loadPatient().then(mq.movementsReady).then(function () {
      loadSessions();
      loadProgress();
    }, function () {});
  }

  init();
})();
