/* movequal: shared helpers for every page (window.mq) and the app bar.
   Works on any page that has the app bar, including the server-rendered result page,
   and does nothing for elements a page does not have. */
(function () {
  "use strict";

  var HEADER = "X-Requested-With";
  var HEADER_VALUE = "movequal";

  /* Movement labels come from GET /v1/movements (the movement registry); "auto" is a choice, not a movement. */
  var MOVEMENT_LABELS = { auto: "Auto-detect" };
  var STAGES = {
    queued: "Queued", pose: "Finding the body (pose)", video: "Drawing the annotated video",
    report: "Writing the report"
  };
  var UNIT_SUFFIX = { deg: "\u00b0", "deg/s": "\u00b0/s", "%": "\u00a0%" };

  /* ---------- Navigation ---------- */

  function currentPath() {
    return location.pathname + location.search;
  }

  function goToLogin() {
    location.assign("/login?next=" + encodeURIComponent(currentPath()));
  }

  function query(name) {
    return new URLSearchParams(location.search).get(name);
  }

  /** The path segment after `prefix` ("/patients/abc" with "patients" → "abc"), or null. */
  function pathId(prefix) {
    var parts = location.pathname.split("/").filter(Boolean);
    var i = parts.indexOf(prefix);
    if (i < 0 || i + 1 >= parts.length) { return null; }
    try { return decodeURIComponent(parts[i + 1]); } catch (e) { return null; }
  }

  /* ---------- Errors ---------- */

  function detailText(detail) {
    if (typeof detail === "string") { return detail; }
    if (Array.isArray(detail)) {
      return detail.map(function (d) {
        if (!d || typeof d !== "object") { return String(d); }
        var loc = Array.isArray(d.loc) ? d.loc.filter(function (p) { return p !== "body"; }).join(".") : "";
        return (loc ? loc + ": " : "") + (d.msg || "invalid value");
      }).join("; ");
    }
    return "";
  }

  function fallbackMessage(status) {
    if (status === 403) { return "You are not allowed to do that."; }
    if (status === 404) { return "Not found. It may have been deleted."; }
    if (status === 413) { return "The file is too large for the server."; }
    if (status === 415) { return "This file type is not supported. Please choose a video."; }
    if (status === 429) { return "Too many requests. Please wait a moment and try again."; }
    if (status >= 500) { return "The server could not complete the request (error " + status + "). Please try again."; }
    return "The request failed (error " + status + ").";
  }

  /** An Error carrying the server's `detail` message (or a plain fallback) and the HTTP status. */
  function apiError(status, body) {
    var text = body && typeof body === "object" ? detailText(body.detail) : "";
    var err = new Error(text || fallbackMessage(status));
    err.status = status;
    return err;
  }

  function parseJson(text) {
    if (!text) { return null; }
    try { return JSON.parse(text); } catch (e) { return null; }
  }

  /* ---------- API ---------- */

  /**
   * fetch() a same-origin API path. options: {method, json, body, headers}.
   * Adds X-Requested-With to every non-GET request, parses JSON, throws apiError on failure,
   * and sends the user to the sign-in page on 401 (the returned promise then never settles).
   */
  function api(path, options) {
    var opts = options || {};
    var method = (opts.method || "GET").toUpperCase();
    var headers = { Accept: "application/json" };
    Object.keys(opts.headers || {}).forEach(function (k) { headers[k] = opts.headers[k]; });
    if (method !== "GET" && method !== "HEAD") { headers[HEADER] = HEADER_VALUE; }
    var body = opts.body;
    if (opts.json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(opts.json);
    }
    return fetch(path, { method: method, headers: headers, body: body, credentials: "same-origin" })
      .catch(function () {
        throw new Error("Could not reach the server. Check the connection and try again.");
      })
      .then(function (res) {
        if (res.status === 401 && !opts.noRedirect) {
          goToLogin();
          return new Promise(function () {});
        }
        return res.text().then(function (text) {
          var data = parseJson(text);
          if (!res.ok) { throw apiError(res.status, data); }
          return data;
        });
      });
  }

  /* ---------- Alerts ---------- */

  /** Show `message` in the page's #alert box. kind: "error" (default), "info" or "success". */
  function showAlert(message, kind) {
    var box = document.getElementById("alert");
    if (!box) { window.alert(message); return; }
    box.className = "alert" + (kind === "info" ? " is-info" : kind === "success" ? " is-success" : "");
    box.setAttribute("role", kind === "error" || !kind ? "alert" : "status");
    box.textContent = "";
    var text = el("div", "alert-text", message);
    var close = el("button", "alert-close");
    close.type = "button";
    close.setAttribute("aria-label", "Dismiss message");
    close.addEventListener("click", clearAlert);
    box.appendChild(text);
    box.appendChild(close);
    box.hidden = false;
    if (box.scrollIntoView && box.getBoundingClientRect().top < 0) { box.scrollIntoView({ block: "nearest" }); }
  }

  function clearAlert() {
    var box = document.getElementById("alert");
    if (box) { box.hidden = true; box.textContent = ""; }
  }

  /* ---------- DOM ---------- */

  /** Create an element with a class name and text content (text is never parsed as HTML). */
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  /* ---------- Formatting ---------- */

  function pad2(n) { return (n < 10 ? "0" : "") + n; }

  /** Today as YYYY-MM-DD in the user's local time zone. */
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad2(d.getMonth() + 1) + "-" + pad2(d.getDate());
  }

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  /** "2025-03-12" → "12 Mar 2025" (the report's style; a calendar date, no time-zone shift). */
  function fmtDate(ymd, short) {
    if (!ymd) { return "\u2014"; }
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
    var d = m ? new Date(+m[1], +m[2] - 1, +m[3]) : new Date(ymd);
    if (isNaN(d.getTime())) { return String(ymd); }
    return d.getDate() + " " + MONTHS[d.getMonth()] + (short ? "" : " " + d.getFullYear());
  }

  /** ISO timestamp → "2 May 2025, 10:30" in the user's time zone. */
  function fmtDateTime(iso) {
    if (!iso) { return "\u2014"; }
    var d = new Date(iso);
    if (isNaN(d.getTime())) { return String(iso); }
    return d.getDate() + " " + MONTHS[d.getMonth()] + " " + d.getFullYear() + ", " + pad2(d.getHours()) + ":" + pad2(d.getMinutes());
  }

  function fmtNumber(v, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2014"; }
    return Number(v).toFixed(digits === undefined ? 1 : digits);
  }

  function unitSuffix(unit) {
    if (!unit) { return ""; }
    return unit in UNIT_SUFFIX ? UNIT_SUFFIX[unit] : "\u00a0" + unit;
  }

  /** 12.3 with "deg" → "12.3°"; null → "—". */
  function fmtValue(v, unit, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2014"; }
    return fmtNumber(v, digits) + unitSuffix(unit);
  }

  /** A signed change: +12.0 points, −3.4°. */
  function fmtChange(v, unit, digits) {
    if (v === null || v === undefined || !isFinite(v)) { return "\u2014"; }
    var sign = v > 0 ? "+" : v < 0 ? "\u2212" : "\u00b1";
    return sign + fmtValue(Math.abs(v), unit, digits);
  }

  function fmtSize(bytes) {
    if (!isFinite(bytes)) { return ""; }
    if (bytes < 1024) { return bytes + " bytes"; }
    var units = ["KB", "MB", "GB"], v = bytes / 1024, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return v.toFixed(v < 10 ? 1 : 0) + " " + units[i];
  }

  function movementLabel(m) {
    if (m === "unrecognised") { return "Not recognised"; }
    return MOVEMENT_LABELS[m] || (m ? m.charAt(0).toUpperCase() + m.slice(1) : "\u2014");
  }

  var movementsPromise = null;

  /** GET /v1/movements once per page: resolves with the movements [{name, label, family, views}]. */
  function movements() {
    if (!movementsPromise) {
      movementsPromise = api("/v1/movements").then(function (data) {
        var items = (data && data.items) || [];
        items.forEach(function (m) { MOVEMENT_LABELS[m.name] = m.label; });
        return items;
      });
    }
    return movementsPromise;
  }

  /** Resolves once the movement labels are known (or could not be loaded), so movementLabel can be used. */
  function movementsReady() {
    return movements().then(function () {}, function () {});
  }

  /** Append one option per movement to `select`; a failure is shown in the page's alert box. */
  /**
   * Read a height field in centimetres: null when empty, metres when 50-250 cm, otherwise a sentence saying why
   * not (the server checks 0.5-2.5 m again).
   */
  function heightMetres(input) {
    var text = input.value.trim();
    if (!text) { return null; }
    var cm = Number(text);
    if (!isFinite(cm) || cm < 50 || cm > 250) { return "Enter the height in centimetres, between 50 and 250."; }
    return Math.round(cm) / 100;
  }

  /** Fill a movement menu from the registry; with ``liveOnly``, only the tasks live sessions follow. */
  function fillMovementSelect(select, liveOnly) {
    return movements().then(function (items) {
      items.forEach(function (m) {
        if (liveOnly && !m.live) { return; }
        var opt = el("option", null, m.label);
        opt.value = m.name;
        select.appendChild(opt);
      });
    }, function (err) {
      showAlert("The list of movements could not be loaded: " + err.message);
    });
  }

  /** Human text for an analysis status and stage. */
  function stageLabel(status, stage) {
    if (status === "done") { return "Analysis complete"; }
    if (status === "failed") { return "Analysis failed"; }
    if (status === "queued") { return "Queued \u2013 waiting for a free worker"; }
    if (stage && STAGES[stage]) { return STAGES[stage]; }
    return stage ? stage.charAt(0).toUpperCase() + stage.slice(1) : "Starting the analysis";
  }

  /* ---------- Progress bar ---------- */

  /** Set a .meter progress bar (role=progressbar) to pct; state: "waiting" | "done" | "failed" | "". */
  function setProgress(bar, pct, state) {
    if (!bar) { return; }
    var v = Math.max(0, Math.min(100, Math.round(pct || 0)));
    bar.setAttribute("aria-valuenow", String(v));
    bar.setAttribute("aria-valuetext", v + " %");
    var fill = bar.querySelector(".meter-fill");
    if (fill) { fill.style.width = v + "%"; }
    bar.classList.toggle("is-waiting", state === "waiting");
    bar.classList.toggle("is-done", state === "done");
    bar.classList.toggle("is-failed", state === "failed");
  }

  /* ---------- Polling an analysis ---------- */

  /**
   * Poll GET /v1/analyses/{id} about every 700 ms until it is done or failed.
   * onUpdate(analysis) is called for every answer; resolves with the final analysis.
   * A few network hiccups in a row are tolerated; other errors reject.
   */
  function pollAnalysis(id, onUpdate) {
    var url = "/v1/analyses/" + encodeURIComponent(id);
    var misses = 0;
    return new Promise(function (resolve, reject) {
      function tick() {
        api(url).then(function (a) {
          misses = 0;
          if (onUpdate) { onUpdate(a); }
          if (a.status === "done" || a.status === "failed") { resolve(a); return; }
          setTimeout(tick, 700);
        }, function (err) {
          misses += 1;
          if (err.status || misses > 8) { reject(err); return; }
          setTimeout(tick, Math.min(5000, 700 * Math.pow(1.6, misses)));
        });
      }
      tick();
    });
  }

  /* ---------- App bar ---------- */

  function markCurrentLink(nav) {
    var path = location.pathname.replace(/\/+$/, "") || "/";
    nav.querySelectorAll("a:not(.appbar-brand)").forEach(function (a) {
      var href = a.getAttribute("href");
      var here = href === "/" ? path === "/" : path === href || path.indexOf(href + "/") === 0;
      if (here) { a.setAttribute("aria-current", "page"); }
    });
  }

  function signOut(button) {
    button.disabled = true;
    api("/auth/logout", { method: "POST", noRedirect: true })
      .catch(function (err) {
        if (err.status === 401) { return; }
        button.disabled = false;
        showAlert("Could not sign out: " + err.message);
        throw err;
      })
      .then(function () { location.assign("/login"); }, function () {});
  }

  var mePromise = null;

  /** GET /auth/me once per page: {clinic, mode}. */
  function me() {
    if (!mePromise) { mePromise = api("/auth/me"); }
    return mePromise;
  }

  function initAppbar() {
    var nav = document.querySelector("nav.appbar");
    if (!nav) { return; }
    markCurrentLink(nav);
    var clinic = document.getElementById("appbar-clinic");
    var button = document.getElementById("appbar-signout");
    if (!clinic && !button) { return; }
    if (button) { button.addEventListener("click", function () { signOut(button); }); }
    me().then(function (info) {
      if (!info) { return; }
      if (clinic) {
        clinic.textContent = info.clinic || "";
        clinic.title = info.clinic || "";
      }
      if (button) { button.hidden = info.mode === "local"; }
    }, function () { /* the bar stays without a name; pages report their own errors */ });
  }

  window.mq = {
    api: api, apiError: apiError, me: me, goToLogin: goToLogin, query: query, pathId: pathId,
    showAlert: showAlert, clearAlert: clearAlert, el: el,
    today: today, fmtDate: fmtDate, fmtDateTime: fmtDateTime, fmtNumber: fmtNumber, fmtValue: fmtValue,
    fmtChange: fmtChange, fmtSize: fmtSize, unitSuffix: unitSuffix,
    movementLabel: movementLabel, movements: movements, movementsReady: movementsReady,
    fillMovementSelect: fillMovementSelect, heightMetres: heightMetres, stageLabel: stageLabel,
    setProgress: setProgress, pollAnalysis: pollAnalysis,
    HEADER: HEADER, HEADER_VALUE: HEADER_VALUE
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", initAppbar);
  } else {
    initAppbar();
  }
})();
