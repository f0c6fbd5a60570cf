"""Write the published JSON Schema of ``report.json``: ``python -m movequal.report.json_schema``."""

from __future__ import annotations

import json
from pathlib import Path

from movequal.core.assessment import Report

SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"


def write_schema(path: Path = SCHEMA_PATH) -> None:
    """Regenerate the schema file from the pydantic models."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(Report.model_json_schema(), indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_schema()
