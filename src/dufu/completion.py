"""Cheap candidates for shell completion: ids and unit names read from file names and lines,
without loading or validating the data (completion runs on every Tab press)."""

from __future__ import annotations

import re
from pathlib import Path

_UNIT_NAME = re.compile(r"^\s*-?\s*name:\s*(\S+?)\s*$", re.MULTILINE)


def _root(directory: Path | None) -> Path | None:
    from .repo import find_root

    try:
        return find_root(directory or Path.cwd())
    except Exception:  # no repository here: nothing to offer, never an error on Tab
        return None


def _stems(folder: Path) -> list[str]:
    if not folder.is_dir() or folder.is_symlink():
        return []
    return sorted(p.stem for p in folder.glob("*.yaml") if p.is_file() and not p.is_symlink())


def candidates(kind: str, incomplete: str, directory: Path | None = None) -> list[str]:
    """Task ids ("tasks"), bulletin ids ("bulletins"), round ids ("rounds") or unit names ("units")
    of the repository at directory (or around the current folder) that start with incomplete."""
    root = _root(directory)
    if root is None:
        return []
    if kind == "units":
        units = root / "data" / "units.yaml"
        if not units.is_file() or units.is_symlink() or units.stat().st_size > 1 << 20:
            return []
        names = _UNIT_NAME.findall(units.read_text(encoding="utf-8", errors="replace"))
    else:
        names = _stems(root / "data" / kind)
    return [name for name in names if name.startswith(incomplete)]
