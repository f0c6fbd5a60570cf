/* movequal: the patient page's "Ready for more?" section — per task, the progression gate's recommendation,
   its reasons, a clinician's override (recorded through the API) and the quality-vs-load chart (MQCharts, uPlot).
   Data: GET /v1/patients/{id}/progression; overrides: POST …/progression/{movement}/override (docs/PROGRESSION.md). */
(function () {
  "use strict";

  var mq = window.mq;
  var DECISIONS = ["progress", "hold", "step back"];
  var LABELS = { progress: "Progress", hold: "Hold", "step back": "Step back" };
  var patientId = mq.pathId("patients");
  var base = "/v1/patients/" + encodeURIComponent(patientId || "");
  var host = function () { return document.getElementById("gate-tasks"); };
  var state = { data: null };

  /* ---------- Formatting ---------- */

  function decisionLabel(d) { return LABELS[d] || d; }
  function decisionClass(d) { return "gate-badge gate-" + String(d).replace(/\s+/g, "-"); }
  function num(v) { return String(Math.round(v * 100) / 100); }

  function loadText(kg) {
    if (kg === null || kg === undefined) { return "not recorded"; }
    return kg === 0 ? "body weight" : num(kg) + "\u00a0kg";
  }

  function painText(p) {
    if (p.pain_before == null && p.pain_after == null) { return "not recorded"; }
    var show = function (v) { return v === null || v === undefined ? "?" : String(v); };
    return show(p.pain_before) + " \u2192 " + show(p.pain_after);
  }

  function slug(movement) { return String(movement).replace(/[^a-z0-9]+/gi, "-").toLowerCase(); }

  /* ---------- Chart ---------- */

  var COLORS = { score: "#1d4e89", load: "#8a9bb0", threshold: "#1e6b45", comp: "#d97000", target: "#5a6878" };

  /** The load axis' top: a round number of kg above the heaviest load or threshold (at least 5 kg). */
  function loadTop(hi) {
    var top = Math.max(hi, 4) * 1.15;  // at least 0–5 kg, so body weight alone gets whole-kg ticks
    var raw = top / 4, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    return Math.ceil(top / step - 1e-9) * step;
  }

  function pointLines(p, task) {
    return [
      mq.fmtDate(p.session_date),
      "Score " + mq.fmtNumber(p.score, 0) + " (target " + num(task.target_score) + ")",
      "Load " + loadText(p.load_kg),
      "Compensation: " + (p.compensation || "none consistent"),
      "Pain before \u2192 after: " + painText(p),
      "Quality threshold load: " + (p.threshold_kg == null ? "none yet" : loadText(p.threshold_kg)),
      "Click to open this session"
    ];
  }

  function kgOrNull(v) { return v === null || v === undefined ? null : v; }

  /** Score (0–100, left axis) per session, its load as bars and the quality threshold load as a step line (kg,
      right axis), the target score as a dashed line; sessions with a consistent moderate or severe compensation
      are marked by a second, orange points series. */
  function drawChart(container, task) {
    if (container.mqChart && container.mqChart.destroy) { container.mqChart.destroy(); }
    container.textContent = "";
    var pts = window.mqChart.ordered(task.points || []);
    if (!pts.length) {
      container.appendChild(mq.el("div", "chart-empty", "No scored sessions of this task yet."));
      return null;
    }
    var n = pts.length, narrow = (container.clientWidth || 640) < 520;
    var kgs = [];
    pts.forEach(function (p) {
      if (p.load_kg != null) { kgs.push(p.load_kg); }
      if (p.threshold_kg != null) { kgs.push(p.threshold_kg); }
    });
    var top = loadTop(kgs.length ? Math.max.apply(null, kgs) : 1);
    var kgFormat = function (v) { return num(v) + "\u00a0kg"; };
    var scoreFormat = function (v) { return mq.fmtNumber(v, 0); };
    return window.MQCharts.create(container, {
      name: "quality-against-load-" + slug(task.movement),
      title: "Quality against load: " + mq.movementLabel(task.movement),
      description: "Quality against load for " + mq.movementLabel(task.movement) + " across " + n + " session" +
        (n === 1 ? "" : "s") + "; the values are in the table below.",
      height: narrow ? 250 : 290, table: false,
      x: window.MQCharts.sessionAxis(pts.map(function (p) { return p.session_date; }), mq.fmtDate, narrow),
      axes: {
        y: { label: "Score (0\u2013100)", range: [0, 100], format: scoreFormat },
        kg: { label: "Load (kg)", range: [0, top], side: "right", format: num }
      },
      series: [
        { label: "Load (kg, right axis)", kind: "bars", scale: "kg", color: COLORS.load, format: kgFormat,
          values: pts.map(function (p) { return kgOrNull(p.load_kg); }) },
        { label: "Quality threshold load (kg)", kind: "step", scale: "kg", color: COLORS.threshold, width: 3,
          dash: [7, 4], extend: true, format: kgFormat,
          values: pts.map(function (p) { return kgOrNull(p.threshold_kg); }) },
        { label: "Score", kind: "line", color: COLORS.score, width: 2.5, pointSize: 9, format: scoreFormat,
          values: pts.map(function (p) { return p.score; }) },
        { label: "Score with a consistent moderate or severe compensation", kind: "points", color: COLORS.comp,
          pointSize: 13, format: scoreFormat,
          values: pts.map(function (p) { return p.compensation ? p.score : null; }) }
      ],
      lines: task.target_score == null ? [] :
        [{ value: task.target_score, scale: "y", color: COLORS.target, dash: [2, 3], label: "target " + num(task.target_score) }],
      tooltip: function (i) { return pointLines(pts[i], task); },
      onPick: function (i) {
        if (pts[i] && pts[i].analysis_id) { location.assign("/analyses/" + encodeURIComponent(pts[i].analysis_id)); }
      }
    });
  }

  function pointsTable(task, headingId) {
    var wrap = mq.el("div", "table-scroll");
    var table = mq.el("table", "table table-min qload-table");
    table.setAttribute("aria-labelledby", headingId);
    var head = mq.el("thead"), tr = mq.el("tr");
    ["Date", "Load", "Score", "Worst consistent compensation", "Pain before \u2192 after", "Threshold load"]
      .forEach(function (h, i) {
        var th = mq.el("th", i === 1 || i === 2 || i === 5 ? "r" : null, h);
        th.scope = "col";
        tr.appendChild(th);
      });
    head.appendChild(tr);
    table.appendChild(head);
    var body = mq.el("tbody");
    window.mqChart.ordered(task.points || []).forEach(function (p) {
      var row = mq.el("tr");
      var date = mq.el("td", "nowrap");
      var link = mq.el("a", null, mq.fmtDate(p.session_date));
      link.href = "/analyses/" + encodeURIComponent(p.analysis_id);
      date.appendChild(link);
      row.appendChild(date);
      row.appendChild(mq.el("td", "r num nowrap", loadText(p.load_kg)));
      row.appendChild(mq.el("td", "r num", mq.fmtNumber(p.score, 0)));
      row.appendChild(mq.el("td", p.compensation ? "qload-comp" : "muted", p.compensation || "none"));
      row.appendChild(mq.el("td", "nowrap", painText(p)));
      row.appendChild(mq.el("td", "r num nowrap", p.threshold_kg == null ? "none yet" : loadText(p.threshold_kg)));
      body.appendChild(row);
    });
    table.appendChild(body);
    wrap.appendChild(table);
    return wrap;
  }

  /* ---------- Recommendation and override ---------- */

  function gateBlock(task) {
    var box = mq.el("div", "gate-answer");
    var gate = mq.el("div", "gate-decision");
    gate.appendChild(mq.el("span", "gate-who", "The gate recommends"));
    gate.appendChild(mq.el("span", decisionClass(task.recommendation) + " gate-recommendation", decisionLabel(task.recommendation)));
    box.appendChild(gate);
    if (task.override) {
      var o = task.override;
      var own = mq.el("div", "gate-decision gate-override");
      own.appendChild(mq.el("span", "gate-who", "Clinician decided"));
      own.appendChild(mq.el("span", decisionClass(o.decision), decisionLabel(o.decision)));
      own.appendChild(mq.el("span", "gate-override-reason", "\u2014 " + o.reason));
      own.appendChild(mq.el("span", "muted small", mq.fmtDateTime(o.created_at) + " (the gate said " +
        decisionLabel(o.recommended).toLowerCase() + ")"));
      box.appendChild(own);
    }
    var facts = mq.el("div", "facts gate-facts");
    var fact = function (label, value) {
      var span = mq.el("span", null, label + ": ");
      span.appendChild(mq.el("b", null, value));
      facts.appendChild(span);
    };
    fact("Load now", loadText(task.load_kg));
    if (task.recommendation === "step back") {
      fact("Suggested load", task.suggested_load_kg == null ? "reduce load, range or speed" : loadText(task.suggested_load_kg));
    }
    fact("Target score", num(task.target_score));
    box.appendChild(facts);
    var reasons = mq.el("ul", "gate-reasons");
    (task.reasons || []).forEach(function (r) { reasons.appendChild(mq.el("li", null, r)); });
    box.appendChild(reasons);
    return box;
  }

  function overrideForm(task, id) {
    var details = mq.el("details", "gate-override-form");
    details.appendChild(mq.el("summary", null, task.override ? "Change the clinician's decision" : "Decide differently (override)"));
    var form = mq.el("form");
    form.noValidate = false;
    var field = function (label, control) {
      var f = mq.el("div", "field");
      var l = mq.el("label", null, label);
      l.htmlFor = control.id;
      f.appendChild(l);
      f.appendChild(control);
      return f;
    };
    var select = mq.el("select");
    select.id = id + "-decision";
    select.name = "decision";
    select.required = true;
    DECISIONS.forEach(function (d) {
      var opt = mq.el("option", null, decisionLabel(d));
      opt.value = d;
      select.appendChild(opt);
    });
    select.value = task.override ? task.override.decision : task.recommendation;
    var reason = mq.el("textarea");
    reason.id = id + "-reason";
    reason.name = "reason";
    reason.rows = 2;
    reason.required = true;
    reason.minLength = 3;
    reason.maxLength = 1000;
    var fields = mq.el("div", "gate-form-fields");
    fields.appendChild(field("Your decision", select));
    fields.appendChild(field("Reason (recorded with the decision)", reason));
    form.appendChild(fields);
    var button = mq.el("button", "btn", "Record decision");
    button.type = "submit";
    form.appendChild(button);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var text = reason.value.trim();
      if (text.length < 3) {
        mq.showAlert("Give the reason for the decision (at least 3 characters).");
        reason.focus();
        return;
      }
      button.disabled = true;
      mq.api(base + "/progression/" + encodeURIComponent(task.movement) + "/override",
        { method: "POST", json: { decision: select.value, reason: text } })
        .then(function () {
          mq.showAlert("Decision recorded for " + mq.movementLabel(task.movement) + ".", "success");
          return load(task.movement);
        }, function (err) {
          button.disabled = false;
          mq.showAlert("The decision could not be recorded: " + err.message);
        });
    });
    details.appendChild(form);
    return details;
  }

  function taskArticle(task) {
    var id = "gate-" + slug(task.movement);
    var art = mq.el("article", "gate-task");
    art.id = id;
    art.setAttribute("aria-labelledby", id + "-heading");
    var h = mq.el("h3", null, mq.movementLabel(task.movement));
    h.id = id + "-heading";
    art.appendChild(h);
    art.appendChild(gateBlock(task));
    art.appendChild(overrideForm(task, id));
    var ch = mq.el("h4", "qload-heading", "Quality against load");
    ch.id = id + "-chart-heading";
    art.appendChild(ch);
    var chart = mq.el("div", "chart qload-chart");
    chart.setAttribute("data-movement", task.movement);
    art.appendChild(chart);
    art.appendChild(mq.el("p", "muted small qload-note", "Quality threshold load: the heaviest load still done " +
      "without a consistent moderate or severe compensation. The table below holds the same values."));
    art.appendChild(pointsTable(task, ch.id));
    return { node: art, chart: chart };
  }

  function render(focusMovement) {
    var box = host();
    box.textContent = "";
    var tasks = (state.data && state.data.tasks) || [];
    if (!tasks.length) {
      box.appendChild(mq.el("p", "chart-empty", "No scored sessions yet. The recommendation appears once an analysis has finished."));
      return;
    }
    var charts = [];
    tasks.forEach(function (task) {
      var made = taskArticle(task);
      box.appendChild(made.node);
      charts.push([made.chart, task]);
    });
    charts.forEach(function (c) { drawChart(c[0], c[1]); });  // after insertion, so the width is known
    if (focusMovement) {
      var heading = document.getElementById("gate-" + slug(focusMovement) + "-heading");
      if (heading) { heading.tabIndex = -1; heading.focus(); }
    }
  }

  function load(focusMovement) {
    return mq.api(base + "/progression").then(function (data) {
      state.data = data;
      render(focusMovement);
    }, function (err) {
      host().textContent = "";
      host().appendChild(mq.el("p", "chart-empty", "The recommendation could not be loaded."));
      if (err.status !== 404) { mq.showAlert("The recommendation could not be loaded: " + err.message); }
    });
  }

  function init() {
    if (!patientId || !host()) { return; }
    mq.movementsReady().then(function () { return load(); }, function () { return load(); });
    // no resize handler: each chart follows its own box's width (MQCharts observes it)
  }

  window.mqGate = { reload: function () { return load(); }, drawChart: drawChart };
  init();
})();
