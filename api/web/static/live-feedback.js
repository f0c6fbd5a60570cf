/* movequal: the live page's feedback panel — the last rep and its findings, the cue (shown, and spoken when asked),
   the position check, the answer rate, the task boxes (balance hold, timed up-and-go stopwatch, walking cadence)
   and the rep counter. live.js makes one with window.mqLiveFeedback(state, stats), sharing its page state and the
   counters automated tests read, and calls its show… functions with every frame message. */
(function () {
  "use strict";

  var CUE_MIN_MS = 4000;         // a cue stays on screen this long unless a newer one replaces it
  var FPS_WINDOW_MS = 2000;
  var RATING_CLASS = { "Good": "is-good", "Fair": "is-fair", "Needs work": "is-weak", "Poor": "is-poor" };  // labels of movequal.core.verdict

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  /** Remove and re-add a class so its CSS animation plays again. */
  function replayClass(node, name) {
    node.classList.remove(name);
    void node.offsetWidth;
    node.classList.add(name);
  }

  window.mqLiveFeedback = function (state, stats) {
    var mq = window.mq;
    var $ = function (id) { return document.getElementById(id); };
    var synth = "speechSynthesis" in window && typeof window.SpeechSynthesisUtterance === "function" ? window.speechSynthesis : null;

    /** The rep's rating as [label, CSS class], as the server computed it (score band capped by a severe finding). */
    function repBand(rep) {
      return rep && RATING_CLASS.hasOwnProperty(rep.rating) ? [rep.rating, RATING_CLASS[rep.rating]] : null;
    }

    function findingItem(f) {
      var li = mq.el("li"), sev = f.severity || "mild";
      li.appendChild(mq.el("span", "sev sev-" + sev, sev));
      li.appendChild(mq.el("span", null, f.title || f.code));
      return li;
    }

    function showRep(rep) {
      var list = $("live-findings"), score = $("live-score");
      var band = rep && isNum(rep.score) ? repBand(rep) : null;
      var label = band ? " \u00b7 " + band[0] : "";
      var findings = (rep && rep.findings) || [];
      var scored = rep && isNum(rep.score);
      $("live-last-rep").className = "live-box live-last-rep" + (band ? " " + band[1] : "");
      $("live-last-rep-title").textContent = rep ? "Last rep \u00b7 #" + rep.number + label : "Last rep";
      score.textContent = scored ? String(Math.round(rep.score)) : "\u2014";
      score.setAttribute("aria-label", scored ? "Score " + Math.round(rep.score) + " out of 100" : "No score yet");
      list.textContent = "";
      findings.forEach(function (f) { list.appendChild(findingItem(f)); });
      if (!findings.length) { list.appendChild(mq.el("li", rep ? "is-clean" : "muted", rep ? "No problems seen" : "No repetition yet")); }
      if (rep && rep.not_judged) { list.appendChild(mq.el("li", "muted not-judged", rep.not_judged)); }   // "no finding" is not "fine"
      if (rep) { replayClass($("live-last-rep"), "is-new"); }
    }

    function speak(text) {
      if (!synth || !$("live-speak").checked) { return; }
      synth.cancel();                       // never queue: only the newest cue is worth hearing
      var u = new window.SpeechSynthesisUtterance(text);
      u.lang = document.documentElement.lang || "en";
      synth.speak(u);
    }

    function hideCue() {
      clearTimeout(state.cueTimer);
      state.cueCode = null;
      $("live-cue").className = "live-cue is-idle";
      $("live-cue").textContent = state.phase === "idle" ? "Cues appear here during the session" : "No cue right now";
    }

    function showCue(cue) {
      if (!cue || !cue.text || cue.code === state.cueCode) { return; }   // the cue on screen is not repeated
      clearTimeout(state.cueTimer);
      state.cueCode = cue.code;
      $("live-cue").textContent = cue.text;
      $("live-cue").className = "live-cue";
      replayClass($("live-cue"), "is-active");
      stats.cues.push(cue.code);
      speak(cue.text);
      state.cueTimer = setTimeout(hideCue, CUE_MIN_MS);
    }

    function showFraming(msg) {
      var framing = msg.framing || { ok: true, problems: [] };
      var checking = !!msg.calibrating || !framing.ok;
      var lines = checking ? (framing.problems || []).slice() : ["In position \u2014 go ahead with the movement"];
      if (!lines.length) { lines.push("Hold still \u2014 checking your position"); }
      var key = checking + "|" + lines.join("|");
      if (key === state.framingKey) { return; }
      state.framingKey = key;
      $("live-framing").hidden = false;
      $("live-framing").classList.toggle("is-ok", !checking);
      $("live-framing-title").textContent = checking ? "Position check" : "Position OK";
      $("live-framing-list").textContent = "";
      lines.forEach(function (line) { $("live-framing-list").appendChild(mq.el("li", null, line)); });
    }

    function showRate(msg) {
      var now = performance.now(), times = state.answerTimes;
      times.push(now);
      while (times.length > 2 && now - times[0] > FPS_WINDOW_MS) { times.shift(); }
      var parts = [(times.length > 1 ? (times.length - 1) * 1000 / (now - times[0]) : 0).toFixed(1) + " fps"];
      if (isNum(msg.server_ms)) { parts.push("server " + Math.round(msg.server_ms) + " ms"); }
      if (isNum(msg.t)) { parts.push("round trip " + Math.round(now - msg.t) + " ms"); }
      $("live-fps").textContent = parts.join(" \u00b7 ");
    }

    function seconds(v) { return isNum(v) ? v.toFixed(1) + " s" : "\u2013"; }

    var ENDED_BY = { "touch-down": "foot down", "stance-move": "a standing foot moved", "lost": "out of view: at least this long" };

    /** The balance hold timer: the running hold, the last one that ended (until the next starts), the best per side. */
    function showHold(hold) {
      if (!hold || typeof hold !== "object") { return; }
      stats.hold = hold;
      $("live-hold").hidden = false;
      $("live-counts").hidden = true;
      if (hold.side) { state.lastHold = null; }
      if (isNum(hold.ended_s)) { state.lastHold = hold; }
      var last = state.lastHold, tandem = hold.stance === "tandem";
      $("live-hold-time").textContent = seconds(hold.side ? hold.elapsed_s : last ? last.ended_s : 0);
      $("live-hold-side").textContent = hold.side
        ? (tandem ? "Holding \u2014 " + hold.side + " foot in front" : "Holding \u2014 on the " + hold.side + " foot")
        : last ? "Hold ended: " + (ENDED_BY[last.ended_by] || last.ended_by)
        : tandem ? "Place one foot directly in front of the other" : "Stand still on both feet, then lift one foot";
      $("live-hold-best").textContent = "Best: left " + seconds(hold.best_left_s) + " \u00b7 right " + seconds(hold.best_right_s);
    }

    /** The timed up-and-go stopwatch: running time, the trial that just ended, the last total against the cut-off. */
    function showStopwatch(watch) {
      if (!watch || typeof watch !== "object") { return; }
      stats.stopwatch = watch;
      $("live-stopwatch").hidden = false;
      $("live-counts").hidden = true;
      var last = watch.last_total_s;
      $("live-stopwatch-time").textContent = seconds(watch.running ? watch.elapsed_s : isNum(last) ? last : 0);
      $("live-stopwatch-state").textContent = watch.running ? "Timing \u2014 walk to the line, turn, walk back and sit down"
        : isNum(last) ? "Done: " + last.toFixed(1) + " s (" + (last >= watch.cutoff_s ? "at or above" : "below") +
          " the " + watch.cutoff_s + " s fall-risk cut-off)"
        : watch.seated ? "Ready \u2014 stand up when you like" : "Sit on the chair, back against it, then stand up when ready";
      $("live-stopwatch-last").textContent = "Trials timed: " + watch.trials;
    }

    /** Walking: the cadence over the last steps while walking (the last one read once stopped), and the steps. */
    function showGait(gait) {
      if (!gait || typeof gait !== "object") { return; }
      stats.gait = gait;
      $("live-gait").hidden = false;
      $("live-counts").hidden = true;
      var shown = isNum(gait.cadence_per_min) ? gait.cadence_per_min : gait.last_cadence_per_min;
      $("live-gait-cadence").textContent = (isNum(shown) ? Math.round(shown) : "\u2013") + " steps/min";
      $("live-gait-state").textContent = gait.walking
        ? (isNum(gait.cadence_per_min) ? "On the move" : "On the move \u2014 a few more steps for the cadence")
        : gait.steps ? "Stopped \u2014 last cadence shown" : "Walk at your usual pace, across the picture or towards the camera";
      $("live-gait-steps").textContent = "Steps: " + gait.steps;
    }

    function showReps(reps) {
      var n = isNum(reps) ? Math.max(0, Math.round(reps)) : stats.reps;
      if (n === stats.reps) { return; }
      stats.reps = n;
      $("live-reps").textContent = String(n);
      replayClass($("live-reps"), "is-bump");
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

    return {
      showRep: showRep, hideCue: hideCue, showCue: showCue, showFraming: showFraming, showRate: showRate,
      showHold: showHold, showStopwatch: showStopwatch, showGait: showGait, showReps: showReps, initSpeech: initSpeech
    };
  };
})();
