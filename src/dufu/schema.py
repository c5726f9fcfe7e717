"""JSON Schemas of every file kind, generated from the models, for editors (VS Code YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from .files import write_atomic
from .models import KINDS

# kind -> file name; data files point at them with `# yaml-language-server: $schema=…`
SCHEMA_FILES = {kind: f"{kind}.schema.json" for kind in KINDS}


def json_schemas() -> dict[str, str]:
    """File name -> schema text (deterministic: same models, same bytes)."""
    out = {}
    for kind, model in KINDS.items():
        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", **model.model_json_schema()}
        out[SCHEMA_FILES[kind]] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def write_schemas(folder: Path) -> list[Path]:
    """Write every schema into folder (created if missing); return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in json_schemas().items():
        write_atomic(folder / name, text.encode("utf-8"))
        written.append(folder / name)
    return written
