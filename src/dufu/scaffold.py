"""`dufu init`: the files of a new, valid, empty data repository.

Everything is laid out in memory here; ``writer.create_repository`` checks and writes it.
"""

from __future__ import annotations

from . import __version__
from .schema import json_schemas

_UNITS = """\
# yaml-language-server: $schema=../schemas/units.schema.json
# 单位名录:每个单位写一次全称(name),正文中的其他写法写在 aliases 里。
# 同一组中写在“、”之后的名称沿用第一个名称的地名前缀(市林业局、生态环境局 -> 市生态环境局),不必另写简称。
units: []
"""

_ROUND = """\
# yaml-language-server: $schema=../../schemas/round.schema.json
# 示例:复制到 data/rounds/r1.yaml 后修改(上一行的路径按复制后的位置写好了)。
id: r1
name: 第一轮中央生态环境保护督察
short_name: 第一轮督察
total: 12
counted:
  - status: 已完成
    count: 10
    note: 已完成整改,未逐项录入本台账
"""

_TASK = """\
# yaml-language-server: $schema=../../schemas/task.schema.json
# 示例:复制到 data/tasks/r1-01.yaml 后修改(上一行的路径按复制后的位置写好了)。
id: r1-01
round: r1
number: 1
title: 示例问题
lead_units: 市生态环境局
responsible_units: 市直有关单位,各县(市、区)党委和政府
deadline: 2025年12月底前
target: 写明整改目标。
status: 正在推进
progress:
  - as_of: 2025-03-31
    measures:
      - heading: 措施标题。
        items:
          - 第一个分项(公告中显示为①)。
          - 第二个分项。
      - heading: 不分项的措施。
        text: 正文。
"""

_BULLETIN = """\
# yaml-language-server: $schema=../../schemas/bulletin.schema.json
# 示例:复制到 data/bulletins/2025-04-10.yaml 后修改(上一行的路径按复制后的位置写好了)。
id: 2025-04-10
title: 某某市中央生态环境保护督察整改情况
as_of: 2025-03-31
date: 2025-04-10
preamble: 某某市委、市政府高度重视中央生态环境保护督察反馈问题整改。
summary_rounds: [r1]
listing:
  round: r1
  tasks: open
  intro: "现将某某市第一轮中央生态环境保护督察正在整改任务进展情况公开如下:"
issuers:
  - 中共某某市委
  - 某某市人民政府
punctuation: 半角
"""

_CONFIG = """\
# dufu 的设置。每条规则可设为 "error"、"warning" 或 "off",规则列表见 dufu 的 README。
[rules]
# W402 = "warning"
"""

_PRE_COMMIT = """\
# 提交前校验数据:pip install pre-commit && pre-commit install
repos:
  - repo: local
    hooks:
      - id: dufu-validate
        name: dufu validate
        entry: dufu validate
        language: system
        files: ^data/.*\\.ya?ml$
        pass_filenames: true
        require_serial: true
"""

_WORKFLOW = f"""\
# 每次推送和合并请求都校验全部数据,并确认每期公告都能生成。
name: dufu
on: [push, pull_request]
jobs:
  validate:
    runs-on: ubuntu-latest
    env:
      # 安装 dufu 的来源;若 dufu 不在 PyPI 上,改成 git+https://… 或内网地址
      DUFU_PACKAGE: dufu=={__version__}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "$DUFU_PACKAGE"
      - run: dufu validate --format github
      - run: |
          for file in data/bulletins/*.yaml; do
            [ -e "$file" ] || continue
            dufu render -- "$(basename "$file" .yaml)" > /dev/null  # -- : a name is never an option
          done
"""

_README = """\
# 督察整改台账

本仓库用 dufu(督复)记录督察整改任务和历次整改情况公告。

- `data/units.yaml`:单位名录。
- `data/rounds/`:每轮督察一个文件。
- `data/tasks/`:每项整改任务一个文件,历次进展写在 `progress` 下。
- `data/bulletins/`:每期公告一个文件,用于原样重现已发布的公告。
- `examples/`:各类文件的示例,复制到 `data/` 下对应目录再修改。

常用命令:

```
dufu import notice 公告.txt   # 导入一期已发布的公告(按时间先后,一期一次)
dufu validate                 # 校验全部数据(加 --strict 时警告也算失败)
dufu status                   # 各轮次总体情况
dufu render                   # 生成最新一期公告
```

用 VS Code 编辑时,装上 YAML 插件即可按 `schemas/` 中的说明补全和检查字段。
提交前请运行 `dufu validate`(或 `pre-commit install` 后自动运行)。
"""

_GITIGNORE = """\
# dufu 的本地缓存
.dufu/
"""


def repository_files() -> dict[str, bytes]:
    """Repository-relative path -> content of every file of a new data repository."""
    files = {
        "data/units.yaml": _UNITS,
        "examples/round.yaml": _ROUND,
        "examples/task.yaml": _TASK,
        "examples/bulletin.yaml": _BULLETIN,
        "dufu.toml": _CONFIG,
        ".pre-commit-config.yaml": _PRE_COMMIT,
        ".github/workflows/dufu.yml": _WORKFLOW,
        "README.md": _README,
        ".gitignore": _GITIGNORE,
        **{f"data/{folder}/.gitkeep": "" for folder in ("rounds", "tasks", "bulletins")},
    }
    files.update({f"schemas/{name}": text for name, text in json_schemas().items()})
    return {rel: text.encode("utf-8") for rel, text in files.items()}
