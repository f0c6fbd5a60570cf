/* movequal: "Live session" page — camera frames over a WebSocket, skeleton, reps, scores and cues. */
(function () {
  "use strict";

  var mq = window.mq;
  var skeleton = window.mqSkeleton;
  var $ = function (id) { return document.getElementById(id); };

  var MAX_SIDE = 640;            // longer side of the frames sent to the server, in pixels
  var JPEG_QUALITY = 0.7;
  var SAVE_TIMEOUT_MS = 30000;
  var CAMERA_ERRORS = [
    [["NotAllowedError", "SecurityError"], "Camera access was refused. Allow the camera for this site (camera icon in the address bar), then press Start again."],
    [["NotFoundError", "OverconstrainedError"], "No camera was found. Connect a camera and press Start again."],
    [["NotReadableError", "AbortError"], "The camera could not be started. It may be in use by another application (a video call?); close it and press Start again."]
  ];

  /** Counters read by automated tests; updated in place. */
  var stats = window.mqLive = { framesSent: 0, framesAnswered: 0, skeletonsDrawn: 0, reps: 0, cues: [], lastMessage: null };

  var state = {
    phase: "idle",       // idle | starting | connecting | live | saving
    run: 0,              // bumped on every start and stop, so a late camera answer of an old run is dropped
    stream: null, ws: null, capture: null, bones: [], inFlight: false, pose: null, browserPose: null,
    answerTimes: [], cueCode: null, cueTimer: 0, saveTimer: 0, framingKey: "", repNumber: null
  };
  var feedback = window.mqLiveFeedback(state, stats);   // the panel beside the picture: live-feedback.js

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  /* ---------- Page state ---------- */

  function setStatus(text, isError) {
    $("live-status").textContent = text;
    $("live-status").classList.toggle("is-error", !!isError);
  }

  function setPhase(phase) {
    var idle = phase === "idle";
    state.phase = phase;
    $("live-start").disabled = !idle;
    $("live-stop").disabled = idle || phase === "saving";
    ["live-movement", "live-patient", "live-model", "live-pose", "live-load-kg", "live-pain-before"].forEach(function (id) { $(id).disabled = !idle; });
    if ($("live-pose").value === "browser") { $("live-model").value = "lite"; $("live-model").disabled = true; }  // the browser runs lite
    $("live-badge").hidden = phase !== "live";
  }

  function showPlaceholder(title, text) {
    $("live-placeholder").hidden = !title;
    $("live-placeholder-title").textContent = title || "";
    $("live-placeholder-text").textContent = text || "";
  }

  function resetDisplay() {
    ["framesSent", "framesAnswered", "skeletonsDrawn", "reps"].forEach(function (k) { stats[k] = 0; });
    stats.cues.length = 0;
    stats.lastMessage = stats.hold = stats.stopwatch = stats.gait = state.lastHold = null;
    $("live-hold").hidden = true;
    $("live-stopwatch").hidden = true;
    $("live-gait").hidden = true;
    $("live-counts").hidden = false;
    state.answerTimes = [];
    state.framingKey = state.repNumber = null;
    $("live-reps").textContent = "0";
    $("live-saved").hidden = true;
    $("live-framing").hidden = true;
    $("live-fps").textContent = "\u2013 fps";
    feedback.showRep(null);
  }

  /* ---------- Camera ---------- */

  function cameraMessage(err) {
    var name = err && err.name;
    for (var i = 0; i < CAMERA_ERRORS.length; i++) {
      if (CAMERA_ERRORS[i][0].indexOf(name) >= 0) { return CAMERA_ERRORS[i][1]; }
    }
    if (name === "NoCameraApi" || name === "NoBrowserPose") { return err.message; }
    return "The session could not be started" + (err && err.message ? " (" + err.message + ")" : "") + ".";
  }

  function openCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      var err = new Error("This browser gives no camera access here. Use a current browser, over https or on this computer (localhost).");
      err.name = "NoCameraApi";
      return Promise.reject(err);
    }
    return navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false });
  }

  function whenVideoReady(video) {
    return new Promise(function (resolve) {
      if (video.readyState >= 1 && video.videoWidth) { resolve(); return; }
      video.addEventListener("loadedmetadata", function () { resolve(); }, { once: true });
    });
  }

  /** Size of the frames sent: the camera's, scaled down so the longer side is at most MAX_SIDE. */
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

  /* ---------- Skeleton overlay (drawn by live-skeleton.js) ---------- */

  function drawPose(pose) {
    return skeleton.draw($("live-overlay"), pose, state.bones);
  }

  function redrawOverlay() {
    skeleton.fit($("live-video"), $("live-overlay"));
    drawPose(state.pose);
  }

  /* ---------- Frames (at most one in flight) ---------- */

  /** One binary message: the capture time as a little-endian float64, then the JPEG bytes. */
  function packFrame(t, jpeg) {
    var buf = new ArrayBuffer(8 + jpeg.byteLength);
    new DataView(buf).setFloat64(0, t, true);
    new Uint8Array(buf, 8).set(new Uint8Array(jpeg));
    return buf;
  }

  function sendPacket(ws, buf) {
    if (state.phase !== "live" || ws !== state.ws || ws.readyState !== WebSocket.OPEN) { return; }
    ws.send(buf);
    stats.framesSent += 1;
  }

  function retryCapture() {
    state.inFlight = false;
    setTimeout(sendNextFrame, 50);
  }

  function onJpeg(blob, t, ws) {
    if (state.phase !== "live" || ws !== state.ws) { return; }
    if (!blob) { retryCapture(); return; }
    blob.arrayBuffer().then(function (jpeg) { sendPacket(ws, packFrame(t, jpeg)); }, retryCapture);
  }

  /** Capture, encode and send the current camera frame; the next one goes when this one is answered. */
  function sendNextFrame() {
    var video = $("live-video"), canvas = state.capture, ws = state.ws;
    if (state.phase !== "live" || state.inFlight) { return; }
    if (video.readyState < 2) { requestAnimationFrame(sendNextFrame); return; }
    state.inFlight = true;
    if (state.browserPose) { state.browserPose.next(video, function (msg) { sendPacket(ws, JSON.stringify(msg)); }); return; }
    canvas.getContext("2d").drawImage(video, 0, 0, canvas.width, canvas.height);
    var t = performance.now();
    canvas.toBlob(function (blob) { onJpeg(blob, t, ws); }, "image/jpeg", JPEG_QUALITY);
  }

  /* ---------- Server messages ---------- */

  function onReady(msg) {
    state.bones = Array.isArray(msg.bones) ? msg.bones : [];
    setPhase("live");
    feedback.hideCue();
    setStatus("Live \u2014 stand where the whole body is in the picture");
    sendNextFrame();
  }

  function onFrame(msg) {
    state.inFlight = false;
    stats.framesAnswered += 1;
    state.pose = Array.isArray(msg.pose) ? msg.pose : null;
    if (drawPose(state.pose)) { stats.skeletonsDrawn += 1; }
    feedback.showReps(msg.reps);
    feedback.showHold(msg.hold);
    feedback.showStopwatch(msg.stopwatch);
    feedback.showGait(msg.gait);
    if (msg.rep && msg.rep.number !== state.repNumber) { state.repNumber = msg.rep.number; feedback.showRep(msg.rep); }
    feedback.showCue(msg.cue);
    feedback.showFraming(msg);
    feedback.showRate(msg);
    if (state.phase !== "live") { return; }
    setStatus(msg.calibrating ? "Checking the position\u2026" : !state.pose ? "Nobody in view"
      : msg.framing && msg.framing.ok === false ? "Live \u2014 see the position check" : "Live \u2014 tracking");
    sendNextFrame();
  }

  function onSaved(msg) {
    var reps = isNum(msg.reps) ? msg.reps : stats.reps;
    $("live-saved").href = msg.page || "/analyses/" + encodeURIComponent(msg.analysis_id);
    $("live-saved").hidden = false;
    var counted = stats.hold ? stats.hold.holds + (stats.hold.holds === 1 ? " hold" : " holds")
      : stats.stopwatch ? stats.stopwatch.trials + (stats.stopwatch.trials === 1 ? " trial" : " trials")
      : stats.gait ? stats.gait.steps + (stats.gait.steps === 1 ? " step" : " steps")
      : reps + (reps === 1 ? " repetition" : " repetitions");
    finish("Session saved \u00b7 " + counted +
      (isNum(msg.score) ? " \u00b7 session score " + Math.round(msg.score) + (msg.rating ? " (" + msg.rating + ")" : "") : ""));
  }

  function onServerError(msg) {
    var saving = state.phase === "saving";
    mq.showAlert(msg.detail || "The live session failed on the server.");
    finish(saving ? "The session could not be saved" : "Stopped after an error", true);
  }

  function onMessage(ws, ev) {
    if (ws !== state.ws || typeof ev.data !== "string") { return; }
    var msg = null;
    try { msg = JSON.parse(ev.data); } catch (e) { return; }
    if (!msg || typeof msg !== "object") { return; }
    stats.lastMessage = msg;
    var handler = { frame: onFrame, ready: onReady, saved: onSaved, error: onServerError }[msg.type];
    if (handler) { handler(msg); }
  }

  function onClose(ws, ev) {
    if (ws !== state.ws) { return; }   // a socket this page already let go of
    var wasLive = state.phase === "live" || state.phase === "saving";
    mq.showAlert(wasLive
      ? "The connection to the server was lost" + (ev.code && ev.code !== 1006 ? " (code " + ev.code + ")" : "") +
        ". The camera has been turned off; press Start to begin a new session."
      : "Could not connect to the live service. Check that you are signed in and that the server is running, then press Start again.");
    finish("Connection lost", true);
  }

  function connect(size) {
    var ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/v1/live");
    ws.binaryType = "arraybuffer";
    state.ws = ws;
    ws.addEventListener("open", function () {
      ws.send(JSON.stringify({
        type: "start", movement: $("live-movement").value, patient_id: $("live-patient").value || null,
        model: state.browserPose ? "lite" : $("live-model").value, width: size.width, height: size.height, dose: liveDose(),
        pose: state.browserPose ? "browser" : "server"
      }));
      setStatus("Loading the pose model\u2026");
    });
    ws.addEventListener("message", function (ev) { onMessage(ws, ev); });
    ws.addEventListener("close", function (ev) { onClose(ws, ev); });
  }

  /* ---------- Start and stop ---------- */

  function prepareCapture(video) {
    var size = frameSize(video);
    state.capture = state.capture || document.createElement("canvas");
    state.capture.width = size.width;
    state.capture.height = size.height;
    $("live-stage").style.setProperty("--live-ar", String(video.videoWidth / video.videoHeight));
    showPlaceholder(null);
    redrawOverlay();
    return size;
  }

  /** The session's dose as the start message carries it (null when nothing was entered); the server checks it again. */
  function liveDose() {
    var dose = {}, load = $("live-load-kg").value.trim(), pain = $("live-pain-before").value.trim();
    if (load) { dose.load_kg = Number(load); }
    if (pain) { dose.pain_before = Number(pain); }
    return Object.keys(dose).length ? dose : null;
  }

  function doseProblem() {
    if (!$("live-load-kg").validity.valid) { return "The load must be a number of kilograms from 0 to 500 (0 = body weight)."; }
    if (!$("live-pain-before").validity.valid) { return "Pain before must be a whole number from 0 to 10."; }
    return null;
  }

  function start() {
    if (state.phase !== "idle") { return; }
    if (!$("live-movement").value) {
      mq.showAlert("The list of movements has not loaded yet. Wait a moment, then press Start again.");
      return;
    }
    var problem = doseProblem();
    if (problem) { mq.showAlert(problem); return; }
    var run = ++state.run, video = $("live-video");
    mq.clearAlert();
    resetDisplay();
    setPhase("starting");
    setStatus("Starting the camera\u2026");
    showPlaceholder("Starting the camera\u2026", "Allow the camera if the browser asks.");
    openCamera().then(function (stream) {
      if (run !== state.run) { stream.getTracks().forEach(function (t) { t.stop(); }); return; }
      state.stream = stream;
      video.srcObject = stream;
      video.play().catch(function () {});
      return whenVideoReady(video).then(function () {
        if (run !== state.run) { return; }
        setPhase("connecting");
        setStatus("Connecting to the server\u2026");
        document.querySelector(".live-controls").scrollIntoView({ block: "start", behavior: "smooth" });
        return loadBrowserPose().then(function () { if (run === state.run) { connect(prepareCapture(video)); } });
      });
    }).catch(function (err) {
      if (run !== state.run) { return; }
      mq.showAlert(cameraMessage(err));
      finish("Camera off", true);
    });
  }

  /** In-browser pose: live-browser-pose.js loads the runtime and the model from this app before the socket opens. */
  function loadBrowserPose() {
    var wanted = $("live-pose").value === "browser";
    state.browserPose = wanted ? window.mqBrowserPose || null : null;
    if (!wanted) { return Promise.resolve(); }
    setStatus("Loading the pose model in this browser\u2026");
    return state.browserPose ? state.browserPose.load() : Promise.reject(new Error("the in-browser pose script did not load"));
  }

  function stop() {
    var ws = state.ws;
    if (state.phase !== "live" || !ws || ws.readyState !== WebSocket.OPEN) {
      finish("Stopped \u2014 nothing was saved");
      return;
    }
    setPhase("saving");
    setStatus("Saving the session\u2026");
    ws.send(JSON.stringify({ type: "stop" }));
    state.saveTimer = setTimeout(function () {
      mq.showAlert("The server did not confirm that the session was saved. Check the patient's sessions before recording again.");
      finish("No answer from the server", true);
    }, SAVE_TIMEOUT_MS);
  }

  /** End the session: let go of the socket, turn the camera off, back to idle. */
  function finish(statusText, isError) {
    var ws = state.ws;
    state.run += 1;
    state.ws = null;
    clearTimeout(state.saveTimer);
    if (ws && ws.readyState <= WebSocket.OPEN) { ws.close(1000, "done"); }
    state.inFlight = false;
    stopCamera();
    $("live-framing").hidden = true;
    state.pose = null;
    drawPose(null);
    setPhase("idle");
    feedback.hideCue();
    showPlaceholder("Camera off", "Press Start to begin a new session.");
    setStatus(statusText, isError);
  }

  /* ---------- Settings ---------- */

  function loadPatients() {
    var select = $("live-patient"), wanted = mq.query("patient");
    mq.api("/v1/patients?limit=500").then(function (data) {
      var items = (data && data.items) || [];
      items.forEach(function (p) {
        var opt = mq.el("option", null, p.reference + (p.display_name ? " \u2014 " + p.display_name : ""));
        opt.value = p.id;
        select.appendChild(opt);
      });
      if (!wanted) { return; }
      if (items.some(function (p) { return p.id === wanted; })) { select.value = wanted; }
      else { mq.showAlert("The patient in the link was not found; choose one from the list.", "info"); }
    }, function (err) {
      $("live-patient-hint").textContent = "The patient list could not be loaded (" + err.message + "). You can still run a session without a patient.";
      $("live-patient-hint").hidden = false;
    });
  }

  function init() {
    setPhase("idle");
    feedback.initSpeech();
    mq.fillMovementSelect($("live-movement"), true);
    loadPatients();
    $("live-start").addEventListener("click", start);
    $("live-stop").addEventListener("click", stop);
    $("live-pose").addEventListener("change", function () { setPhase(state.phase); });
    if (window.ResizeObserver) { new ResizeObserver(redrawOverlay).observe($("live-video")); }
    window.addEventListener("resize", redrawOverlay);
    window.addEventListener("pagehide", function () { if (state.phase !== "idle") { finish("Camera off"); } });
  }

  init();
})();
