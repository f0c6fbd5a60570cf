/* movequal: "Live session" page — camera frames over a WebSocket, skeleton, reps, scores and cues. */
(function () {
  "use strict";

  var mq = window.mq;
  var $ = function (id) { return document.getElementById(id); };

  var MAX_SIDE = 640;            // longer side of the frames sent to the server, in pixels
  var JPEG_QUALITY = 0.7;
  var CUE_MIN_MS = 4000;         // a cue stays on screen at least this long unless a newer one replaces it
  var FPS_WINDOW_MS = 2000;
  var SAVE_TIMEOUT_MS = 30000;
  var MIN_VISIBILITY = 0.5;
  var SIDE_COLOURS = { left: "#4fc3f7", right: "#ffb74d", mid: "#ffffff" };
  var SCORE_BANDS = [[85, "Good", "is-good"], [70, "Fair", "is-fair"], [50, "Needs work", "is-weak"], [0, "Poor", "is-poor"]];
  var CUE_IDLE = { idle: "Cues appear here during the session", live: "No cue right now" };

  /** Counters read by automated tests; updated in place. */
  var stats = window.mqLive = { framesSent: 0, framesAnswered: 0, skeletonsDrawn: 0, reps: 0, cues: [], lastMessage: null };

  var state = {
    phase: "idle",           // idle | starting | connecting | live | saving
    run: 0,                  // bumped on every start, so late camera answers of an old run are ignored
    stream: null, ws: null, closeExpected: false,
    size: null, capture: null, bones: [], inFlight: false,
    pose: null, answerTimes: [], cueCode: null, cueTimer: 0, saveTimer: 0,
    framingKey: "", repNumber: null
  };
  var synth = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function" ? window.speechSynthesis : null;

  /* ---------- Page state ---------- */

  function setStatus(text, isError) {
    var line = $("live-status");
    line.textContent = text;
    line.classList.toggle("is-error", !!isError);
  }

  function setPhase(phase) {
    state.phase = phase;
    var idle = phase === "idle";
    $("live-start").disabled = !idle;
    $("live-stop").disabled = idle || phase === "saving";
    ["live-movement", "live-patient", "live-model"].forEach(function (id) { $(id).disabled = !idle; });
    $("live-badge").hidden = phase !== "live";
    $("live-stage").classList.toggle("is-on", !idle);
  }

  function showPlaceholder(title, text) {
    $("live-placeholder").hidden = !title;
    $("live-placeholder-title").textContent = title || "";
    $("live-placeholder-text").textContent = text || "";
  }

  function resetDisplay() {
    ["framesSent", "framesAnswered", "skeletonsDrawn", "reps"].forEach(function (k) { stats[k] = 0; });
    stats.cues.length = 0;
    stats.lastMessage = null;
    state.answerTimes = [];
    state.framingKey = "";
    state.repNumber = null;
    state.pose = null;
    $("live-reps").textContent = "0";
    $("live-saved").hidden = true;
    $("live-framing").hidden = true;
    $("live-fps").textContent = "\u2013 fps";
    showRep(null);
    hideCue();
  }

  /* ---------- Camera ---------- */

  function cameraMessage(err) {
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Camera access was refused. Allow the camera for this site (the camera icon in the address bar), then press Start again.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") { return "No camera was found. Connect a camera and press Start again."; }
    if (name === "NotReadableError" || name === "AbortError") {
      return "The camera could not be started. It may be in use by another application (a video call?); close it and press Start again.";
    }
    return "The camera could not be started" + (err && err.message ? " (" + err.message + ")" : "") + ".";
  }

  function openCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      return Promise.reject(new Error("This browser gives no camera access here. Use a current browser, over https or on this computer (localhost)."));
    }
    return navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  }

  function whenVideoReady(video) {
    return new Promise(function (resolve) {
      if (video.readyState >= 1 && video.videoWidth) { resolve(); return; }
      video.addEventListener("loadedmetadata", function () { resolve(); }, { once: true });
    });
  }

  /** The size of the frames sent: the camera's, scaled down so the longer side is at most MAX_SIDE. */
  function frameSize(video) {
    var w = video.videoWidth, h = video.videoHeight;
    var scale = Math.min(1, MAX_SIDE / Math.max(w, h));
    return { width: Math.max(1, Math.round(w * scale)), height: Math.max(1, Math.round(h * scale)) };
  }

  function stopCamera() {
    if (state.stream) { state.stream.getTracks().forEach(function (t) { t.stop(); }); }
    state.stream = null;
    $("live-video").srcObject = null;
  }

  /* ---------- Overlay ---------- */

  /** Place the overlay exactly over the picture (object-fit: contain may leave bars) at device resolution. */
  function fitOverlay() {
    var video = $("live-video"), canvas = $("live-overlay");
    var boxW = video.clientWidth, boxH = video.clientHeight;
    var vw = video.videoWidth || 4, vh = video.videoHeight || 3;
    var scale = Math.min(boxW / vw, boxH / vh) || 0;
    var w = vw * scale, h = vh * scale;
    var dpr = window.devicePixelRatio || 1;
    canvas.style.left = video.offsetLeft + (boxW - w) / 2 + "px";
    canvas.style.top = video.offsetTop + (boxH - h) / 2 + "px";
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    canvas.width = Math.max(1, Math.round(w * dpr));
    canvas.height = Math.max(1, Math.round(h * dpr));
  }

  function sideOf(i) {
    if (i === 0) { return "mid"; }
    return i % 2 ? "left" : "right";   // BlazePose: odd indices are the left side, even the right
  }

  function isSeen(pose, i) {
    var p = pose[i];
    return !!p && p[2] >= MIN_VISIBILITY && isFinite(p[0]) && isFinite(p[1]);
  }

  function strokeBone(ctx, a, b, colour, width) {
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.lineWidth = width + 3;
    ctx.strokeStyle = "rgba(0, 0, 0, .45)";
    ctx.stroke();
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.stroke();
  }

  function drawDot(ctx, p, colour, radius) {
    ctx.beginPath();
    ctx.arc(p[0], p[1], radius, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = Math.max(1.5, radius / 2.5);
    ctx.strokeStyle = "rgba(0, 0, 0, .55)";
    ctx.stroke();
  }

  /** Draw the skeleton; returns whether anything was drawn. */
  function drawPose(pose) {
    var canvas = $("live-overlay");
    var ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    if (!Array.isArray(pose) || !pose.length) { return false; }
    var w = canvas.width, h = canvas.height;
    var px = function (i) { return [pose[i][0] * w, pose[i][1] * h]; };
    var width = Math.max(2, w / 160), joints = {};
    ctx.lineCap = "round";
    state.bones.forEach(function (bone) {
      var i = bone[0], j = bone[1];
      if (!isSeen(pose, i) || !isSeen(pose, j)) { return; }
      var side = sideOf(i) === sideOf(j) ? sideOf(i) : "mid";
      strokeBone(ctx, px(i), px(j), SIDE_COLOURS[side], width);
      joints[i] = joints[j] = true;
    });
    Object.keys(joints).forEach(function (i) { drawDot(ctx, px(+i), SIDE_COLOURS[sideOf(+i)], width * 1.3); });
    return Object.keys(joints).length > 0;
  }

  function redrawOverlay() {
    fitOverlay();
    drawPose(state.pose);
  }

  /* ---------- Feedback panel ---------- */

  function scoreBand(score) {
    for (var i = 0; i < SCORE_BANDS.length; i++) { if (score >= SCORE_BANDS[i][0]) { return SCORE_BANDS[i]; } }
    return SCORE_BANDS[SCORE_BANDS.length - 1];
  }

  function findingItem(f) {
    var li = mq.el("li");
    var sev = f.severity || "mild";
    li.appendChild(mq.el("span", "sev sev-" + sev, sev));
    li.appendChild(mq.el("span", null, f.title || f.code));
    return li;
  }

  function showRep(rep) {
    var box = $("live-last-rep"), list = $("live-findings"), score = $("live-score");
    var band = rep && isFinite(rep.score) ? scoreBand(rep.score) : null;
    box.className = "live-box live-last-rep" + (band ? " " + band[2] : "");
    $("live-last-rep-title").textContent = rep ? "Last rep \u00b7 #" + rep.number + (band ? " \u00b7 " + band[1] : "") : "Last rep";
    score.textContent = band ? String(Math.round(rep.score)) : "\u2014";
    score.setAttribute("aria-label", band ? "Score " + Math.round(rep.score) + " out of 100" : "No score yet");
    list.textContent = "";
    var findings = (rep && rep.findings) || [];
    findings.forEach(function (f) { list.appendChild(findingItem(f)); });
    if (!findings.length) { list.appendChild(mq.el("li", rep ? "is-clean" : "muted", rep ? "No problems seen" : "No repetition yet")); }
  }

  function speak(text) {
    if (!synth || !$("live-speak").checked || !text) { return; }
    synth.cancel();
    var u = new window.SpeechSynthesisUtterance(text);
    u.lang = document.documentElement.lang || "en";
    synth.speak(u);
  }

  function hideCue() {
    clearTimeout(state.cueTimer);
    state.cueCode = null;
    var banner = $("live-cue");
    banner.className = "live-cue is-idle";
    banner.textContent = state.phase === "idle" ? CUE_IDLE.idle : CUE_IDLE.live;
  }

  function showCue(cue) {
    if (!cue || !cue.text || cue.code === state.cueCode) { return; }  // the same cue still on screen: not again
    var banner = $("live-cue");
    clearTimeout(state.cueTimer);
    state.cueCode = cue.code;
    banner.className = "live-cue";
    void banner.offsetWidth;                 // restart the entry animation for each new cue
    banner.className = "live-cue is-active";
    banner.textContent = cue.text;
    stats.cues.push(cue.code);
    speak(cue.text);
    state.cueTimer = setTimeout(hideCue, CUE_MIN_MS);
  }

  function framingLines(msg) {
    var framing = msg.framing || { ok: true, problems: [] };
    var problems = (framing.problems || []).slice();
    var checking = !!msg.calibrating || !framing.ok;
    if (checking && !problems.length) { problems.push("Hold still \u2014 checking your position"); }
    return { checking: checking, lines: checking ? problems : ["In position \u2014 go ahead with the movement"] };
  }

  function showFraming(msg) {
    var f = framingLines(msg);
    var key = f.checking + "|" + f.lines.join("|");
    if (key === state.framingKey) { return; }
    state.framingKey = key;
    var box = $("live-framing"), list = $("live-framing-list");
    box.hidden = false;
    box.classList.toggle("is-ok", !f.checking);
    $("live-framing-title").textContent = f.checking ? "Position check" : "Position OK";
    list.textContent = "";
    f.lines.forEach(function (line) { list.appendChild(mq.el("li", null, line)); });
  }

  function showRate(msg) {
    var now = performance.now(), times = state.answerTimes;
    times.push(now);
    while (times.length > 2 && now - times[0] > FPS_WINDOW_MS) { times.shift(); }
    var fps = times.length > 1 ? (times.length - 1) * 1000 / (now - times[0]) : 0;
    var parts = [fps.toFixed(1) + " fps"];
    if (isFinite(msg.server_ms)) { parts.push("server " + Math.round(msg.server_ms) + " ms"); }
    if (isFinite(msg.t)) { parts.push("round trip " + Math.round(now - msg.t) + " ms"); }
    $("live-fps").textContent = parts.join(" \u00b7 ");
  }

  function showReps(reps) {
    var n = Math.max(0, Math.round(+reps || 0));
    if (n === stats.reps) { return; }
    stats.reps = n;
    var counter = $("live-reps");
    counter.textContent = String(n);
    counter.classList.remove("is-bump");
    void counter.offsetWidth;
    counter.classList.add("is-bump");
  }

  /* ---------- Frames ---------- */

  function packFrame(t, jpeg) {
    var buf = new ArrayBuffer(8 + jpeg.byteLength);
    new DataView(buf).setFloat64(0, t, true);
    new Uint8Array(buf, 8).set(new Uint8Array(jpeg));
    return buf;
  }

  function sendPacket(buf) {
    var ws = state.ws;
    if (state.phase !== "live" || !ws || ws.readyState !== WebSocket.OPEN) { state.inFlight = false; return; }
    ws.send(buf);
    stats.framesSent += 1;
  }

  function onJpeg(blob, t) {
    if (state.phase !== "live") { state.inFlight = false; return; }
    if (!blob) { state.inFlight = false; setTimeout(sendNextFrame, 50); return; }
    blob.arrayBuffer().then(function (jpeg) { sendPacket(packFrame(t, jpeg)); }, function () {
      state.inFlight = false;
      setTimeout(sendNextFrame, 50);
    });
  }

  /** Capture, encode and send one frame, unless one is already on its way (at most one in flight). */
  function sendNextFrame() {
    if (state.phase !== "live" || state.inFlight) { return; }
    var video = $("live-video");
    if (video.readyState < 2) { requestAnimationFrame(sendNextFrame); return; }
    state.inFlight = true;
    var canvas = state.capture;
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    var t = performance.now();
    canvas.toBlob(function (blob) { onJpeg(blob, t); }, "image/jpeg", JPEG_QUALITY);
  }

  /* ---------- Server messages ---------- */

  function onReady(msg) {
    state.bones = Array.isArray(msg.bones) ? msg.bones : [];
    setPhase("live");
    hideCue();
    setStatus("Live \u2014 stand where the whole body is in the picture");
    sendNextFrame();
  }

  function onFrame(msg) {
    state.inFlight = false;
    stats.framesAnswered += 1;
    state.pose = msg.pose || null;
    if (drawPose(state.pose)) { stats.skeletonsDrawn += 1; }
    showReps(msg.reps);
    if (msg.rep && msg.rep.number !== state.repNumber) { state.repNumber = msg.rep.number; showRep(msg.rep); }
    showCue(msg.cue);
    showFraming(msg);
    showRate(msg);
    if (state.phase === "live") {
      setStatus(msg.calibrating ? "Checking the position\u2026" : !state.pose ? "Nobody in view" : "Live \u2014 tracking");
      sendNextFrame();
    }
  }

  function onSaved(msg) {
    var link = $("live-saved");
    link.href = msg.page || "/analyses/" + encodeURIComponent(msg.analysis_id);
    link.hidden = false;
    var reps = isFinite(msg.reps) ? msg.reps : stats.reps;
    var score = msg.score === null || msg.score === undefined ? "" : " \u00b7 session score " + Math.round(msg.score);
    finish("Session saved \u00b7 " + reps + (reps === 1 ? " repetition" : " repetitions") + score);
  }

  function onServerError(msg) {
    var saving = state.phase === "saving";
    mq.showAlert(msg.detail || "The live session failed on the server.");
    finish(saving ? "The session could not be saved" : "Stopped after an error", true);
  }

  function onMessage(ev) {
    if (typeof ev.data !== "string") { return; }
    var msg;
    try { msg = JSON.parse(ev.data); } catch (e) { return; }
    if (!msg || typeof msg !== "object") { return; }
    stats.lastMessage = msg;
    if (msg.type === "frame") { onFrame(msg); }
    else if (msg.type === "ready") { onReady(msg); }
    else if (msg.type === "saved") { onSaved(msg); }
    else if (msg.type === "error") { onServerError(msg); }
  }

  function closeMessage(ev, wasLive) {
    if (!wasLive) { return "Could not connect to the live service. Check that you are signed in and that the server is running, then press Start again."; }
    return "The connection to the server was lost" + (ev.code && ev.code !== 1006 ? " (code " + ev.code + ")" : "") +
      ". The camera has been turned off; press Start to begin a new session.";
  }

  function onClose(ev) {
    if (state.closeExpected || state.phase === "idle") { return; }
    var wasLive = state.phase === "live" || state.phase === "saving";
    mq.showAlert(closeMessage(ev, wasLive));
    finish("Connection lost", true);
  }

  function connect(size) {
    var url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/live";
    var ws = new WebSocket(url);
    ws.binaryType = "arraybuffer";
    state.ws = ws;
    state.closeExpected = false;
    ws.addEventListener("open", function () {
      var patient = $("live-patient").value;
      ws.send(JSON.stringify({
        type: "start", movement: $("live-movement").value, patient_id: patient || null,
        model: $("live-model").value, width: size.width, height: size.height
      }));
      setStatus("Loading the pose model\u2026");
    });
    ws.addEventListener("message", onMessage);
    ws.addEventListener("close", onClose);
  }

  /* ---------- Start and stop ---------- */

  function prepareCapture(video) {
    state.size = frameSize(video);
    state.capture = state.capture || document.createElement("canvas");
    state.capture.width = state.size.width;
    state.capture.height = state.size.height;
    $("live-stage").style.setProperty("--live-ar", String(video.videoWidth / video.videoHeight));
    showPlaceholder(null);
    redrawOverlay();
  }

  function start() {
    if (state.phase !== "idle") { return; }
    var run = ++state.run;
    var video = $("live-video");
    mq.clearAlert();
    resetDisplay();
    setPhase("starting");
    setStatus("Starting the camera\u2026");
    showPlaceholder("Starting the camera\u2026", "Allow the camera if the browser asks.");
    openCamera().then(function (stream) {
      if (run !== state.run) { stream.getTracks().forEach(function (t) { t.stop(); }); return null; }
      state.stream = stream;
      video.srcObject = stream;
      var playing = video.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      return whenVideoReady(video);
    }).then(function () {
      if (run !== state.run || !state.stream) { return; }
      prepareCapture(video);
      setPhase("connecting");
      setStatus("Connecting to the server\u2026");
      $("live-stage").scrollIntoView({ block: "nearest", behavior: "smooth" });
      connect(state.size);
    }, function (err) {
      if (run !== state.run) { return; }
      mq.showAlert(err instanceof Error && !err.name.match(/Error$/) ? err.message : cameraMessage(err));
      finish("Camera off", true);
    });
  }

  function stop() {
    var ws = state.ws;
    if (state.phase === "live" && ws && ws.readyState === WebSocket.OPEN) {
      setPhase("saving");
      setStatus("Saving the session\u2026");
      ws.send(JSON.stringify({ type: "stop" }));
      state.saveTimer = setTimeout(function () {
        mq.showAlert("The server did not confirm that the session was saved. Check the patient's sessions before recording again.");
        finish("No answer from the server", true);
      }, SAVE_TIMEOUT_MS);
      return;
    }
    state.run += 1;
    finish("Stopped \u2014 nothing was saved");
  }

  /** End the session: close the socket, turn the camera off, back to idle. */
  function finish(statusText, isError) {
    clearTimeout(state.saveTimer);
    state.closeExpected = true;
    if (state.ws && state.ws.readyState <= WebSocket.OPEN) { state.ws.close(1000, "done"); }
    state.ws = null;
    state.inFlight = false;
    stopCamera();
    state.pose = null;
    drawPose(null);
    if (synth && !$("live-speak").checked) { synth.cancel(); }
    setPhase("idle");
    hideCue();
    showPlaceholder("Camera off", "Press Start to begin a new session.");
    setStatus(statusText, isError);
  }

  /* ---------- Settings ---------- */

  function patientLabel(p) {
    return p.reference + (p.display_name ? " \u2014 " + p.display_name : "");
  }

  function loadPatients() {
    var select = $("live-patient"), wanted = mq.query("patient");
    mq.api("/v1/patients?limit=500").then(function (data) {
      var items = (data && data.items) || [];
      items.forEach(function (p) {
        var opt = mq.el("option", null, patientLabel(p));
        opt.value = p.id;
        select.appendChild(opt);
      });
      if (!wanted) { return; }
      if (items.some(function (p) { return p.id === wanted; })) { select.value = wanted; }
      else { mq.showAlert("The patient in the link was not found; choose one from the list.", "info"); }
    }, function (err) {
      var hint = $("live-patient-hint");
      hint.textContent = "The patient list could not be loaded (" + err.message + "). You can still run a session without a patient.";
      hint.hidden = false;
    });
  }

  function initSpeech() {
    var box = $("live-speak");
    if (synth) {
      box.addEventListener("change", function () { if (!box.checked) { synth.cancel(); } });
      return;
    }
    box.checked = false;
    box.disabled = true;
    $("live-speak-hint").textContent = "This browser cannot speak; cues are shown only.";
  }

  function init() {
    setPhase("idle");
    initSpeech();
    loadPatients();
    $("live-start").addEventListener("click", start);
    $("live-stop").addEventListener("click", stop);
    if (window.ResizeObserver) { new ResizeObserver(redrawOverlay).observe($("live-video")); }
    else { window.addEventListener("resize", redrawOverlay); }
    $("live-video").addEventListener("loadedmetadata", redrawOverlay);
    window.addEventListener("pagehide", function () { if (state.phase !== "idle") { state.run += 1; finish("Camera off"); } });
  }

  init();
})();
