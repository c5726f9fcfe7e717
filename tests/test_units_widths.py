"""Unit lines in both punctuation widths, and short forms given on the command line (issue 7)."""

from __future__ import annotations

import json

import pytest
from conftest import PROJECT

from dufu.models import Unit
from dufu.units import UnitRegistry, split_unit_line

REGISTRY = UnitRegistry(
    [
        Unit(name="市直有关单位"),
        Unit(name="各县(市、区)党委和人民政府"),
        Unit(name="各县（市、区）党委和人民政府"),
        Unit(name="市林业局"),
        Unit(name="市生态环境局"),
        Unit(name="县生态环境局"),
    ]
)


@pytest.mark.parametrize(
    "line",
    [
        "市直有关单位,各县(市、区)党委和人民政府",
        "市直有关单位，各县（市、区）党委和人民政府",
        "市直有关单位，各县(市、区)党委和人民政府",
    ],
)
def test_separators_inside_brackets_of_either_width_do_not_split(line):
    groups = split_unit_line(line)
    assert len(groups) == 2 and len(groups[1]) == 1
    found, unknown = REGISTRY.read_line(line)
    assert unknown == [] and len(found) == 2


def test_full_width_line_with_shared_prefix():
    found, unknown = REGISTRY.read_line("市林业局、生态环境局，各县（市、区）党委和人民政府")
    assert found == ["市林业局", "市生态环境局", "各县（市、区）党委和人民政府"] and unknown == []


def test_short_form_candidates():
    assert REGISTRY.short_form_matches("林业局") == ["市林业局"]
    assert REGISTRY.short_form_matches("生态环境局") == ["市生态环境局", "县生态环境局"]
    assert REGISTRY.short_form_matches("局") == []  # a prefix longer than three characters is not a short form


def test_list_resolves_an_unambiguous_short_form(cli):
    short = json.loads(cli("list", "-C", str(PROJECT), "--unit", "生态环境局", "--format", "json").stdout)
    full = json.loads(cli("list", "-C", str(PROJECT), "--unit", "市生态环境局", "--format", "json").stdout)
    assert short == full and len(full) > 0


def test_list_names_the_candidates_of_an_ambiguous_short_form(cli, repo):
    units = repo / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8") + "  - name: 县生态环境局\n", encoding="utf-8")
    result = cli("list", "-C", str(repo), "--unit", "生态环境局")
    assert result.exit_code == 2
    assert "市生态环境局" in result.stderr and "县生态环境局" in result.stderr
