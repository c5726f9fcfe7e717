"""The totals a bulletin records as published, kept in step when the user accepts a change.

A bulletin's ``totals`` say what the notice published (E351 when the tasks no longer add up
to them). A write that would move them changes a published notice: refused by the writer,
unless the user accepts it, and then the recorded totals are restated here in the same write.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from .files import read_regular
from .ledger import published_counts, tally_round
from .yamlload import MAX_FILE_BYTES
from .yamlsplice import replace_scalar

PUBLISHED_TOTALS = "E351"


def restated_totals(root: Path, changes: list, today: date) -> list:
    """changes plus, for each bulletin whose recorded totals they would contradict, the
    bulletin's file with those totals set to what the tasks would then give."""
    from .repo import load_repository
    from .writer import _stage, change_file

    with tempfile.TemporaryDirectory(prefix="dufu-stage-") as tmp:
        _stage(root, changes, Path(tmp))
        data = load_repository(Path(tmp), today, keep_text=False)
    pending = {c.rel: c for c in changes}
    for bulletin in data.bulletins.values():
        rel = data.where(bulletin)
        text = pending[rel].new.decode("utf-8") if rel in pending else None
        for round_id, published in (bulletin.totals or {}).items():
            if round_id not in data.rounds:
                continue
            tally = tally_round(data, round_id, bulletin.as_of)
            for name, value in published_counts(published, tally):
                if getattr(published, name) != value:
                    if text is None:
                        text = read_regular(root / rel, MAX_FILE_BYTES).decode("utf-8")
                    text = replace_scalar(text, rel, ("totals", round_id, name), value)
        if text is not None:
            pending[rel] = change_file(root, rel, text.encode("utf-8"))
    return list(pending.values())
