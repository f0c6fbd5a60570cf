/* movequal: draws a pose skeleton on a canvas laid over a <video> (window.mqSkeleton), for the live page.
   Poses are BlazePose's 33 landmarks as [x, y, visibility], x and y normalised 0..1 in the picture. */
(function () {
  "use strict";

  var MIN_VISIBILITY = 0.5;
  var COLOURS = { left: "#4fc3f7", right: "#ffb74d", mid: "#ffffff" };
  var OUTLINE = "rgba(0, 0, 0, .5)";

  /**
   * Place `canvas` exactly over the picture shown by `video` (object-fit: contain may leave bars)
   * and give it one pixel per device pixel. Both must share the same positioned parent.
   */
  function fit(video, canvas) {
    var boxW = video.clientWidth, boxH = video.clientHeight;
    var vw = video.videoWidth || 4, vh = video.videoHeight || 3;
    var scale = Math.min(boxW / vw, boxH / vh) || 0;
    var w = vw * scale, h = vh * scale, dpr = window.devicePixelRatio || 1;
    canvas.style.left = video.offsetLeft + (boxW - w) / 2 + "px";
    canvas.style.top = video.offsetTop + (boxH - h) / 2 + "px";
    canvas.style.width = w + "px";
    canvas.style.height = h + "px";
    canvas.width = Math.max(1, Math.round(w * dpr));
    canvas.height = Math.max(1, Math.round(h * dpr));
  }

  /** 0 is the nose; from there on odd indices are the body's left side and even ones its right. */
  function sideOf(i) {
    return i === 0 ? "mid" : i % 2 ? "left" : "right";
  }

  function isNum(v) { return typeof v === "number" && isFinite(v); }

  function isSeen(pose, i) {
    var p = pose[i];
    return Array.isArray(p) && p[2] >= MIN_VISIBILITY && isNum(p[0]) && isNum(p[1]);
  }

  function strokeBone(ctx, a, b, colour, width) {
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.lineWidth = width + 3;
    ctx.strokeStyle = OUTLINE;
    ctx.stroke();
    ctx.lineWidth = width;
    ctx.strokeStyle = colour;
    ctx.stroke();
  }

  function drawJoint(ctx, p, colour, radius) {
    ctx.beginPath();
    ctx.arc(p[0], p[1], radius, 0, 2 * Math.PI);
    ctx.fillStyle = colour;
    ctx.fill();
    ctx.lineWidth = Math.max(1.5, radius / 2.5);
    ctx.strokeStyle = OUTLINE;
    ctx.stroke();
  }

  /**
   * Clear `canvas` and draw `pose`: a line for each [i, j] of `bones` whose two ends are visible,
   * and a dot on each joint so used. Left side blue, right side orange. Returns whether anything was drawn.
   */
  function draw(canvas, pose, bones) {
    var ctx = canvas.getContext("2d");
    var w = canvas.width, h = canvas.height, width = Math.max(2, w / 160), joints = {};
    ctx.clearRect(0, 0, w, h);
    if (!Array.isArray(pose) || !Array.isArray(bones)) { return false; }
    var at = function (i) { return [pose[i][0] * w, pose[i][1] * h]; };
    ctx.lineCap = "round";
    bones.forEach(function (bone) {
      var i = bone[0], j = bone[1];
      if (!isSeen(pose, i) || !isSeen(pose, j)) { return; }
      strokeBone(ctx, at(i), at(j), COLOURS[sideOf(i) === sideOf(j) ? sideOf(i) : "mid"], width);
      joints[i] = joints[j] = true;
    });
    var used = Object.keys(joints).map(Number);
    used.forEach(function (i) { drawJoint(ctx, at(i), COLOURS[sideOf(i)], width * 1.3); });
    return used.length > 0;
  }

  window.mqSkeleton = { fit: fit, draw: draw, COLOURS: COLOURS };
})();
