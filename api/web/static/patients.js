/* movequal: patient list and "add a patient" form. */
(function () {
  "use strict";

  var mq = window.mq;
  var $ = function (id) { return document.getElementById(id); };
  var patients = [];
  var highlightId = null;
  var total = 0;

  function patientUrl(p) {
    return "/patients/" + encodeURIComponent(p.id);
  }

  /* ---------- Table ---------- */

  function messageRow(text) {
    var tr = mq.el("tr");
    var td = mq.el("td", "empty", text);
    td.colSpan = 4;
    tr.appendChild(td);
    return tr;
  }

  function patientRow(p) {
    var tr = mq.el("tr", "is-link");
    var ref = mq.el("td", "nowrap");
    var link = mq.el("a", null, p.reference);
    link.href = patientUrl(p);
    ref.appendChild(link);
    tr.appendChild(ref);
    tr.appendChild(mq.el("td", p.display_name ? null : "muted", p.display_name || "\u2014"));
    tr.appendChild(mq.el("td", "r num", String(p.sessions || 0)));
    tr.appendChild(mq.el("td", "nowrap hide-sm" + (p.last_session_at ? "" : " muted"),
      p.last_session_at ? mq.fmtDate(p.last_session_at) : "No sessions yet"));
    if (p.id === highlightId) { tr.classList.add("is-selected"); }
    tr.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) { return; }
      location.assign(patientUrl(p));
    });
    return tr;
  }

  function matches(p, needle) {
    if (!needle) { return true; }
    var hay = (p.reference + " " + (p.display_name || "")).toLowerCase();
    return hay.indexOf(needle) >= 0;
  }

  function render() {
    var body = $("patients-body");
    var needle = $("patient-filter").value.trim().toLowerCase();
    var shown = patients.filter(function (p) { return matches(p, needle); });
    body.textContent = "";
    if (!patients.length) {
      body.appendChild(messageRow("No patients yet. Add the first one below."));
    } else if (!shown.length) {
      body.appendChild(messageRow("No patient matches \u201c" + needle + "\u201d."));
    } else {
      shown.forEach(function (p) { body.appendChild(patientRow(p)); });
    }
    $("patient-count").textContent = !patients.length ? "" :
      total > patients.length ? "(first " + patients.length + " of " + total + ")" : "(" + patients.length + ")";
  }

  function load() {
    return mq.api("/v1/patients?limit=500").then(function (data) {
      patients = (data && data.items) || [];
      total = (data && data.total) || patients.length;
      render();
    }, function (err) {
      $("patients-body").textContent = "";
      $("patients-body").appendChild(messageRow("The patient list could not be loaded."));
      mq.showAlert(err.message);
    });
  }

  /* ---------- New patient ---------- */

  function textOrNull(id) {
    var v = $(id).value.trim();
    return v ? v : null;
  }

  function onCreate(ev) {
    ev.preventDefault();
    var reference = $("new-reference").value.trim();
    if (!reference) {
      mq.showAlert("Enter a reference for the patient.");
      $("new-reference").focus();
      return;
    }
    if (reference.length > 64) {
      mq.showAlert("The reference can be at most 64 characters long.");
      $("new-reference").focus();
      return;
    }
    var height = mq.heightMetres($("new-height"));
    if (typeof height === "string") {
      mq.showAlert(height);
      $("new-height").focus();
      return;
    }
    var button = $("new-submit");
    button.disabled = true;
    mq.api("/v1/patients", {
      method: "POST",
      json: { reference: reference, display_name: textOrNull("new-name"), notes: textOrNull("new-notes"),
              height_m: height }
    }).then(function (p) {
      $("new-patient-form").reset();
      highlightId = p && p.id;
      mq.showAlert("Patient " + reference + " added.", "success");
      return load();
    }, function (err) {
      mq.showAlert(err.message);
      if (err.status === 409) { $("new-reference").focus(); }
    }).then(function () { button.disabled = false; });
  }

  function init() {
    $("new-patient-form").addEventListener("submit", onCreate);
    $("patient-filter").addEventListener("input", render);
    $("jump-add").addEventListener("click", function (ev) {
      ev.preventDefault();
      $("add-heading").scrollIntoView({ behavior: "smooth", block: "start" });
      $("new-reference").focus({ preventScroll: true });
    });
    var deleted = mq.query("deleted");
    if (deleted) { mq.showAlert("Patient " + deleted + " and all their analyses were deleted.", "success"); }
    load();
  }

  init();
})();
