"""Pose estimation: video frames to body landmarks.

The MediaPipe landmarker (:mod:`~movequal.pose.landmarker`), whole-file and chunk-parallel estimation,
the pose-model files, subject tracking, the body-mask outline, and the frozen
:class:`~movequal.pose.sequence.PoseSequence` every later layer reads.
"""
