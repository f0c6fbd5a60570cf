/* movequal: one metric across sessions on the patient page (window.mqChart.draw), drawn with the shared charting
   layer (MQCharts over uPlot, /report-assets/charts.js): one point per session, evenly spaced in session order,
   the first session's value ± the measurement error shaded, a tooltip per session, click or Enter opens it. */
(function () {
  "use strict";

  var BRAND = "#1d4e89";

  /** Points in session order (date, then the server's order for the same date). */
  function ordered(points) {
    return points.map(function (p, i) { return { p: p, i: i }; })
      .sort(function (a, b) {
        return a.p.session_date < b.p.session_date ? -1 : a.p.session_date > b.p.session_date ? 1 : a.i - b.i;
      })
      .map(function (o) { return o.p; });
  }

  function valueRange(values, first, err) {
    var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
    if (err > 0) { lo = Math.min(lo, first - err); hi = Math.max(hi, first + err); }
    var span = hi - lo;
    var pad = span > 0 ? span * 0.12 : Math.max(Math.abs(hi) * 0.1, 1);
    return [lo - pad, hi + pad];
  }

  function unitName(unit) {
    return { deg: "degrees", "deg/s": "degrees per second", s: "seconds", "%": "%" }[unit] || unit;
  }

  /** A tick's text with as many decimals as the tick needs (87.5 stays 87.5, 90 is 90), at most 3. */
  function tickText(v) {
    var digits = 0;
    while (digits < 3 && Math.abs(v - +v.toFixed(digits)) > 1e-9 * Math.max(1, Math.abs(v))) { digits++; }
    return window.mq.fmtNumber(v, digits);
  }

  function tipLines(p, first, series) {
    var mq = window.mq;
    var lines = [mq.fmtDate(p.session_date), mq.fmtValue(p.value, series.unit)];
    if (p !== first) { lines.push(mq.fmtChange(p.value - first.value, series.unit) + " since first session"); }
    if (p.analysis_id) { lines.push("Click to open this session"); }
    return lines;
  }

  function openSession(p) {
    if (p && p.analysis_id) { location.assign("/analyses/" + encodeURIComponent(p.analysis_id)); }
  }

  function forget(container) {
    if (container.mqChart && container.mqChart.destroy) { container.mqChart.destroy(); }
  }

  /**
   * Draw `series` (a MetricSeries) into `container`, replacing its content.
   * Shades first value ± measurement_error: points inside the band are within measurement error.
   */
  function draw(container, series) {
    var mq = window.mq;
    forget(container);
    container.textContent = "";
    var pts = ordered((series && series.points) || []).filter(function (p) { return isFinite(p.value); });
    if (!pts.length) {
      container.appendChild(mq.el("div", "chart-empty", "No measurements of this measure yet."));
      return null;
    }
    var err = Math.abs(series.measurement_error) || 0;
    var first = pts[0], n = pts.length;
    var values = pts.map(function (p) { return p.value; });
    var range = valueRange(values, first.value, err);
    var narrow = (container.clientWidth || 640) < 520;
    var years = {};
    pts.forEach(function (p) { years[p.session_date.slice(0, 4)] = true; });
    var short = narrow && Object.keys(years).length === 1;
    var name = series.label || series.metric;
    var unit = series.unit ? " (" + unitName(series.unit) + ")" : "";
    var spec = {
      name: "progress-" + series.metric,
      title: name + unit + " across sessions",
      description: name + " across " + n + " session" + (n === 1 ? "" : "s") + ", with the first session's value " +
        "\u00b1 the measurement error shaded; click a session or press Enter to open it.",
      height: narrow ? 240 : 300,
      x: window.MQCharts.sessionAxis(pts.map(function (p) { return p.session_date; }), mq.fmtDate, short),
      axes: {
        y: { label: name + unit, range: range, format: tickText }
      },
      series: [{
        label: name, values: values, kind: "line", color: BRAND, width: 2.5, pointSize: narrow ? 10 : 9,
        format: function (v) { return mq.fmtValue(v, series.unit); }
      }],
      tooltip: function (i) { return tipLines(pts[i], first, series); },
      onPick: function (i) { openSession(pts[i]); }
    };
    if (err > 0) {
      var upper = pts.map(function () { return first.value + err; });
      var lower = pts.map(function () { return first.value - err; });
      spec.bands = [{ upper: upper, lower: lower, color: "rgba(29, 78, 137, .12)", label: "First session \u00b1 measurement error" }];
      spec.lines = [  // the band's edges run the plot's full width, as the band holds for every session
        { value: first.value + err, color: "rgba(29, 78, 137, .45)", dash: [4, 4] },
        { value: first.value - err, color: "rgba(29, 78, 137, .45)", dash: [4, 4] }
      ];
    }
    return window.MQCharts.create(container, spec);
  }

  window.mqChart = { draw: draw, ordered: ordered };
})();
