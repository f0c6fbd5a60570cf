/* movequal result page: "Compare with a baseline" (the panel from api/compare_page.py).
   Lists the patient's other finished sessions (the same movement first), and for the one chosen draws
   GET /v1/analyses/{id}/comparison: what differs between the sessions, each metric's change against its
   MDC, and both sessions' rep curves overlaid. The markup and classes are those of the downloadable
   report's comparison (movequal/report/baseline.py, curves_section.py), and the curves are drawn by the same
   MQCharts.repCurve (movequal/report/charts/mq-charts.js, loaded by the page's report.js), so both look alike. */
(function () {
  "use strict";
  var panel = document.getElementById("compare");
  if (!panel || !window.mq) { return; }
  var mq = window.mq;
  var analysisId = panel.getAttribute("data-analysis");
  var patientId = panel.getAttribute("data-patient");
  var movement = panel.getAttribute("data-movement");
  var select = document.getElementById("compare-baseline");
  var status = document.getElementById("compare-status");
  var out = document.getElementById("compare-result");

  var METHOD = { image: "read from the picture (side view)", "3d": "from the 3D landmarks" };
  var READ = { image: "read from the picture (side view)", "3d": "read from the 3D landmarks" };
  var VIEWS = {
    "sagittal-left": "side view (left)", "sagittal-right": "side view (right)", frontal: "front view",
    oblique: "angled view", unknown: "unknown view"
  };
  var VERDICT_CLASS = {
    improved: "vd-improved", worsened: "vd-worsened", changed: "vd-changed", "no real change": "vd-same",
    "not comparable": "vd-not-comparable"
  };
  var requestSeq = 0;

  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  /* The report's number style: one decimal from 10 up, three significant digits below. */
  function num(v) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2013"; }
    return Math.abs(v) >= 10 ? v.toFixed(1) : String(Number(v.toPrecision(3)));
  }
  function withUnit(v, unit) {
    if (unit === "deg" || unit === "deg/s") { return num(v) + "\u00b0" + unit.slice(3); }
    if (unit === "ratio" || !unit) { return num(v); }
    return num(v) + " " + unit;
  }
  function signed(v, unit) {
    var sign = v > 0 ? "+" : v < 0 ? "\u2212" : "";
    return sign + withUnit(Math.abs(v), unit);
  }

  /* ---------- Charts (drawn like movequal/report/curves_section.py's, by MQCharts.repCurve) ---------- */

  function describe(c) {
    var peak = 0;
    c.mean.forEach(function (v, i) { if (v > c.mean[peak]) { peak = i; } });
    var at = c.mean.length > 1 ? Math.round(100 * peak / (c.mean.length - 1)) : 0;
    return "starts at " + c.mean[0].toFixed(0) + "\u00b0, peaks at " + c.mean[peak].toFixed(0) + "\u00b0 at " + at +
      " % of the rep and ends at " + c.mean[c.mean.length - 1].toFixed(0) + "\u00b0 (mean of " + c.reps + " rep" +
      (c.reps === 1 ? "" : "s") + ", widest spread \u00b1" + Math.max.apply(null, c.sd).toFixed(1) + "\u00b0)";
  }

  /* A curve as report.json has it (the API's pair carries the label once, beside the two curves). */
  function asCurve(label, c) {
    return c ? { label: label, mean: c.mean, sd: c.sd, reps: c.reps, method: c.method } : null;
  }

  function figureHtml(pair, overlaid) {
    var now = pair.current, reps = now.reps;
    var note = "";
    if (!overlaid) {
      note = "<p class=\"note small\">" + esc(pair.baseline
        ? "Baseline not drawn: it was " + (READ[pair.baseline.method] || pair.baseline.method) + ", this session " +
          (READ[now.method] || now.method) + "; the two readings can differ by tens of degrees."
        : "The baseline has no curve of this angle.") + "</p>";
    }
    return "<figure class=\"curve\"><figcaption>" + esc(pair.label) + " <span class=\"muted small\">(degrees; " + reps +
      " rep" + (reps === 1 ? "" : "s") + ", " + esc(METHOD[now.method] || now.method) + ")</span></figcaption>" +
      "<div class=\"curve-chart\"></div>" + note + "</figure>";
  }

  /* The curves' markup, and a function that draws the charts once the markup is in the page. */
  function curves(data) {
    var pairs = data.curves.filter(function (pair) { return !!pair.current; });
    if (!pairs.length) {
      return { html: "<p class=\"muted\">No rep curves to compare: one of the sessions has no full repetition, or the " +
        "movement has no repetitions.</p>", draw: function () {} };
    }
    var overlaid = pairs.some(function (pair) { return pair.comparable && pair.baseline; });
    var html = "<p class=\"small\" id=\"compare-sessions\">This session: " + esc(mq.fmtDate(data.session_date)) +
      (overlaid ? "; baseline (orange, dashed): " + esc(mq.fmtDate(data.baseline_date)) : "") + ".</p>" +
      "<div class=\"curves\">" + pairs.map(function (pair) {
        return figureHtml(pair, !!(pair.comparable && pair.baseline));
      }).join("") + "</div>";
    return { html: html, draw: function (root) {
      if (!window.MQCharts) { return; }  // the page's charting layer (report.js) did not load: captions and notes stay
      var hosts = root.querySelectorAll(".curve-chart");
      pairs.forEach(function (pair, i) {
        var now = asCurve(pair.label, pair.current), base = pair.comparable ? asCurve(pair.label, pair.baseline) : null;
        var words = pair.label + " over a repetition. This session " + describe(now) + "." +
          (base ? " Baseline " + describe(base) + "." : "");
        window.MQCharts.repCurve(hosts[i], now, base, words, { now: "This session", base: "Baseline" });
      });
    } };
  }

  /* ---------- Differences and the metric table (as movequal/report/baseline.py) ---------- */

  function tableHtml(metrics) {
    var heads = ["Metric", "Baseline", "Now", "Change", "MDC (95 %)", "Verdict"].map(function (h, i) {
      return "<th scope=\"col\"" + (i >= 1 && i <= 4 ? " class=\"r\"" : "") + ">" + h + "</th>";
    }).join("");
    var rows = metrics.map(function (m) {
      var note = m.note ? "<div class=\"note small\">" + esc(m.note) + "</div>" : "";
      return "<tr><th scope=\"row\">" + esc(m.label) + "</th><td class=\"r num\">" + esc(withUnit(m.baseline, m.unit)) +
        "</td><td class=\"r num\">" + esc(withUnit(m.value, m.unit)) + "</td><td class=\"r num\">" +
        esc(signed(m.change, m.unit)) + "</td><td class=\"r num\">" + esc(m.error_text) + "</td><td><span class=\"" +
        (VERDICT_CLASS[m.verdict] || "") + "\">" + esc(m.verdict) + "</span>" + note + "</td></tr>";
    }).join("");
    return "<div class=\"scroll\"><table class=\"change-table\" id=\"compare-table\"><caption class=\"muted small\">Each " +
      "metric both sessions measured; a change is real only when it exceeds the minimal detectable change (MDC)." +
      "</caption><thead><tr>" + heads + "</tr></thead><tbody>" + rows + "</tbody></table></div>";
  }

  function render(data) {
    var s = ["<p><strong>Baseline:</strong> " + esc(mq.fmtDate(data.baseline_date)) + " \u2192 this session: " +
      esc(mq.fmtDate(data.session_date)) + "</p>"];
    if (data.differences.length) {
      s.push("<ul class=\"warnings\" id=\"compare-differences\">" + data.differences.map(function (d) {
        return "<li>" + esc(d) + "</li>";
      }).join("") + "</ul>");
    } else {
      s.push("<p id=\"compare-differences\">Same movement, camera view and pose model: every metric is measured the same way.</p>");
    }
    var sameTask = data.movement === (select.options[select.selectedIndex] || {}).getAttribute("data-movement");
    if (data.metrics.length) {
      s.push(tableHtml(data.metrics));
    } else if (sameTask) {
      s.push("<p class=\"muted\">No metric was measured in both sessions.</p>");
    }
    var drawn = sameTask ? curves(data) : null;
    if (drawn) {
      s.push("<h3>Rep curves</h3>" + drawn.html);
    }
    clear();
    out.innerHTML = s.join("");
    if (drawn) { drawn.draw(out); }
  }

  /* Empty the result, letting go of the charts drawn there (uPlot listens on the window until destroyed). */
  function clear() {
    Array.prototype.forEach.call(out.querySelectorAll(".mq-chart-host"), function (host) {
      if (host.mqChart) { host.mqChart.plot.destroy(); }
    });
    out.textContent = "";
  }

  function compare() {
    var baseline = select.value, seq = ++requestSeq;
    clear();
    if (!baseline) { status.textContent = ""; return; }
    status.textContent = "Comparing\u2026";
    mq.api("/v1/analyses/" + encodeURIComponent(analysisId) + "/comparison?baseline=" + encodeURIComponent(baseline))
      .then(function (data) {
        if (seq !== requestSeq) { return; }
        render(data);
        status.textContent = "Compared with the session of " + mq.fmtDate(data.baseline_date) + ".";
      }, function (err) {
        if (seq !== requestSeq) { return; }
        status.textContent = "";
        out.innerHTML = "<p class=\"compare-error\" role=\"alert\">" + esc(err.message) + "</p>";
      });
  }

  /* ---------- The session list ---------- */

  function optionFor(a) {
    var o = document.createElement("option");
    o.value = a.id;
    o.setAttribute("data-movement", a.movement);
    var parts = [mq.fmtDate(a.session_date), mq.movementLabel(a.movement)];
    if (a.score !== null && a.score !== undefined) { parts.push("score " + Math.round(a.score)); }
    if (a.view) { parts.push(VIEWS[a.view] || a.view); }
    parts.push(a.source_name);
    o.textContent = parts.join(" \u00b7 ");
    return o;
  }

  function fill(items) {
    var others = items.filter(function (a) { return a.id !== analysisId && a.status === "done"; });
    others.sort(function (a, b) {
      return a.session_date < b.session_date ? 1 : a.session_date > b.session_date ? -1 :
        (a.created_at < b.created_at ? 1 : -1);
    });
    select.textContent = "";
    if (!others.length) {
      select.appendChild(new Option("No other finished session", ""));
      status.textContent = "This patient has no other finished session to compare with.";
      return;
    }
    select.appendChild(new Option("Choose a session\u2026", ""));
    var same = others.filter(function (a) { return a.movement === movement; });
    var rest = others.filter(function (a) { return a.movement !== movement; });
    [[same, mq.movementLabel(movement) + " (same movement)"], [rest, "Other movements"]].forEach(function (g) {
      if (!g[0].length) { return; }
      var group = document.createElement("optgroup");
      group.label = g[1];
      g[0].forEach(function (a) { group.appendChild(optionFor(a)); });
      select.appendChild(group);
    });
    select.disabled = false;
  }

  select.addEventListener("change", compare);
  mq.movementsReady().then(function () {
    return mq.api("/v1/analyses?status=done&limit=200&patient_id=" + encodeURIComponent(patientId));
  }).then(function (data) { fill(data.items || []); }, function (err) {
    select.textContent = "";
    select.appendChild(new Option("Sessions unavailable", ""));
    status.textContent = "";
    out.innerHTML = "<p class=\"compare-error\" role=\"alert\">" + esc(err.message) + "</p>";
  });
})();
