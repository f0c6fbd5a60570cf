/* movequal: SVG line chart of one metric across sessions (window.mqChart.draw). No library. */
(function () {
  "use strict";

  var NS = "http://www.w3.org/2000/svg";

  function svg(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /** About n "nice" tick values covering [lo, hi]. */
  function ticks(lo, hi, n) {
    var raw = (hi - lo) / Math.max(1, n);
    var mag = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / mag;
    var step = (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
    var out = [];
    for (var v = Math.ceil(lo / step) * step; v <= hi + step * 1e-6; v += step) { out.push(+v.toFixed(6)); }
    return { values: out, step: step };
  }

  function tickText(v, step) {
    var digits = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step)));
    return window.mq.fmtNumber(v, digits);
  }

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

  /** Geometry shared by the drawing steps. */
  function layout(width, n, range) {
    var narrow = width < 520;
    var m = { l: narrow ? 44 : 56, r: narrow ? 12 : 20, t: 30, b: 42 };
    var H = narrow ? 240 : 300;
    var inner = narrow ? 16 : 28;
    var plotW = width - m.l - m.r;
    return {
      W: width, H: H, m: m, narrow: narrow,
      x: function (i) {
        if (n < 2) { return m.l + plotW / 2; }
        return m.l + inner + i * (plotW - 2 * inner) / (n - 1);
      },
      y: function (v) { return m.t + (range[1] - v) / (range[1] - range[0]) * (H - m.t - m.b); }
    };
  }

  function drawGrid(root, g, range, series) {
    var t = ticks(range[0], range[1], g.narrow ? 4 : 5);
    t.values.forEach(function (v) {
      var yy = g.y(v);
      root.appendChild(svg("line", { "class": "gridline", x1: g.m.l, x2: g.W - g.m.r, y1: yy, y2: yy }));
      root.appendChild(svg("text", { x: g.m.l - 8, y: yy + 4, "text-anchor": "end" }, tickText(v, t.step)));
    });
    root.appendChild(svg("line", { "class": "axis", x1: g.m.l, x2: g.W - g.m.r, y1: g.H - g.m.b, y2: g.H - g.m.b }));
    root.appendChild(svg("line", { "class": "axis", x1: g.m.l, x2: g.m.l, y1: g.m.t, y2: g.H - g.m.b }));
    var unit = series.unit ? " (" + unitName(series.unit) + ")" : "";
    root.appendChild(svg("text", { "class": "unit-label", x: g.m.l - (g.narrow ? 40 : 52), y: 14 }, (series.label || series.metric) + unit));
  }

  function unitName(unit) {
    return { deg: "degrees", "deg/s": "degrees per second", s: "seconds", "%": "%" }[unit] || unit;
  }

  function drawBand(root, g, first, err) {
    if (!(err > 0)) { return; }
    var top = g.y(first + err), bottom = g.y(first - err);
    var x1 = g.m.l + 1, x2 = g.W - g.m.r;
    root.appendChild(svg("rect", { "class": "band", x: x1, y: top, width: x2 - x1, height: Math.max(1, bottom - top) }));
    root.appendChild(svg("line", { "class": "band-edge", x1: x1, x2: x2, y1: top, y2: top }));
    root.appendChild(svg("line", { "class": "band-edge", x1: x1, x2: x2, y1: bottom, y2: bottom }));
  }

  /** Every `every`-th index, always ending on the last one without crowding it. */
  function labelIndexes(n, every) {
    var out = [];
    for (var i = 0; i < n; i += every) { out.push(i); }
    if (out[out.length - 1] !== n - 1) {
      if (out.length > 1 && n - 1 - out[out.length - 1] < every) { out.pop(); }
      out.push(n - 1);
    }
    return out;
  }

  function dateLabels(root, g, pts) {
    var years = {};
    pts.forEach(function (p) { years[p.session_date.slice(0, 4)] = true; });
    var short = Object.keys(years).length === 1 && g.narrow;
    var labelW = short ? 52 : 86;
    var every = Math.max(1, Math.ceil(pts.length * labelW / (g.W - g.m.l - g.m.r)));
    labelIndexes(pts.length, every).forEach(function (i) {
      root.appendChild(svg("text", { x: g.x(i), y: g.H - g.m.b + 18, "text-anchor": "middle" },
        window.mq.fmtDate(pts[i].session_date, short)));
    });
    root.appendChild(svg("text", { x: (g.m.l + g.W - g.m.r) / 2, y: g.H - 4, "text-anchor": "middle" }, "Session date"));
  }

  function drawLine(root, g, pts) {
    if (pts.length < 2) { return; }
    var d = pts.map(function (p, i) { return (i ? "L" : "M") + g.x(i).toFixed(1) + " " + g.y(p.value).toFixed(1); });
    root.appendChild(svg("path", { "class": "line", d: d.join("") }));
  }

  /* ---------- Tooltip ---------- */

  function tipLines(p, first, series) {
    var mq = window.mq;
    var lines = [mq.fmtDate(p.session_date), mq.fmtValue(p.value, series.unit)];
    if (p !== first) { lines.push(mq.fmtChange(p.value - first.value, series.unit) + " since first session"); }
    if (p.analysis_id) { lines.push("Click to open this session"); }
    return lines;
  }

  function showTip(tip, container, circle, lines) {
    tip.textContent = "";
    lines.forEach(function (line, i) {
      var row = document.createElement(i === 0 ? "b" : "div");
      row.textContent = line;
      tip.appendChild(row);
    });
    tip.hidden = false;
    var box = container.getBoundingClientRect(), c = circle.getBoundingClientRect();
    var left = c.left - box.left + c.width / 2 - tip.offsetWidth / 2;
    left = Math.max(0, Math.min(left, box.width - tip.offsetWidth));
    var top = c.top - box.top - tip.offsetHeight - 10;
    if (top < 0) { top = c.bottom - box.top + 10; }
    tip.style.left = left + "px";
    tip.style.top = top + "px";
  }

  function openSession(p) {
    if (p.analysis_id) { location.assign("/analyses/" + encodeURIComponent(p.analysis_id)); }
  }

  function drawPoints(root, g, pts, series, container, tip) {
    var first = pts[0];
    pts.forEach(function (p, i) {
      var label = window.mq.fmtDate(p.session_date) + ": " + window.mq.fmtValue(p.value, series.unit);
      var c = svg("circle", { "class": "pt", cx: g.x(i), cy: g.y(p.value), r: g.narrow ? 6 : 5.5, tabindex: 0, role: "link", "aria-label": label });
      var show = function () {
        Array.prototype.forEach.call(root.querySelectorAll(".pt.is-active"), function (o) { o.classList.remove("is-active"); });
        c.classList.add("is-active"); showTip(tip, container, c, tipLines(p, first, series)); };
      var hide = function () { c.classList.remove("is-active"); tip.hidden = true; };
      c.addEventListener("pointerenter", show);
      c.addEventListener("pointerleave", hide);
      c.addEventListener("focus", show);
      c.addEventListener("blur", hide);
      c.addEventListener("click", function () { openSession(p); });
      c.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); openSession(p); }
      });
      root.appendChild(c);
    });
  }

  /* ---------- Public ---------- */

  /**
   * Draw `series` (a MetricSeries) into `container`, replacing its content.
   * Shades first value ± measurement_error: points inside the band are within measurement error.
   */
  function draw(container, series) {
    container.textContent = "";
    var pts = ordered((series && series.points) || []).filter(function (p) { return isFinite(p.value); });
    if (!pts.length) {
      container.appendChild(window.mq.el("div", "chart-empty", "No measurements of this measure yet."));
      return;
    }
    var err = Math.abs(series.measurement_error) || 0;
    var first = pts[0];
    var range = valueRange(pts.map(function (p) { return p.value; }), first.value, err);
    var width = Math.max(300, container.clientWidth || 640);
    var g = layout(width, pts.length, range);
    var root = svg("svg", {
      viewBox: "0 0 " + g.W + " " + g.H, height: g.H, role: "group",
      "aria-label": (series.label || series.metric) + " across " + pts.length + " session" + (pts.length === 1 ? "" : "s")
    });
    drawGrid(root, g, range, series);
    drawBand(root, g, first.value, err);
    dateLabels(root, g, pts);
    drawLine(root, g, pts);
    var tip = window.mq.el("div", "chart-tip");
    tip.hidden = true;
    tip.setAttribute("aria-hidden", "true");
    drawPoints(root, g, pts, series, container, tip);
    container.appendChild(root);
    container.appendChild(tip);
  }

  window.mqChart = { draw: draw, ordered: ordered };
})();
