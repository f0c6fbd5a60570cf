"""Process-level helpers shared by every entry point (the CLI, batch workers, service workers).

Nothing here knows about movements, reports or the service: these functions only
set up the process a command or a worker runs in.
"""

from __future__ import annotations

import os
import sys


def silence_native_stderr() -> None:
    """Send native (C++) log lines to /dev/null while Python keeps the real stderr.

    Notes
    -----
    MediaPipe and TFLite log straight to file descriptor 2 ("INFO: Created
    TensorFlow Lite XNNPACK delegate", glog warnings), which would bury the
    CLI's one-line error messages. Python's ``sys.stderr`` is moved to a
    duplicate of the original descriptor first, so rich output and errors
    still reach the terminal. ``MOVEQUAL_DEBUG=1`` keeps native logs.
    """
    if os.environ.get("MOVEQUAL_DEBUG"):
        return
    sys.stderr.flush()
    original = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    sys.stderr = os.fdopen(original, "w", buffering=1, encoding="utf-8", errors="replace")
