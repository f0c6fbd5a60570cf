"""Where batch results live: one folder per (video content, settings) key, written whole or not at all.

``<out>/<video stem>-<key>/`` holds the report folder of ``analyze`` plus
``result.json``, the summary row, written last. A folder is only ever moved
into place complete (written under ``.staging-<key>`` first, then renamed), so
a killed batch leaves no half-written result that looks complete; the stale
staging folders are removed on the next run.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from movequal.batch.score import ItemResult, Scored
from movequal.io.atomic import atomic_folder

RESULT_FILE = "result.json"
STAGING_PREFIX = ".staging-"


class ResultStore:
    """The batch output folder, indexed by result key."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        for stale in out_dir.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.results: dict[str, ItemResult] = {}
        for record in out_dir.glob(f"*/{RESULT_FILE}"):
            result = ItemResult.from_json(json.loads(record.read_text(encoding="utf-8")))
            self.results[result.key] = result

    def folder(self, result: ItemResult) -> Path:
        """Return the result's folder (``<stem>-<key>``)."""
        return self.out_dir / f"{Path(result.path).stem}-{result.key}"

    def get(self, key: str) -> ItemResult | None:
        """Return the stored result for ``key``, if any."""
        return self.results.get(key)

    def put(self, scored: Scored) -> Path:
        """Write a result atomically and return its folder."""
        result = scored.result
        final = self.folder(result)
        with atomic_folder(final, staging=self.out_dir / f"{STAGING_PREFIX}{result.key}") as staging:
            for name, data in scored.files.items():
                (staging / Path(name).name).write_bytes(data)
            (staging / RESULT_FILE).write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
        self.results[result.key] = result
        return final
