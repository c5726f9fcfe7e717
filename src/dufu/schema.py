"""JSON Schemas of every file kind, generated from the models, for editors (VS Code YAML)."""

from __future__ import annotations

import json
from pathlib import Path

from .files import refuse_unless_plain, write_atomic
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


def write_schemas(folder: Path, follow: bool = False) -> list[Path]:
    """Write every schema into folder (created if missing); return the paths written.

    The files are named by dufu, so a symlink or special file in their place is refused, and
    so is folder itself unless follow (a folder the user named, not the repository's
    schemas/): all are checked before anything is written."""
    texts = json_schemas()
    if not follow:
        refuse_unless_plain(folder, folder=True)
    folder.mkdir(parents=True, exist_ok=True)
    for name in texts:
        refuse_unless_plain(folder / name)
    written = []
    for name, text in texts.items():
        write_atomic(folder / name, text.encode("utf-8"))
        written.append(folder / name)
    return written
