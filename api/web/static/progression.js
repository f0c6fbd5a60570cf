/* movequal: the patient page's "Ready for more?" section — per task, the progression gate's recommendation,
   its reasons, a clinician's override (recorded through the API) and the quality-vs-load chart (SVG, no library).
   Data: GET /v1/patients/{id}/progression; overrides: POST …/progression/{movement}/override (docs/PROGRESSION.md). */
(function () {
  "use strict";

  var mq = window.mq;
  var NS = "http://www.w3.org/2000/svg";
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

  function svg(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /** Nice load-axis ticks from 0 to at least `hi` kg. */
  function loadTicks(hi) {
    var top = Math.max(hi, 1) * 1.15;
    var raw = top / 4, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    var out = [];
    for (var v = 0; v < top + step * 1e-6; v += step) { out.push(+v.toFixed(6)); }
    if (out[out.length - 1] < top) { out.push(+(out[out.length - 1] + step).toFixed(6)); }
    return out;
  }

  function pointTitle(p, task) {
    return [
      mq.fmtDate(p.session_date),
      "Score " + mq.fmtNumber(p.score, 0) + " (target " + num(task.target_score) + ")",
      "Load " + loadText(p.load_kg),
      "Compensation: " + (p.compensation || "none consistent"),
      "Pain before \u2192 after: " + painText(p),
      "Quality threshold load: " + (p.threshold_kg == null ? "none yet" : loadText(p.threshold_kg))
    ].join("\n");
  }

  /** Draw score (0–100, left), load (bars, right axis, kg) and the quality threshold load (step line). */
  function drawChart(container, task) {
    container.textContent = "";
    var pts = window.mqChart.ordered(task.points || []);
    if (!pts.length) {
      container.appendChild(mq.el("div", "chart-empty", "No scored sessions of this task yet."));
      return;
    }
    var width = Math.max(300, container.clientWidth || 640);
    var narrow = width < 520;
    var m = { l: narrow ? 40 : 50, r: narrow ? 44 : 56, t: 30, b: 42 };
    var H = narrow ? 240 : 280;
    var plotW = width - m.l - m.r, n = pts.length;
    var slot = plotW / n;  // each session owns one slot: its load bar, its score dot and its threshold step
    var x = function (i) { return m.l + slot * (i + 0.5); };
    var yScore = function (v) { return m.t + (100 - v) / 100 * (H - m.t - m.b); };
    var loads = [];
    pts.forEach(function (p) {
      if (p.load_kg != null) { loads.push(p.load_kg); }
      if (p.threshold_kg != null) { loads.push(p.threshold_kg); }
    });
    var lt = loadTicks(loads.length ? Math.max.apply(null, loads) : 1), loadTop = lt[lt.length - 1];
    var yLoad = function (kg) { return m.t + (loadTop - kg) / loadTop * (H - m.t - m.b); };
    var root = svg("svg", {
      viewBox: "0 0 " + width + " " + H, height: H, role: "img", "class": "qload-svg",
      "aria-label": "Quality against load for " + mq.movementLabel(task.movement) + " across " + n + " session" +
        (n === 1 ? "" : "s") + "; the values are in the table below"
    });
    // grid and axes: score ticks on the left, load ticks on the right
    [0, 25, 50, 75, 100].forEach(function (v) {
      var yy = yScore(v);
      root.appendChild(svg("line", { "class": "gridline", x1: m.l, x2: width - m.r, y1: yy, y2: yy }));
      root.appendChild(svg("text", { x: m.l - 8, y: yy + 4, "text-anchor": "end" }, String(v)));
    });
    lt.forEach(function (kg) {
      root.appendChild(svg("text", { "class": "qload-load-tick", x: width - m.r + 8, y: yLoad(kg) + 4 }, num(kg)));
    });
    root.appendChild(svg("line", { "class": "axis", x1: m.l, x2: width - m.r, y1: H - m.b, y2: H - m.b }));
    root.appendChild(svg("line", { "class": "axis", x1: m.l, x2: m.l, y1: m.t, y2: H - m.b }));
    root.appendChild(svg("line", { "class": "axis", x1: width - m.r, x2: width - m.r, y1: m.t, y2: H - m.b }));
    root.appendChild(svg("text", { "class": "unit-label", x: m.l - (narrow ? 36 : 46), y: 14 }, "Score (0\u2013100)"));
    root.appendChild(svg("text", { "class": "unit-label", x: width - 4, y: 14, "text-anchor": "end" }, "Load (kg)"));
    // load bars
    var barW = Math.min(48, slot * 0.55);
    pts.forEach(function (p, i) {
      if (p.load_kg == null) { return; }
      var top = yLoad(p.load_kg), bottom = H - m.b;
      var bar = svg("rect", { "class": "qload-bar", x: x(i) - barW / 2, y: Math.min(top, bottom - 2), width: barW,
        height: Math.max(2, bottom - top) });
      bar.appendChild(svg("title", {}, mq.fmtDate(p.session_date) + ": load " + loadText(p.load_kg)));
      root.appendChild(bar);
    });
    // target score
    if (task.target_score != null) {
      var ty = yScore(task.target_score);
      root.appendChild(svg("line", { "class": "qload-target", x1: m.l, x2: width - m.r, y1: ty, y2: ty }));
      root.appendChild(svg("text", { "class": "qload-target-label", x: m.l + 4, y: ty - 4 }, "target " + num(task.target_score)));
    }
    // quality threshold load: a step line, one flat step per session, broken where there is none yet
    var d = "", prev = null;
    pts.forEach(function (p, i) {
      if (p.threshold_kg == null) { prev = null; return; }
      var yy = yLoad(p.threshold_kg).toFixed(1), x1 = (x(i) - slot / 2 + (i === 0 ? slot * 0.2 : 0)).toFixed(1);
      var x2 = (x(i) + slot / 2 - (i === n - 1 ? slot * 0.2 : 0)).toFixed(1);
      d += (prev === null ? "M" + x1 + " " + yy : "L" + x1 + " " + yy) + "L" + x2 + " " + yy;
      prev = yy;
    });
    if (d) {
      var step = svg("path", { "class": "qload-threshold", d: d });
      step.appendChild(svg("title", {}, "Quality threshold load: the heaviest load still done without a moderate or severe compensation"));
      root.appendChild(step);
    }
    // score line (two sessions or more) and one dot per session
    if (n > 1) {
      root.appendChild(svg("path", { "class": "line qload-line", d: pts.map(function (p, i) {
        return (i ? "L" : "M") + x(i).toFixed(1) + " " + yScore(p.score).toFixed(1);
      }).join("") }));
    }
    pts.forEach(function (p, i) {
      var c = svg("circle", { "class": "pt qload-pt" + (p.compensation ? " has-compensation" : ""), cx: x(i),
        cy: yScore(p.score), r: narrow ? 6 : 5.5, tabindex: 0, "aria-label": pointTitle(p, task).replace(/\n/g, "; ") });
      c.appendChild(svg("title", {}, pointTitle(p, task)));
      root.appendChild(c);
    });
    // date labels, thinned when crowded
    var every = Math.max(1, Math.ceil(n * (narrow ? 52 : 86) / plotW));
    pts.forEach(function (p, i) {
      if (i % every && i !== n - 1) { return; }
      root.appendChild(svg("text", { x: x(i), y: H - m.b + 18, "text-anchor": "middle" }, mq.fmtDate(p.session_date, narrow)));
    });
    root.appendChild(svg("text", { x: (m.l + width - m.r) / 2, y: H - 4, "text-anchor": "middle" }, "Session date"));
    container.appendChild(root);
  }

  function chartKey() {
    var key = mq.el("div", "chart-key");
    [["sw-line", "Score"], ["sw-comp", "Score of a session with a consistent moderate or severe compensation"],
      ["sw-bar", "Load (kg, right axis)"], ["sw-threshold", "Quality threshold load"], ["sw-target", "Target score"]]
      .forEach(function (k) {
        var span = mq.el("span");
        span.appendChild(mq.el("span", "sw " + k[0]));
        span.appendChild(document.createTextNode(k[1]));
        key.appendChild(span);
      });
    return key;
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
    art.appendChild(chartKey());
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
    var timer = 0;
    window.addEventListener("resize", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (!state.data) { return; }
        Array.prototype.forEach.call(document.querySelectorAll(".qload-chart"), function (c) {
          var task = state.data.tasks.filter(function (t) { return t.movement === c.getAttribute("data-movement"); })[0];
          if (task) { drawChart(c, task); }
        });
      }, 150);
    });
  }

  window.mqGate = { reload: function () { return load(); }, drawChart: drawChart };
  init();
})();
