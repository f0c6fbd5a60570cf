"""Shared fixtures: real clips, synthetic bad inputs and one real analysis."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np
import pytest

from tests.helpers import SAMPLE, run_cli, write_h264


@pytest.fixture(scope="session")
def bad_inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One file per kind of unusable input."""
    root = tmp_path_factory.mktemp("bad")
    empty = root / "empty.mp4"
    empty.touch()
    text = root / "notes.mp4"
    text.write_text("this is a text file, not a video\n" * 20)
    png = root / "picture.png"
    import cv2

    cv2.imwrite(str(png), np.full((64, 64, 3), 128, np.uint8))
    truncated = root / "truncated.mp4"
    truncated.write_bytes(SAMPLE.read_bytes()[:200_000])
    audio = root / "audio_only.m4a"
    with av.open(str(audio), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=44100)
        samples = np.zeros((1, 1024), np.float32)
        for k in range(20):
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, k * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    rng = np.random.default_rng(0)
    noise = write_h264(root / "no_person.mp4", [rng.integers(0, 255, (96, 128, 3), dtype=np.uint8) for _ in range(30)])
    return {"empty": empty, "text": text, "png": png, "truncated": truncated, "audio": audio, "no_person": noise}


@pytest.fixture(scope="session")
def sample_report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the real CLI once on the bundled sample video (real model) and keep its folder."""
    out = tmp_path_factory.mktemp("sample") / "report"
    result = run_cli("analyze", str(SAMPLE), "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the whole session (Debian's postgresql, started here)."""
    from tests.helpers.pg import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database: a SQLite file, or a new database on the session's PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'test.db'}"
    from tests.helpers.pg import fresh_database

    name = f"t_{tmp_path.name.lower().replace('-', '_')[:40]}_{os.getpid()}"
    return fresh_database(request.getfixturevalue("postgres_url"), name)
