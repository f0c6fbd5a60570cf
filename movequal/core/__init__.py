"""The scoring core: landmarks in, an assessment with evidence out.

Pure numpy functions over a :class:`~movequal.pose.sequence.PoseSequence`: filtering, kinematics,
camera view, movement recognition, repetitions, per-rep metrics, compensation rules and scores.
What varies per movement lives in :mod:`movequal.core.movement_registry`, what varies per metric in
:mod:`movequal.core.metric_registry`. Nothing here reads video, draws, writes files or imports the
service.
"""
