/* movequal result page: "Compare with a baseline" (the panel from api/compare_page.py).
   Lists the patient's other finished sessions (the same movement first), and for the one chosen draws
   GET /v1/analyses/{id}/comparison: what differs between the sessions, each metric's change against its
   MDC, and both sessions' rep curves overlaid. The markup and classes are those of the downloadable
   report's comparison (movequal/report/baseline.py, curves_section.py), so both look alike. */
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

  var W = 360, H = 210, M = { l: 36, r: 18, t: 10, b: 36 }, XTICKS = [0, 25, 50, 75, 100];
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

  /* ---------- Charts (the same SVG as movequal/report/curves_section.py) ---------- */

  function ticks(lo, hi, n) {
    var raw = (hi - lo) / n, mag = Math.pow(10, Math.floor(Math.log10(raw))), f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag, out = [];
    for (var k = Math.ceil(lo / step); k <= Math.floor(hi / step + 1e-6); k++) { out.push(+(k * step).toFixed(6)); }
    return out;
  }
  function percents(n) {
    var p = [];
    for (var i = 0; i < n; i++) { p.push(n > 1 ? 100 * i / (n - 1) : 0); }
    return p;
  }
  function axes(curves) {
    var lo = Infinity, hi = -Infinity;
    curves.forEach(function (c) {
      c.mean.forEach(function (m, i) { lo = Math.min(lo, m - c.sd[i]); hi = Math.max(hi, m + c.sd[i]); });
    });
    var pad = Math.max((hi - lo) * 0.08, 2);
    var a = { lo: lo - pad, hi: hi + pad };
    a.x = function (p) { return M.l + p / 100 * (W - M.l - M.r); };
    a.y = function (v) { return M.t + (a.hi - v) / (a.hi - a.lo) * (H - M.t - M.b); };
    return a;
  }
  function pt(a, p, v) { return a.x(p).toFixed(1) + " " + a.y(v).toFixed(1); }
  function linePath(c, a) {
    var p = percents(c.mean.length);
    return "M" + c.mean.map(function (v, i) { return pt(a, p[i], v); }).join("L");
  }
  function bandPath(c, a) {
    var p = percents(c.mean.length), up = [], down = [];
    c.mean.forEach(function (m, i) { up.push(pt(a, p[i], m + c.sd[i])); down.unshift(pt(a, p[i], m - c.sd[i])); });
    return "M" + up.concat(down).join("L") + "Z";
  }
  function describe(c) {
    var peak = 0;
    c.mean.forEach(function (v, i) { if (v > c.mean[peak]) { peak = i; } });
    var at = Math.round(percents(c.mean.length)[peak]);
    return "starts at " + c.mean[0].toFixed(0) + "\u00b0, peaks at " + c.mean[peak].toFixed(0) + "\u00b0 at " + at +
      " % of the rep and ends at " + c.mean[c.mean.length - 1].toFixed(0) + "\u00b0 (mean of " + c.reps + " rep" +
      (c.reps === 1 ? "" : "s") + ", widest spread \u00b1" + Math.max.apply(null, c.sd).toFixed(1) + "\u00b0)";
  }

  function chart(label, now, base, ident) {
    var a = axes(base ? [now, base] : [now]), s = [];
    var words = "This session " + describe(now) + "." + (base ? " Baseline " + describe(base) + "." : "");
    s.push("<figure class=\"curve\"><figcaption>" + esc(label) + " <span class=\"muted small\">(degrees; " + now.reps +
      " rep" + (now.reps === 1 ? "" : "s") + ", " + esc(METHOD[now.method] || now.method) + ")</span></figcaption>");
    s.push("<svg viewBox=\"0 0 " + W + " " + H + "\" role=\"img\" aria-labelledby=\"" + ident + "-t " + ident + "-d\">");
    s.push("<title id=\"" + ident + "-t\">" + esc(label) + " over a repetition</title>");
    s.push("<desc id=\"" + ident + "-d\">" + esc(words) + "</desc>");
    ticks(a.lo, a.hi, 4).forEach(function (v) {
      var y = a.y(v).toFixed(1);
      s.push("<line class=\"rc-grid\" x1=\"" + M.l + "\" x2=\"" + (W - M.r) + "\" y1=\"" + y + "\" y2=\"" + y + "\"/>");
      s.push("<text x=\"" + (M.l - 6) + "\" y=\"" + (+y + 4).toFixed(1) + "\" text-anchor=\"end\">" + v + "</text>");
    });
    var bottom = H - M.b;
    XTICKS.forEach(function (p) {
      s.push("<text x=\"" + a.x(p).toFixed(1) + "\" y=\"" + (bottom + 15) + "\" text-anchor=\"middle\">" + p + " %</text>");
    });
    s.push("<line class=\"rc-axis\" x1=\"" + M.l + "\" x2=\"" + (W - M.r) + "\" y1=\"" + bottom + "\" y2=\"" + bottom + "\"/>");
    s.push("<text x=\"" + a.x(50).toFixed(1) + "\" y=\"" + (H - 4) + "\" text-anchor=\"middle\">% of the repetition</text>");
    (base ? [["base", base], ["now", now]] : [["now", now]]).forEach(function (k) {
      s.push("<path class=\"rc-band-" + k[0] + "\" d=\"" + bandPath(k[1], a) + "\"/><path class=\"rc-mean-" + k[0] +
        "\" d=\"" + linePath(k[1], a) + "\"/>");
    });
    s.push("</svg></figure>");
    return s.join("");
  }

  function swatch(kind) {
    return "<svg class=\"rc-swatch\" width=\"26\" height=\"12\" aria-hidden=\"true\"><rect class=\"rc-band-" + kind +
      "\" x=\"0\" y=\"1\" width=\"26\" height=\"10\"/><line class=\"rc-mean-" + kind + "\" x1=\"0\" x2=\"26\" y1=\"6\" y2=\"6\"/></svg>";
  }

  function curvesHtml(data) {
    var figures = [], overlaid = false;
    data.curves.forEach(function (pair, i) {
      if (!pair.current) { return; }
      var base = pair.comparable ? pair.baseline : null;
      overlaid = overlaid || !!base;
      var fig = chart(pair.label, pair.current, base, "cmp" + i);
      if (!base) {
        var why = pair.baseline
          ? "Baseline not drawn: it was " + (READ[pair.baseline.method] || pair.baseline.method) + ", this session " +
            (READ[pair.current.method] || pair.current.method) + "; the two readings can differ by tens of degrees."
          : "The baseline has no curve of this angle.";
        fig = fig.replace("</figure>", "<p class=\"note small\">" + esc(why) + "</p></figure>");
      }
      figures.push(fig);
    });
    if (!figures.length) {
      return "<p class=\"muted\">No rep curves to compare: one of the sessions has no full repetition, or the movement " +
        "has no repetitions.</p>";
    }
    var key = "<div class=\"key\"><span>" + swatch("now") + "This session, " + esc(mq.fmtDate(data.session_date)) +
      ": mean \u00b1 1 SD</span>" + (overlaid ? "<span>" + swatch("base") + "Baseline, " +
      esc(mq.fmtDate(data.baseline_date)) + "</span>" : "") + "</div>";
    return key + "<div class=\"curves\">" + figures.join("") + "</div>";
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
    if (sameTask) {
      s.push("<h3>Rep curves</h3>" + curvesHtml(data));
    }
    out.innerHTML = s.join("");
  }

  function compare() {
    var baseline = select.value, seq = ++requestSeq;
    out.textContent = "";
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
