"""A small fresh data repository of our own (units and rounds, no tasks, no bulletins), the
kind `dufu init` plus a round file gives: the target of authoring and ledger-import tests."""

from __future__ import annotations

from pathlib import Path

UNITS = """\
# yaml-language-server: $schema=../schemas/units.schema.json
units:
  - name: 市生态环境局
  - name: 市林业局
"""

ROUNDS = {
    "r1": "id: r1\nname: 第一轮中央生态环境保护督察\nshort_name: 第一轮督察\n",
    "r2": "id: r2\nname: 第二轮中央生态环境保护督察\nshort_name: 第二轮督察\n",
}


def make_fresh_repo(root: Path, rounds: dict[str, str] | None = None) -> Path:
    (root / "data/rounds").mkdir(parents=True)
    (root / "data/units.yaml").write_text(UNITS, encoding="utf-8")
    for round_id, text in (rounds or ROUNDS).items():
        (root / f"data/rounds/{round_id}.yaml").write_text(
            "# yaml-language-server: $schema=../../schemas/round.schema.json\n" + text, encoding="utf-8"
        )
    return root
