"""Validate a whole data repository: load every file, then run the cross-file checks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .checks import check_dataset
from .problems import InvalidData, Problem
from .repo import Dataset, load_repository


@dataclass(frozen=True)
class ValidationResult:
    data: Dataset
    problems: list[Problem]
    files: int

    @property
    def errors(self) -> int:
        return sum(p.is_error for p in self.problems)

    @property
    def warnings(self) -> int:
        return len(self.problems) - self.errors


def validate_repository(root: Path, today: date) -> ValidationResult:
    """Every problem in the repository, sorted by file and position."""
    data = load_repository(root)
    problems = list(data.problems)
    problems.extend(check_dataset(data, today))
    problems.sort(key=lambda p: (p.path, p.line, p.col, p.code))
    return ValidationResult(data, problems, data.files)


def load_valid(root: Path, today: date) -> Dataset:
    """The dataset, or InvalidData when it has errors (warnings do not stop anything)."""
    result = validate_repository(root, today)
    if result.errors:
        raise InvalidData(result.problems)
    return result.data
