"""Live feedback: frame-by-frame scoring of a camera stream, cues, and the ``movequal live`` loop.

Built on the same core as offline analysis (:mod:`movequal.live.incremental` re-runs its rep and rule
code as frames arrive); the offline pipeline never imports this package.
"""
