/* movequal: the live page's in-browser pose. MediaPipe Tasks for the web runs the lite pose model on the
   camera in this browser, and only the landmarks go to the server: no video leaves the room.
   The runtime (ES module bundle + WebAssembly) and the model come from this app (/live-runtime/…, provisioned
   by `movequal models pull web`), never from a CDN. live.js calls window.mqBrowserPose.load() before the
   session starts, then window.mqBrowserPose.next(video, send) once per frame it wants. */

const RUNTIME = "/live-runtime";
const MODEL = RUNTIME + "/model/lite.task";
const LANDMARKS = 33;
const MAX_IMAGE = 10;   // the server's bounds (movequal/live/landmark_message.py): beyond them, "nobody seen"
const MAX_WORLD_M = 5;

let landmarker = null;
let loading = null;
let lastMs = -1;

/** Counters read by automated tests and the benchmark; updated in place. */
const stats = { inferences: 0, inferenceMs: 0, people: 0, delegate: "CPU", loadMs: null };

async function create() {
  const began = performance.now();
  const vision = await import(RUNTIME + "/vision_bundle.mjs");
  const fileset = await vision.FilesetResolver.forVisionTasks(RUNTIME);
  landmarker = await vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: MODEL, delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
    outputSegmentationMasks: false
  });
  stats.loadMs = performance.now() - began;
}

/** Load the runtime and the model once (about 6 MB of model and 11 MB of WebAssembly, cached by the browser). */
function load() {
  if (landmarker) { return Promise.resolve(); }
  if (!loading) {
    loading = create().catch((err) => {
      loading = null;
      const failed = new Error("The pose model could not run in this browser (" + (err && err.message || err) +
        "). Choose \u201con the server\u201d and press Start again.");
      failed.name = "NoBrowserPose";
      throw failed;
    });
  }
  return loading;
}

/** Rows of numbers when every value is finite and within `limit`; null otherwise (treated as nobody seen). */
function rows(points, fields, limit) {
  if (!Array.isArray(points) || points.length !== LANDMARKS) { return null; }
  const out = points.map((p) => fields.map((f) => (f === "visibility" ? Math.min(1, Math.max(0, p[f] ?? 0)) : p[f])));
  const sane = out.every((row) => row.every((v, i) => Number.isFinite(v) && (fields[i] === "visibility" || Math.abs(v) <= limit)));
  return sane ? out : null;
}

/** Run the model on the video's current frame; return the `landmarks` message the server expects. */
function estimate(video) {
  const t = Math.max(performance.now(), lastMs + 1);   // the landmarker wants strictly increasing times
  lastMs = t;
  const began = performance.now();
  const result = landmarker.detectForVideo(video, t);
  stats.inferenceMs += performance.now() - began;
  stats.inferences += 1;
  let image = rows(result.landmarks && result.landmarks[0], ["x", "y", "z", "visibility"], MAX_IMAGE);
  let world = rows(result.worldLandmarks && result.worldLandmarks[0], ["x", "y", "z"], MAX_WORLD_M);
  if (!image || !world) { image = world = null; } else { stats.people += 1; }
  return { type: "landmarks", t_ms: t, size: [video.videoWidth, video.videoHeight], image: image, world: world };
}

/** Call send(message) with the landmarks of the next new camera frame (requestVideoFrameCallback, else the next paint). */
function next(video, send) {
  const run = () => { send(estimate(video)); };
  if (typeof video.requestVideoFrameCallback === "function") { video.requestVideoFrameCallback(run); }
  else { requestAnimationFrame(run); }
}

window.mqBrowserPose = { load: load, next: next, stats: stats };
