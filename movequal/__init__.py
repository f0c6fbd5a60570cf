"""movequal: movement-quality analysis for back-pain rehabilitation.

Video → MediaPipe Pose landmarks → filtering, kinematics, repetitions,
compensation findings and scores → reports, annotated video, API and CLI.
Importing the package is cheap: the pose model loads only when used.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("movequal")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0+unknown"
