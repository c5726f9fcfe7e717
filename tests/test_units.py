"""Unit lines as notices write them, and the registry that resolves them."""

from __future__ import annotations

from dufu.models import Unit
from dufu.units import UnitRegistry, implied_name, split_unit_line

REGISTRY = UnitRegistry(
    [
        Unit(name="市生态环境局"),
        Unit(name="市林业局"),
        Unit(name="市发展和改革委员会", aliases=["市发改委"]),
        Unit(name="各县(市、区)党委和政府", aliases=["各县(市、区)党委和人民政府"]),
        Unit(name="省生态环境厅"),
        Unit(name="省林业局"),
    ]
)


def test_split_respects_brackets_and_groups():
    assert split_unit_line("市林业局、生态环境局,各县(市、区)党委和政府") == [
        ["市林业局", "生态环境局"],
        ["各县(市、区)党委和政府"],
    ]


def test_shared_prefix_is_written_once_per_group():
    found, unknown = REGISTRY.read_line("市林业局、生态环境局、发改委,各县(市、区)党委和人民政府")
    assert found == ["市林业局", "市生态环境局", "市发展和改革委员会", "各县(市、区)党委和政府"]
    assert unknown == []


def test_prefix_comes_from_the_group_not_a_fixed_city_word():
    found, unknown = REGISTRY.read_line("省生态环境厅、林业局")
    assert found == ["省生态环境厅", "省林业局"] and unknown == []


def test_unknown_names_are_returned_with_a_suggestion():
    _, unknown = REGISTRY.read_line("市生态环镜局")
    assert unknown == ["市生态环镜局"]
    assert REGISTRY.suggest("市生态环镜局") == "市生态环境局"


def test_full_width_comma_also_separates_groups():
    found, _ = REGISTRY.read_line("市林业局,各县(市、区)党委和政府")
    assert found == ["市林业局", "各县(市、区)党委和政府"]


def test_a_place_character_inside_a_word_is_no_prefix():
    # 城市管理局, 市场监管局, 乡村振兴局 name no place: they take the group's, as 生态环境局 does
    assert implied_name("市生态环境局", "城市管理局") == "市城市管理局"
    assert implied_name("省工业和信息化厅", "市场监管局") == "省市场监管局"
    assert implied_name("市农业农村局", "乡村振兴局") == "市乡村振兴局"
    assert implied_name("市住建局", "城乡规划局") == "市城乡规划局"
    assert implied_name("三明市林业局", "永安市林业局") == "永安市林业局"  # its own place
    for city in ("成都市", "盐城市", "晋城市"):  # 都市 and 城市 end these places' names
        assert implied_name(f"{city}生态环境局", "林业局") == f"{city}林业局"
    registry = UnitRegistry([Unit(name="市生态环境局"), Unit(name="市城市管理局")])
    assert registry.read_line("市生态环境局、城市管理局") == (["市生态环境局", "市城市管理局"], [])


def test_a_name_for_each_of_many_places_shares_no_prefix():
    first = "各县(市、区)党委和人民政府"
    assert implied_name(first, "青山经济技术开发区管委会") == "青山经济技术开发区管委会"
    assert implied_name("市委", "各县(市、区)政府") == "各县(市、区)政府"


def test_a_department_after_a_party_committees_department_is_the_committees():
    # 市委宣传部、组织部 registered 市组织部
    assert implied_name("市委宣传部", "组织部") == "市委组织部"
    assert implied_name("市委组织部", "人社局") == "市人社局"  # a bureau of the government
    registry = UnitRegistry([Unit(name="市委宣传部"), Unit(name="市委组织部")])
    assert registry.read_line("市委宣传部、组织部") == (["市委宣传部", "市委组织部"], [])


def test_a_name_takes_the_place_prefix_of_the_nearest_name_before_it():
    # 组织部 after 省生态环境厅、市生态环境局、市委宣传部 was registered 省组织部
    from dufu.newfiles import units_to_add

    class Data:
        units_file = None

    assert units_to_add(Data(), ["省生态环境厅、市生态环境局、市委宣传部、组织部"]) == ["省生态环境厅", "市生态环境局", "市委宣传部", "市委组织部"]
    registry = UnitRegistry([Unit(name=n) for n in ("市林业局", "县生态环境局", "县水利局", "市水利局")])
    assert registry.named_in("市林业局、县生态环境局、水利局") == ["市林业局", "县生态环境局", "县水利局"]
    assert registry.named_in("市林业局、水利局") == ["市林业局", "市水利局"]


def test_a_name_means_the_nearest_prefix_only_not_the_first_ones_too():
    # it fell back to the group's first prefix: 生态环境局 here read as 县生态环境局
    registry = UnitRegistry([Unit(name=n) for n in ("县发展和改革局", "市林业局", "县生态环境局")])
    assert registry.read_line("县发展和改革局、市林业局、生态环境局") == (["县发展和改革局", "市林业局"], ["生态环境局"])
    assert registry.unknown_in_line("县发展和改革局、市林业局、生态环境局") == [("生态环境局", "市生态环境局")]
