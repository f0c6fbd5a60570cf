/* movequal: "New analysis" page — choose a video, upload it with progress, follow the job. */
(function () {
  "use strict";

  var mq = window.mq;
  var VIDEO_EXT = /\.(mp4|m4v|mov|qt|avi|mkv|webm|mpe?g|3gp|3g2|wmv|mts|m2ts|ts|ogv)$/i;
  var MODEL_HINTS = {
    lite: "Lite is the quickest; fine for a clear, well-lit side view.",
    full: "Full balances speed and precision and suits most clinic videos.",
    heavy: "Heavy is the most precise and the slowest; use it for difficult angles or loose clothing."
  };

  var state = { file: null, uploading: false, busy: false };
  var $ = function (id) { return document.getElementById(id); };

  /* ---------- File choice ---------- */

  function looksLikeVideo(file) {
    if (file.type) { return file.type.indexOf("video/") === 0; }
    return VIDEO_EXT.test(file.name);
  }

  function chooseFile(file) {
    if (!file) { return; }
    if (!looksLikeVideo(file)) {
      mq.showAlert("\u201c" + file.name + "\u201d does not look like a video. Please choose a video file (for example MP4 or MOV).");
      return;
    }
    if (file.size === 0) {
      mq.showAlert("\u201c" + file.name + "\u201d is empty. Please choose another video.");
      return;
    }
    mq.clearAlert();
    state.file = file;
    showFile();
  }

  function showFile() {
    var f = state.file;
    $("drop-empty").hidden = !!f;
    $("file-chosen").hidden = !f;
    $("drop-zone").classList.toggle("has-file", !!f);
    $("file-name").textContent = f ? f.name : "";
    $("file-size").textContent = f ? mq.fmtSize(f.size) : "";
    $("submit-hint").textContent = f ? "Ready: " + f.name + " (" + mq.fmtSize(f.size) + ")" : "Choose a video to start.";
  }

  function bindFileInput() {
    var input = $("file-input");
    input.addEventListener("change", function () {
      if (input.files && input.files.length) { chooseFile(input.files[0]); }
    });
  }

  function hasFiles(ev) {
    var types = ev.dataTransfer && ev.dataTransfer.types;
    return !!types && Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  function bindDropZone() {
    var zone = $("drop-zone");
    var depth = 0;
    zone.addEventListener("dragenter", function (ev) {
      if (!hasFiles(ev) || state.busy) { return; }
      ev.preventDefault();
      depth += 1;
      zone.classList.add("is-over");
    });
    zone.addEventListener("dragover", function (ev) {
      if (!hasFiles(ev) || state.busy) { return; }
      ev.preventDefault();
      ev.dataTransfer.dropEffect = "copy";
    });
    zone.addEventListener("dragleave", function () {
      depth = Math.max(0, depth - 1);
      if (!depth) { zone.classList.remove("is-over"); }
    });
    zone.addEventListener("drop", function (ev) {
      ev.preventDefault();
      depth = 0;
      zone.classList.remove("is-over");
      if (state.busy) { return; }
      var files = ev.dataTransfer.files;
      if (files && files.length > 1) { mq.showAlert("Please drop one video at a time.", "info"); }
      if (files && files.length) { chooseFile(files[0]); }
    });
    // A file dropped next to the zone must not make the browser leave the page to open it.
    ["dragover", "drop"].forEach(function (name) {
      window.addEventListener(name, function (ev) {
        if (hasFiles(ev) && !zone.contains(ev.target)) { ev.preventDefault(); }
      });
    });
  }

  /* ---------- Settings ---------- */

  function showModelHint() {
    $("model-hint").textContent = MODEL_HINTS[$("model").value] || "";
  }

  function patientLabel(p) {
    return p.reference + (p.display_name ? " \u2014 " + p.display_name : "");
  }

  function loadPatients() {
    var select = $("patient");
    var wanted = mq.query("patient");
    mq.api("/v1/patients?limit=500").then(function (data) {
      var items = (data && data.items) || [];
      items.forEach(function (p) {
        var opt = mq.el("option", null, patientLabel(p));
        opt.value = p.id;
        select.appendChild(opt);
      });
      if (wanted) {
        var found = items.some(function (p) { return p.id === wanted; });
        if (found) { select.value = wanted; } else { mq.showAlert("The patient in the link was not found; choose one from the list.", "info"); }
      }
    }, function (err) {
      $("patient-hint").textContent = "The patient list could not be loaded (" + err.message + "). You can still analyse without a patient.";
    });
  }

  /* ---------- Progress display ---------- */

  function showProgress(step, pct, text, meterState) {
    $("progress-panel").hidden = false;
    $("progress-step").textContent = step;
    $("progress-pct").textContent = meterState === "waiting" && !pct ? "" : Math.round(pct) + " %";
    mq.setProgress($("progress"), pct, meterState);
    var status = $("status-text");
    status.classList.toggle("is-error", meterState === "failed");
    status.textContent = text;
  }

  function setBusy(busy) {
    state.busy = busy;
    $("upload-fields").disabled = busy;
    $("drop-zone").classList.toggle("is-disabled", busy);
    $("submit-bar").hidden = busy;
  }

  /* ---------- Upload ---------- */

  function buildForm() {
    var fd = new FormData();
    fd.append("file", state.file, state.file.name);
    fd.append("movement", $("movement").value);
    fd.append("model", $("model").value);
    if ($("patient").value) { fd.append("patient_id", $("patient").value); }
    if ($("session-date").value) { fd.append("session_date", $("session-date").value); }
    var height = mq.heightMetres($("height-cm"));
    if (typeof height === "number") { fd.append("height_m", String(height)); }
    doseValues().forEach(function (pair) { fd.append(pair[0], pair[1]); });
    fd.append("blur_faces", $("blur-faces").checked ? "true" : "false");
    fd.append("retain_source", $("retain-source").checked ? "true" : "false");
    return fd;
  }

  /* ---------- Session dose (checked again by the server, which names a bad field) ---------- */

  var DOSE_INPUTS = [
    ["dose-load-kg", "The load"], ["dose-sets", "Sets prescribed"], ["dose-reps", "Reps per set prescribed"],
    ["dose-pain-before", "Pain before"]
  ];

  function doseValues() {
    var pairs = [];
    if ($("dose-bodyweight").checked) {
      pairs.push(["load_kg", "0"]);
    } else if ($("dose-load-kg").value.trim()) {
      pairs.push(["load_kg", $("dose-load-kg").value.trim()]);
    }
    ["dose-sets", "dose-reps", "dose-pain-before"].forEach(function (id) {
      var input = $(id);
      if (input.value.trim()) { pairs.push([input.name, input.value.trim()]); }
    });
    return pairs;
  }

  function checkDose() {
    for (var i = 0; i < DOSE_INPUTS.length; i++) {
      var input = $(DOSE_INPUTS[i][0]);
      if (!input.disabled && !input.validity.valid) {
        var whole = input.step === "1" ? " whole number" : " number";
        return DOSE_INPUTS[i][1] + " must be a" + whole + " from " + input.min + " to " + input.max + ".";
      }
    }
    return null;
  }

  function onBodyweight() {
    var load = $("dose-load-kg");
    load.disabled = $("dose-bodyweight").checked;
    if (load.disabled) { load.value = ""; }
  }

  function checkForm() {
    if (!state.file) { return "Choose a video first: drag it onto the box or click the box to browse."; }
    var dose = checkDose();
    if (dose) { return dose; }
    var height = mq.heightMetres($("height-cm"));
    if (typeof height === "string") { return height; }
    var date = $("session-date").value;
    if (date && date > mq.today()) { return "The session date is in the future. Please check it."; }
    return null;
  }

  function onSubmit(ev) {
    ev.preventDefault();
    if (state.busy) { return; }
    var problem = checkForm();
    if (problem) {
      mq.showAlert(problem);
      if (!state.file) { $("file-input").focus(); }
      return;
    }
    mq.clearAlert();
    upload(buildForm());
  }

  function upload(formData) {
    var xhr = new XMLHttpRequest();
    var total = state.file.size;
    setBusy(true);
    state.uploading = true;
    showProgress("Step 1 of 2 \u00b7 Uploading", 0, "Uploading " + state.file.name + "\u2026", "");
    $("progress-panel").scrollIntoView({ block: "nearest", behavior: "smooth" });
    xhr.upload.addEventListener("progress", function (ev) {
      var size = ev.lengthComputable ? ev.total : total;
      var pct = size ? (ev.loaded / size) * 100 : 0;
      showProgress("Step 1 of 2 \u00b7 Uploading", pct,
        "Uploading " + state.file.name + " \u2013 " + mq.fmtSize(ev.loaded) + " of " + mq.fmtSize(size), "");
    });
    xhr.upload.addEventListener("load", function () {
      showProgress("Step 1 of 2 \u00b7 Uploading", 100, "Upload complete. Checking the video\u2026", "waiting");
    });
    xhr.addEventListener("load", function () { onUploadAnswer(xhr); });
    xhr.addEventListener("error", function () {
      uploadFailed("The upload was interrupted. Check the connection and try again.");
    });
    xhr.addEventListener("timeout", function () {
      uploadFailed("The upload took too long and was stopped. Try again, or use a shorter video.");
    });
    xhr.open("POST", "/v1/analyses");
    xhr.setRequestHeader(mq.HEADER, mq.HEADER_VALUE);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.send(formData);
  }

  function onUploadAnswer(xhr) {
    state.uploading = false;
    if (xhr.status === 401) { mq.goToLogin(); return; }
    var body = null;
    try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
    if (xhr.status < 200 || xhr.status >= 300 || !body || !body.id) {
      uploadFailed(mq.apiError(xhr.status || 0, body).message);
      return;
    }
    followJob(body);
  }

  function uploadFailed(message) {
    state.uploading = false;
    setBusy(false);
    $("progress-panel").hidden = true;
    mq.showAlert(message);
  }

  /* ---------- The analysis job ---------- */

  function showJob(a) {
    var pct = a.status === "done" ? 100 : (a.progress || 0);
    var meter = a.status === "queued" ? "waiting" : a.status === "done" ? "done" : "";
    var text = mq.stageLabel(a.status, a.stage);
    if (a.status === "running") { text += "\u2026"; }
    showProgress("Step 2 of 2 \u00b7 Analysing", pct, text, meter);
  }

  function followJob(analysis) {
    showJob(analysis);
    mq.pollAnalysis(analysis.id, showJob).then(function (a) {
      if (a.status === "done") {
        showProgress("Step 2 of 2 \u00b7 Analysing", 100, "Analysis complete. Opening the report\u2026", "done");
        location.assign((a.links && a.links.page) || "/analyses/" + encodeURIComponent(a.id));
      } else {
        jobFailed(a.error || "The analysis could not be completed.");
      }
    }, function (err) {
      jobFailed("Lost track of the analysis: " + err.message + " It may still finish; check the patient's sessions later.");
    });
  }

  function jobFailed(reason) {
    var pct = +$("progress").getAttribute("aria-valuenow") || 0;
    showProgress("Analysis failed", pct, reason, "failed");
    $("failed-actions").hidden = false;
    $("reset").focus();
  }

  function reset() {
    state.file = null;
    $("file-input").value = "";
    showFile();
    setBusy(false);
    $("failed-actions").hidden = true;
    $("progress-panel").hidden = true;
    mq.setProgress($("progress"), 0, "");
    $("status-text").textContent = "";
    mq.clearAlert();
    $("drop-zone").scrollIntoView({ block: "center" });
    $("file-input").focus();
  }

  /* ---------- Start ---------- */

  function init() {
    var date = $("session-date");
    date.value = mq.today();
    date.max = mq.today();
    showModelHint();
    showFile();
    bindFileInput();
    bindDropZone();
    mq.fillMovementSelect($("movement"));
    loadPatients();
    $("model").addEventListener("change", showModelHint);
    $("dose-bodyweight").addEventListener("change", onBodyweight);
    $("upload-form").addEventListener("submit", onSubmit);
    $("reset").addEventListener("click", reset);
    window.addEventListener("beforeunload", function (ev) {
      if (state.uploading) { ev.preventDefault(); ev.returnValue = ""; }
    });
  }

  init();
})();
