"""The browser's pose runtime: MediaPipe Tasks for the web, provisioned from the npm registry.

The live page can run the pose model in the browser (no video leaves the room):
it loads the ES module bundle and the WebAssembly files of the Apache-2.0 npm
package ``@mediapipe/tasks-vision`` from the app itself, never from a CDN. This
module fetches that package's tarball from the npm registry, checks it against
the pinned sha512 integrity (:data:`WEB_RUNTIME_INTEGRITY`) and keeps only the
files the page needs (:data:`WEB_RUNTIME_FILES`) in
``<models folder>/web-runtime/tasks-vision-<version>/``. The folder appears
whole or not at all, so a present folder is a complete, checked one.

The model the browser runs is the project's own ``lite`` bundle
(:func:`movequal.pose.model_files.ensure_model`), served by the app as well.
"""

from __future__ import annotations

import shutil
import tarfile
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from movequal.errors import ModelError
from movequal.io.atomic import atomic_folder, atomic_path
from movequal.pose.model_files import default_models_dir, integrity_matches

WEB_RUNTIME_PACKAGE = "@mediapipe/tasks-vision"
WEB_RUNTIME_VERSION = "0.10.35"
WEB_RUNTIME_TARBALL = f"https://registry.npmjs.org/@mediapipe/tasks-vision/-/tasks-vision-{WEB_RUNTIME_VERSION}.tgz"
WEB_RUNTIME_INTEGRITY = (
    "sha512-HOvadwVRE6JC+45nyYhmnywnr5h/J8KZvOeUNVOG9q/0875pZgItznFB9bRTvLc264YSJqiZ1NsIpCStJw/egg=="
)
"""The registry's ``dist.integrity`` of the pinned tarball (``npm view @mediapipe/tasks-vision@0.10.35``)."""

WEB_RUNTIME_FILES: Mapping[str, str] = MappingProxyType(
    {
        "vision_bundle.mjs": "package/vision_bundle.mjs",
        "vision_wasm_internal.js": "package/wasm/vision_wasm_internal.js",
        "vision_wasm_internal.wasm": "package/wasm/vision_wasm_internal.wasm",
        "vision_wasm_nosimd_internal.js": "package/wasm/vision_wasm_nosimd_internal.js",
        "vision_wasm_nosimd_internal.wasm": "package/wasm/vision_wasm_nosimd_internal.wasm",
        "package.json": "package/package.json",
    }
)
"""Served name → member of the tarball. The bundle picks the SIMD or the no-SIMD WebAssembly build
by what the browser supports; ``package.json`` is kept for its version and licence (Apache-2.0)."""

_TIMEOUT_S = 60.0
_CHUNK = 1 << 20


def web_runtime_dir(models_dir: Path | None = None) -> Path:
    """Return the folder the pinned runtime lives in (whether or not it is provisioned yet)."""
    root = models_dir or default_models_dir()
    return root / "web-runtime" / f"tasks-vision-{WEB_RUNTIME_VERSION}"


def web_runtime_present(models_dir: Path | None = None) -> bool:
    """Tell whether every runtime file is in place (the folder is only ever written whole)."""
    folder = web_runtime_dir(models_dir)
    return all((folder / name).is_file() for name in WEB_RUNTIME_FILES)


def _fetch_tarball(dest: Path, folder: Path) -> None:
    """Download the pinned tarball to ``dest`` and check its integrity; ``ModelError`` when impossible."""
    try:
        with urllib.request.urlopen(WEB_RUNTIME_TARBALL, timeout=_TIMEOUT_S) as response, dest.open("wb") as out:
            shutil.copyfileobj(response, out, _CHUNK)
    except (OSError, urllib.error.URLError) as exc:
        raise ModelError(
            f"cannot provision the browser pose runtime: the npm registry is unreachable ({exc}); "
            f"run `movequal models pull web` again when online, or copy the files of "
            f"{WEB_RUNTIME_PACKAGE} {WEB_RUNTIME_VERSION} ({', '.join(WEB_RUNTIME_FILES)}) into {folder}"
        ) from exc
    if not integrity_matches(dest, WEB_RUNTIME_INTEGRITY):
        raise ModelError(
            f"the downloaded {WEB_RUNTIME_PACKAGE} {WEB_RUNTIME_VERSION} tarball fails its npm integrity check"
        )


def _extract(tarball: Path, folder: Path) -> None:
    """Copy the allow-listed members of the checked tarball into ``folder`` (flat, under their served names)."""
    with tarfile.open(tarball, "r:gz") as tar:
        for name, member in WEB_RUNTIME_FILES.items():
            source = tar.extractfile(member)
            if source is None:
                raise ModelError(f"{WEB_RUNTIME_PACKAGE} {WEB_RUNTIME_VERSION} lacks {member}")
            with source, (folder / name).open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)


def pull_web_runtime(models_dir: Path | None = None, *, force: bool = False) -> Path:
    """Provision the browser pose runtime; return its folder.

    Parameters
    ----------
    models_dir : Path, optional
        Models folder; :func:`~movequal.pose.model_files.default_models_dir` when omitted.
    force : bool
        Download again even if the files are present.

    Returns
    -------
    Path
        The folder holding :data:`WEB_RUNTIME_FILES`.

    Raises
    ------
    ModelError
        When the registry cannot be reached or the tarball fails its integrity check
        (nothing is left half-written: the folder appears whole or not at all).
    """
    folder = web_runtime_dir(models_dir)
    if web_runtime_present(models_dir) and not force:
        return folder
    folder.parent.mkdir(parents=True, exist_ok=True)
    tarball = folder.parent / f"tasks-vision-{WEB_RUNTIME_VERSION}.tgz"
    with atomic_path(tarball, mode=0o644) as tmp:
        _fetch_tarball(tmp, folder)
        with atomic_folder(folder) as staging:
            _extract(tmp, staging)
    tarball.unlink(missing_ok=True)  # only the files served are kept
    return folder


def web_runtime_file(name: str, models_dir: Path | None = None) -> Path:
    """Return the path of one allow-listed runtime file.

    Raises
    ------
    KeyError
        When ``name`` is not one of :data:`WEB_RUNTIME_FILES` (nothing else is ever looked up).
    ModelError
        When the runtime has not been provisioned.
    """
    if name not in WEB_RUNTIME_FILES:
        raise KeyError(name)
    path = web_runtime_dir(models_dir) / name
    if not path.is_file():
        raise ModelError(
            f"the browser pose runtime ({WEB_RUNTIME_PACKAGE} {WEB_RUNTIME_VERSION}) is not provisioned: "
            "run `movequal models pull web`"
        )
    return path
