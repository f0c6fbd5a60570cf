/* movequal charts: the one layer over uPlot (vendored in ./vendor/uplot) that every chart of the report, the
   result page, the patient page and the batch summary goes through.

   A chart is described by a plain object (a "spec") and drawn by MQCharts.create(host, spec). Every chart gets
   the same furniture: a tooltip on hover (and on the arrow keys, the chart being focusable), zoom by dragging
   across the x axis (double-click or "Reset zoom" to undo), export as PNG (the plot with its title and key) and
   as CSV (the numbers behind it), and a data table built on demand as the chart's text alternative.

   Spec fields (only x and series are required):
     name         file name stem for exports ("knee-flexion")
     title        the chart's title, drawn on the exported PNG
     description  a sentence read out by screen readers (the chart's aria-label)
     height       CSS pixels (default 220)
     x            { label, values: [], format(v) -> text, ticks(v) -> text, range: [lo, hi], integer: bool,
                    splits: [] (tick only at these x values, thinned to fit), csv: [] (the x column's CSV text) }
     axes         { key: { label, format(v) -> text, range: [lo, hi] | fn(min, max), side: "left"|"right" } }
     series       [{ label, values: [], scale: "y", color, dash: [7, 4], width, kind: "line"|"points"|"bars"|"step",
                     format(v) -> text, legend: bool, pointSize, extend: bool (a "step" series' last step runs
                     on to the plot's right edge) }]
     bands        [{ upper: [], lower: [], color, scale }]          a filled band between two arrays
     regions      [{ from, to, label, marker }]                      shaded x spans (reps) with a marker line
     lines        [{ value, scale, color, dash, label }]             horizontal reference lines (a target)
     tooltip      fn(i) -> [lines]   replaces the default tooltip (x, then each shown series' value)
     onPick       fn(i, x)           called on click (not on a drag) and on Enter
     sync         key shared by charts whose cursors move together
     table        false when the page has its own table of the same numbers (no "Data table" then)
   The chart object returned (also stored as host.mqChart): { plot, setMarker(x), resetZoom(), toCsv(), toPng(),
   destroy() }; creating a chart in a host that already holds one destroys the old one first.
   uPlot: https://github.com/leeoniya/uPlot (MIT), API in its dist/uPlot.d.ts. */
(function (root) {
  "use strict";

  var uPlot = root.uPlot, P = root.MQChartParts;  // mq-charts-parts.js: drawing beside uPlot, export, data table
  var MUTED = P.MUTED, GRID = "#edf0f4", AXIS = "#b8c2cd", FONT = P.FONT;
  var el = P.el, plain = P.plain, drawBands = P.drawBands, drawRegions = P.drawRegions, drawLines = P.drawLines;
  var toCsv = P.toCsv, toPng = P.toPng, download = P.download, fileStem = P.fileStem, fillTable = P.fillTable;
  var PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];  // Okabe & Ito, colour-blind safe

  function padded(minPad) {
    return function (u, lo, hi) {
      if (lo === null || hi === null || !isFinite(lo) || !isFinite(hi)) { return [0, 1]; }
      var pad = Math.max((hi - lo) * 0.08, minPad);
      return [lo - pad, hi + pad];
    };
  }

  /* ---------- uPlot options from a spec ---------- */

  function pathsFor(kind, s) {
    if (kind === "bars") { return uPlot.paths.bars({ size: [0.45, 48], align: 0 }); }
    if (kind === "step") { return uPlot.paths.stepped({ align: 1, extend: !!(s && s.extend) }); }
    if (kind === "points") { return function () { return null; }; }
    return undefined;  // uPlot's linear paths
  }

  function seriesOpts(s, i) {
    var color = s.color || PALETTE[i % PALETTE.length];
    var kind = s.kind || "line";
    var out = {
      label: s.label, scale: s.scale || "y", stroke: color, width: s.width || (kind === "bars" ? 1 : 2),
      dash: s.dash, spanGaps: false, paths: pathsFor(kind, s),
      value: function (u, v) { return (s.format || plain)(v); },
      "class": s.legend === false ? "mq-no-legend" : undefined
    };
    if (kind === "bars") { out.fill = s.fill || color + "33"; }
    if (kind === "points") {
      out.points = { show: true, size: s.pointSize || 10, width: 2, stroke: color, fill: s.fill || color };
    } else if (kind === "line") {
      out.points = { show: s.points === undefined ? function (u, si, i0, i1) { return i1 - i0 < 40; } : s.points,
        size: s.pointSize || 7, fill: color, stroke: color };
    } else {
      out.points = { show: false };
    }
    return out;
  }

  function axisOpts(key, a, isX, spec) {
    var format = (isX ? (spec.x.ticks || spec.x.format) : a.format) || plain;
    var out = {
      scale: key, label: a.label, labelSize: a.label ? 16 : 0, labelGap: 0, stroke: MUTED, font: "11px " + FONT,
      labelFont: "600 11px " + FONT, grid: { stroke: GRID, width: 1, show: a.side !== "right" },
      ticks: { stroke: AXIS, width: 1, size: 4 }, side: isX ? 2 : (a.side === "right" ? 1 : 3),
      values: function (u, splits) { return splits.map(function (v) { return format(v); }); }
    };
    if (isX && spec.x.splits) {  // ticks only at these x values (a trend's session dates), thinned to fit
      out.splits = function (u) {
        var shown = spec.x.splits.filter(function (v) { return v >= u.scales.x.min && v <= u.scales.x.max; });
        var step = Math.max(1, Math.ceil(shown.length / Math.max(1, Math.floor(u.bbox.width / uPlot.pxRatio / 90))));
        return shown.filter(function (v, k) { return k % step === 0; });
      };
    } else if (isX && spec.x.integer) {
      out.splits = function (u) {
        var lo = Math.ceil(u.scales.x.min), hi = Math.floor(u.scales.x.max), step = Math.max(1, Math.ceil((hi - lo + 1) / Math.max(1, Math.floor(u.bbox.width / uPlot.pxRatio / 90))));
        var out2 = [];
        for (var v = lo; v <= hi; v += step) { out2.push(v); }
        return out2;
      };
    }
    out.size = isX ? 26 : 50;
    return out;
  }

  function scalesFor(spec) {
    var full = fullRange(spec);
    var scales = { x: { time: false, range: function (u, lo, hi) { return xRange(lo, hi, full, spec.x.values); } } };
    Object.keys(spec.axes).forEach(function (key) {
      var r = spec.axes[key].range;
      scales[key] = { range: typeof r === "function" ? function (u, lo, hi) { return r(lo, hi); }
        : r ? function () { return r.slice(); } : padded(spec.axes[key].minPad || 1) };
    });
    return scales;
  }

  /* The x axis's whole extent: the spec's range, or the data's (at least one unit wide). */
  function fullRange(spec) {
    if (spec.x.range) { return spec.x.range.slice(); }
    var xs = spec.x.values;
    if (!xs.length) { return [0, 1]; }
    var lo = xs[0], hi = xs[xs.length - 1];
    return hi > lo ? [lo, hi] : [lo - 0.5, hi + 0.5];
  }

  /* uPlot asks for the x range with the data's extent (drawing, reset) or a dragged span (zoom). */
  function xRange(lo, hi, full, xs) {
    if (lo === null || hi === null || lo === undefined || hi === undefined || !xs.length) { return full.slice(); }
    if (lo <= xs[0] + 1e-9 && hi >= xs[xs.length - 1] - 1e-9) { return full.slice(); }
    return [lo, hi];
  }

  /* ---------- Tooltip, marker, keyboard ---------- */

  function defaultTip(chart, i) {
    var spec = chart.spec, u = chart.plot;
    var lines = [(spec.x.format || plain)(spec.x.values[i])];
    spec.series.forEach(function (s, k) {
      var v = s.values[i];
      if (u.series[k + 1].show && v !== null && v !== undefined && s.legend !== false) {
        lines.push(s.label + ": " + (s.format || plain)(v));
      }
    });
    return lines;
  }

  function showTip(chart) {
    var u = chart.plot, i = u.cursor.idx, tip = chart.tip;
    var active = chart.hovered || document.activeElement === chart.area;  // not a chart whose cursor only follows
    if (!active || i === null || i === undefined || u.cursor.left < 0) { tip.hidden = true; return; }
    var lines = chart.spec.tooltip ? chart.spec.tooltip(i) : defaultTip(chart, i);
    if (!lines || !lines.length) { tip.hidden = true; return; }
    tip.textContent = "";
    lines.forEach(function (line, k) { tip.appendChild(el(k === 0 ? "b" : "div", null, line)); });
    tip.hidden = false;
    var left = u.cursor.left + 14, width = u.over.clientWidth;
    if (left + tip.offsetWidth > width) { left = u.cursor.left - tip.offsetWidth - 14; }
    tip.style.left = Math.max(0, left) + "px";
    tip.style.top = "6px";
  }

  function placeMarker(chart) {
    var u = chart.plot, x = chart.markerX, m = chart.marker;
    if (x === null || x < u.scales.x.min || x > u.scales.x.max) { m.hidden = true; return; }
    m.hidden = false;
    m.style.left = u.valToPos(x, "x") + "px";
  }

  function nearestIndex(xs, x) {
    var best = 0;
    for (var i = 1; i < xs.length; i++) { if (Math.abs(xs[i] - x) < Math.abs(xs[best] - x)) { best = i; } }
    return best;
  }

  function moveCursor(chart, i) {
    var u = chart.plot, xs = chart.spec.x.values;
    i = Math.max(0, Math.min(xs.length - 1, i));
    chart.keyIndex = i;
    u.setCursor({ left: u.valToPos(xs[i], "x"), top: u.over.clientHeight / 2 });
  }

  function onKey(chart, ev) {
    var xs = chart.spec.x.values;
    if (!xs.length) { return; }
    var i = chart.keyIndex === null ? 0 : chart.keyIndex, step = Math.max(1, Math.round(xs.length / 50));
    var moves = { ArrowRight: i + 1, ArrowLeft: i - 1, PageUp: i + step, PageDown: i - step, Home: 0, End: xs.length - 1 };
    if (ev.key in moves) {
      ev.preventDefault();
      moveCursor(chart, moves[ev.key]);
    } else if ((ev.key === "Enter" || ev.key === " ") && chart.spec.onPick && chart.keyIndex !== null) {
      ev.preventDefault();
      chart.spec.onPick(chart.keyIndex, xs[chart.keyIndex]);
    } else if (ev.key === "Escape") {
      chart.resetZoom();
    }
  }

  function bindPointer(chart) {
    var over = chart.plot.over, down = null;
    over.addEventListener("mouseenter", function () { chart.hovered = true; });
    over.addEventListener("mouseleave", function () { chart.hovered = false; chart.tip.hidden = true; });
    over.addEventListener("mousedown", function (ev) { down = [ev.clientX, ev.clientY]; });
    over.addEventListener("click", function (ev) {
      var u = chart.plot, moved = down && Math.abs(ev.clientX - down[0]) + Math.abs(ev.clientY - down[1]) > 4;
      down = null;
      if (moved || !chart.spec.onPick || u.cursor.idx === null || u.cursor.idx === undefined) { return; }
      var x = u.posToVal(u.cursor.left, "x");
      chart.spec.onPick(nearestIndex(chart.spec.x.values, x), x);
    });
  }

  /* ---------- The chart ---------- */

  function toolbar(chart) {
    var bar = el("div", "mq-chart-tools");
    var reset = el("button", "mq-chart-reset", "Reset zoom");
    reset.type = "button";
    reset.hidden = true;
    reset.addEventListener("click", function () { chart.resetZoom(); });
    var png = el("button", "mq-chart-png", "PNG");
    png.type = "button";
    png.title = "Save this chart as a picture";
    png.addEventListener("click", function () {
      chart.toPng().then(function (blob) { if (blob) { download(blob, fileStem(chart.spec) + ".png"); } });
    });
    var csv = el("button", "mq-chart-csv", "CSV");
    csv.type = "button";
    csv.title = "Save the numbers behind this chart";
    csv.addEventListener("click", function () {
      download(new Blob([chart.toCsv()], { type: "text/csv" }), fileStem(chart.spec) + ".csv");
    });
    bar.appendChild(reset);
    bar.appendChild(png);
    bar.appendChild(csv);
    chart.resetButton = reset;
    return bar;
  }

  function options(chart, width) {
    var spec = chart.spec;
    var axes = [axisOpts("x", { label: spec.x.label }, true, spec)];
    Object.keys(spec.axes).forEach(function (key) { axes.push(axisOpts(key, spec.axes[key], false, spec)); });
    return {
      width: width, height: spec.height || 220, padding: [spec.regions && spec.regions.length ? 18 : 10, 20, 0, 4],
      scales: scalesFor(spec), axes: axes,
      series: [{ label: spec.x.label || "x" }].concat(spec.series.map(seriesOpts)),
      legend: { show: spec.series.length > 1 || !!spec.legend, live: false },
      cursor: { y: false, drag: { x: spec.x.zoom !== false, y: false, setScale: true }, points: { size: 8 },
        sync: spec.sync ? { key: spec.sync, setSeries: false } : undefined },
      hooks: {
        drawClear: [function (u) { drawRegions(u, spec); drawBands(u, spec); }],
        draw: [function (u) { drawLines(u, spec); }],
        setCursor: [function () { showTip(chart); }],
        setScale: [function (u, key) { if (key === "x") { chart.afterZoom(); } }]
      }
    };
  }

  function create(host, spec) {
    if (host.mqChart && host.mqChart.destroy) { host.mqChart.destroy(); }
    spec.axes = spec.axes || { y: {} };
    var chart = { spec: spec, markerX: null, keyIndex: null, zoomedIn: false };
    host.textContent = "";
    host.classList.add("mq-chart-host");
    host.appendChild(toolbar(chart));
    var area = el("div", "mq-chart");
    area.tabIndex = 0;
    area.setAttribute("role", "img");
    area.setAttribute("aria-label", (spec.description || spec.title || "Chart") +
      " Arrow keys move along the chart; Escape resets the zoom.");
    host.appendChild(area);
    chart.area = area;
    var data = [spec.x.values].concat(spec.series.map(function (s) { return s.values; }));
    chart.plot = new uPlot(options(chart, Math.max(240, host.clientWidth || 600)), data, area);
    chart.plot.mqChart = chart;
    chart.tip = el("div", "mq-chart-tip");
    chart.tip.hidden = true;
    chart.tip.setAttribute("aria-hidden", "true");
    chart.marker = el("div", "mq-chart-marker");
    chart.marker.hidden = true;
    chart.plot.over.appendChild(chart.marker);
    chart.plot.over.appendChild(chart.tip);
    if (spec.table !== false) {  // a page that shows the same numbers in its own table says so
      var details = el("details", "mq-chart-data");
      details.appendChild(el("summary", null, "Data table"));
      details.addEventListener("toggle", function () { if (details.open) { fillTable(chart, details); } });
      host.appendChild(details);
    }
    chart.setMarker = function (x) { chart.markerX = x; placeMarker(chart); };
    chart.afterZoom = function () {
      var full = fullRange(spec), u = chart.plot;
      chart.zoomedIn = u.scales.x.min > full[0] + 1e-9 || u.scales.x.max < full[1] - 1e-9;
      chart.resetButton.hidden = !chart.zoomedIn;
      host.classList.toggle("is-zoomed", chart.zoomedIn);
      placeMarker(chart);
    };
    chart.resetZoom = function () {
      var xs = spec.x.values;
      if (xs.length) { chart.plot.setScale("x", { min: xs[0], max: xs[xs.length - 1] }); }
    };
    chart.toCsv = function () { return toCsv(chart); };
    chart.toPng = function () { return toPng(chart); };
    chart.resize = function () {
      var w = Math.max(240, host.clientWidth || 600);
      if (Math.abs(w - chart.plot.width) > 1) { chart.plot.setSize({ width: w, height: spec.height || 220 }); placeMarker(chart); }
    };
    area.addEventListener("keydown", function (ev) { onKey(chart, ev); });
    area.addEventListener("blur", function () { chart.plot.setCursor({ left: -10, top: -10 }); chart.tip.hidden = true; });
    bindPointer(chart);
    var observer = root.ResizeObserver ? new root.ResizeObserver(function () { chart.resize(); }) : null;
    if (observer) { observer.observe(host); }
    chart.destroy = function () {  // stop following the host's size and free the plot (a redraw, an empty state)
      if (observer) { observer.disconnect(); observer = null; }
      chart.plot.destroy();
      if (host.mqChart === chart) { delete host.mqChart; }
      host.classList.remove("is-zoomed");
    };
    host.mqChart = chart;
    return chart;
  }

  /* ---------- A rep curve: mean ± 1 SD over a repetition, with a baseline's overlaid (report, result page) ---------- */

  function percents(n) {
    var out = [];
    for (var i = 0; i < n; i++) { out.push(n > 1 ? 100 * i / (n - 1) : 0); }
    return out;
  }

  function curveRange(curves) {
    var lo = Infinity, hi = -Infinity;
    curves.forEach(function (c) {
      c.mean.forEach(function (m, i) { lo = Math.min(lo, m - c.sd[i]); hi = Math.max(hi, m + c.sd[i]); });
    });
    var pad = Math.max((hi - lo) * 0.08, 2);
    return [lo - pad, hi + pad];
  }

  function deg(v) { return v === null || v === undefined ? "\u2014" : v.toFixed(1) + "\u00b0"; }

  /* now, base: rep curves as in report.json ({label, mean, sd, reps, method}); base may be null. */
  function repCurve(host, now, base, words, names) {
    var xs = percents(now.mean.length), sd = function (c, sign) {
      return c.mean.map(function (m, i) { return m + sign * c.sd[i]; });
    };
    var series = [{ label: names.now + ": mean", values: now.mean, color: PALETTE[0], width: 2.5, format: deg, points: false },
      { label: names.now + ": SD", values: now.sd, legend: false, color: "transparent", width: 0, format: deg }];
    var bands = [{ upper: sd(now, 1), lower: sd(now, -1), color: "rgba(0, 114, 178, .2)", label: names.now + " mean ± SD" }];
    if (base) {
      series.push({ label: names.base + ": mean", values: base.mean, color: PALETTE[1], dash: [7, 4], format: deg, points: false },
        { label: names.base + ": SD", values: base.sd, legend: false, color: "transparent", width: 0, format: deg });
      bands.unshift({ upper: sd(base, 1), lower: sd(base, -1), color: "rgba(213, 94, 0, .14)", label: names.base + " mean ± SD" });
    }
    return create(host, {
      name: now.label + (base ? " with baseline" : ""), title: now.label + " over a repetition (degrees)",
      description: words, height: 230, legend: true,
      x: { label: "% of the repetition", values: xs, format: function (v) { return Math.round(v) + " % of the rep"; },
        ticks: function (v) { return v + " %"; }, range: [0, 100] },
      axes: { y: { label: "degrees", range: curveRange(base ? [now, base] : [now]) } },
      series: series, bands: bands,
      tooltip: function (i) {
        var lines = [Math.round(xs[i]) + " % of the rep", names.now + ": " + deg(now.mean[i]) + " ± " + now.sd[i].toFixed(1) + "\u00b0"];
        if (base) { lines.push(names.base + ": " + deg(base.mean[i]) + " ± " + base.sd[i].toFixed(1) + "\u00b0"); }
        return lines;
      }
    });
  }

  /* An x axis of sessions in date order, one slot each, labelled by date (the patient page's charts).
     dates: ISO dates; fmt(date, short) -> text. */
  function sessionAxis(dates, fmt, short) {
    var at = function (i) { return dates[Math.round(i)]; };
    return {
      label: "Session date", values: dates.map(function (d, i) { return i; }), csv: dates.slice(), integer: true,
      range: [-0.5, dates.length - 0.5],
      format: function (i) { var d = at(i); return d ? fmt(d) : ""; },
      ticks: function (i) { var d = at(i); return d && Math.round(i) === i ? fmt(d, short) : ""; }
    };
  }

  root.MQCharts = { create: create, repCurve: repCurve, sessionAxis: sessionAxis, palette: PALETTE, percents: percents };
})(window);
