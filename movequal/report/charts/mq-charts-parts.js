/* movequal charts, part 1 of 2: what mq-charts.js draws and exports beside uPlot itself — bands, shaded regions
   and reference lines on uPlot's canvas, the CSV and PNG exports, and the data table. Loaded after uPlot and
   before mq-charts.js, which is the only user of window.MQChartParts. */
(function (root) {
  "use strict";

  var uPlot = root.uPlot;
  var INK = "#1c2733", MUTED = "#5a6878";
  var FONT = "system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif";

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function plain(v) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2014"; }
    return String(Math.round(v * 100) / 100);
  }

  /* ---------- What uPlot does not draw: bands, regions, reference lines ---------- */

  function drawBands(u, spec) {
    var ctx = u.ctx, xs = spec.x.values;
    (spec.bands || []).forEach(function (b) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
      ctx.clip();
      ctx.beginPath();
      var key = b.scale || "y", started = false;
      for (var i = 0; i < xs.length; i++) {
        if (b.upper[i] === null) { continue; }
        var px = u.valToPos(xs[i], "x", true), py = u.valToPos(b.upper[i], key, true);
        if (started) { ctx.lineTo(px, py); } else { ctx.moveTo(px, py); started = true; }
      }
      for (var j = xs.length - 1; j >= 0; j--) {
        if (b.lower[j] === null) { continue; }
        ctx.lineTo(u.valToPos(xs[j], "x", true), u.valToPos(b.lower[j], key, true));
      }
      ctx.closePath();
      ctx.fillStyle = b.color;
      ctx.fill();
      ctx.restore();
    });
  }

  function drawRegions(u, spec) {
    var ctx = u.ctx, bb = u.bbox, r = uPlot.pxRatio;
    (spec.regions || []).forEach(function (g) {
      var x0 = Math.max(bb.left, u.valToPos(g.from, "x", true));
      var x1 = Math.min(bb.left + bb.width, u.valToPos(g.to, "x", true));
      if (x1 <= x0) { return; }
      ctx.save();
      ctx.fillStyle = "rgba(29, 78, 137, .08)";
      ctx.fillRect(x0, bb.top, Math.max(1, x1 - x0), bb.height);
      ctx.fillStyle = MUTED;
      ctx.font = (11 * r) + "px " + FONT;
      ctx.textBaseline = "bottom";
      if (g.label) { ctx.fillText(g.label, x0 + 3 * r, bb.top - 3 * r); }
      if (g.marker !== undefined && g.marker !== null) {
        var xm = u.valToPos(g.marker, "x", true);
        if (xm >= bb.left && xm <= bb.left + bb.width) {
          ctx.strokeStyle = "#1d4e89";
          ctx.setLineDash([3 * r, 3 * r]);
          ctx.beginPath();
          ctx.moveTo(xm, bb.top);
          ctx.lineTo(xm, bb.top + bb.height);
          ctx.stroke();
        }
      }
      ctx.restore();
    });
  }

  function drawLines(u, spec) {
    var ctx = u.ctx, bb = u.bbox, r = uPlot.pxRatio;
    (spec.lines || []).forEach(function (l) {
      var y = u.valToPos(l.value, l.scale || "y", true);
      if (y < bb.top || y > bb.top + bb.height) { return; }
      ctx.save();
      ctx.strokeStyle = l.color || INK;
      ctx.lineWidth = 1.5 * r;
      ctx.setLineDash((l.dash || [6, 4]).map(function (d) { return d * r; }));
      ctx.beginPath();
      ctx.moveTo(bb.left, y);
      ctx.lineTo(bb.left + bb.width, y);
      ctx.stroke();
      if (l.label) {
        ctx.fillStyle = l.color || INK;
        ctx.font = (11 * r) + "px " + FONT;
        ctx.textBaseline = "bottom";
        ctx.fillText(l.label, bb.left + 4 * r, y - 3 * r);
      }
      ctx.restore();
    });
  }

  /* ---------- Export ---------- */

  function csvCell(v) {
    if (v === null || v === undefined) { return ""; }
    var text = String(v);
    return /[",\n]/.test(text) ? "\"" + text.replace(/"/g, "\"\"") + "\"" : text;
  }

  function toCsv(chart) {
    var spec = chart.spec, cols = [{ label: spec.x.label || "x", values: spec.x.values, raw: spec.x.csv }];
    spec.series.forEach(function (s, k) { if (chart.plot.series[k + 1].show) { cols.push(s); } });
    (spec.bands || []).forEach(function (b) {
      if (b.label) { cols.push({ label: b.label + " (upper)", values: b.upper }, { label: b.label + " (lower)", values: b.lower }); }
    });
    var rows = [cols.map(function (c) { return csvCell(c.label); }).join(",")];
    spec.x.values.forEach(function (x, i) {
      rows.push(cols.map(function (c, k) {
        var v = k === 0 && c.raw ? c.raw[i] : c.values[i];
        return csvCell(typeof v === "number" ? Math.round(v * 1e4) / 1e4 : v);
      }).join(","));
    });
    return rows.join("\n") + "\n";
  }

  function legendItems(chart) {
    var spec = chart.spec, u = chart.plot;
    return spec.series.map(function (s, k) {
      return { label: s.label, color: u.series[k + 1].stroke(), show: u.series[k + 1].show && s.legend !== false };
    }).filter(function (o) { return o.show; });
  }

  /* The PNG: the plot's own canvas (axes included) under its title, with the key drawn beneath. */
  function toPng(chart) {
    var u = chart.plot, src = u.ctx.canvas, r = uPlot.pxRatio, items = legendItems(chart);
    var head = Math.round(28 * r), foot = Math.round((items.length ? 24 : 6) * r);
    var out = document.createElement("canvas");
    out.width = src.width + Math.round(16 * r);
    out.height = src.height + head + foot;
    var ctx = out.getContext("2d");
    ctx.fillStyle = "#fff";
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = INK;
    ctx.font = "600 " + (14 * r) + "px " + FONT;
    ctx.textBaseline = "middle";
    ctx.fillText(chart.spec.title || chart.spec.name || "", 8 * r, head / 2);
    ctx.drawImage(src, 8 * r, head);
    var x = 8 * r, y = head + src.height + foot / 2;
    ctx.font = (12 * r) + "px " + FONT;
    items.forEach(function (o) {
      ctx.fillStyle = o.color;
      ctx.fillRect(x, y - 2 * r, 18 * r, 4 * r);
      ctx.fillStyle = INK;
      ctx.fillText(o.label, x + 24 * r, y);
      x += (24 + 14) * r + ctx.measureText(o.label).width;
    });
    return new Promise(function (resolve) { out.toBlob(resolve, "image/png"); });
  }

  function download(blob, filename) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
  }

  function fileStem(spec) {
    return String(spec.name || spec.title || "chart").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  /* ---------- Data table (the text alternative), built when opened ---------- */

  function fillTable(chart, details) {
    if (details.querySelector("table")) { return; }
    var spec = chart.spec, table = el("table", "mq-chart-table"), head = el("tr");
    var cols = [spec.x.label || "x"].concat(spec.series.map(function (s) { return s.label; }));
    cols.forEach(function (c) { var th = el("th", null, c); th.scope = "col"; head.appendChild(th); });
    var thead = el("thead"), body = el("tbody");
    thead.appendChild(head);
    spec.x.values.forEach(function (x, i) {
      var row = el("tr"), th = el("th", null, (spec.x.format || plain)(x));
      th.scope = "row";
      row.appendChild(th);
      spec.series.forEach(function (s) {
        var v = s.values[i];
        row.appendChild(el("td", null, v === null || v === undefined ? "" : (s.format || plain)(v)));
      });
      body.appendChild(row);
    });
    table.appendChild(thead);
    table.appendChild(body);
    details.appendChild(table);
  }

  root.MQChartParts = {
    INK: INK, MUTED: MUTED, FONT: FONT, el: el, plain: plain, drawBands: drawBands, drawRegions: drawRegions,
    drawLines: drawLines, toCsv: toCsv, toPng: toPng, download: download, fileStem: fileStem, fillTable: fillTable
  };
})(window);
