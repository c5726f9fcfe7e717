"""Write a realistic synthetic dufu data repository of N tasks (deterministic for a seed)."""

from __future__ import annotations

import argparse
import calendar
import re
import sys
from datetime import date, timedelta
from pathlib import Path
from random import Random

import yaml

# Sentences copied from the shipped 三明 data (measures), recombined into items and texts.
SENTENCES = """\
按照省上部署和要求,组织市县两级领导干部参加福建省党政领导干部学习习近平生态文明思想专题培训班。
各级党委(党组)始终把习近平生态文明思想作为理论学习中心组学习的重要内容,常态化组织集体学习会。
市委党校、行政学院把习近平生态文明思想作为党员干部必修课,纳入教学计划加强教育培训。
及时调整三明市生态环境保护委员会成员,并成立三明市生态环境保护督察整改工作领导小组,由党委和政府主要负责同志任组长。每年由市委、市政府主要负责同志与各县(市、区)党政主要负责同志签订党政领导生态环境保护目标责任书,压紧压实责任。
2020年以来,市委主要负责同志召开常委会会议研究生态环境保护工作36次,市政府主要负责同志召开常务会议研究生态环境保护工作30次。县乡两级党委、政府研究生态环保工作每季度不少于一次,及时部署、协调解决生态环境保护问题。
印发《关于加强中央生态环境保护督察整改工作协调联络的函》,建立生态环境保护联络制度,市直部门各明确1名处级领导负责协调推动本系统生态环境保护责任落实。
进一步理清市直部门职责,印发实施《三明市市直有关部门生态环境保护责任清单》,推动落实“党政同责”“一岗双责”,压实我市各级党委和政府及其有关部门生态环境保护责任。
围绕国家《绿色产业指导目录》,结合三明实际情况,系统梳理三明重点发展的绿色产业,重点围绕节能环保产业、清洁生产产业、清洁能源产业、生态环境产业、基础设施绿色升级、绿色服务等领域,策划生成一批绿色产业重大项目。
以生态产业化创新发展作为突破口,做实做足“绿色+”文章,促进一二三产业融合发展;探索推进生态产品市场化试点改革,因地制宜培育壮大生态绿色产业,促进自然资源价值实现。
健全生态文明考评体系,把生态环境保护工作放在更加突出位置,完善“五比五晒”推进高质量发展落实赶超竞赛活动考评方案,对宁化、将乐、尤溪、大田、明溪、清流、建宁、泰宁等8个农产品主产区和重点生态功能区的县,考评绿色发展。
制定《三明市深入打好污染防治攻坚战实施方案》,认真履行省对市污染防治攻坚战成效考核,在2019—2020年、2021—2022年、2022—2023年度全省污染防治攻坚战成效考核中均排名为优秀等次。
2020年以来,我市水、大气、生态环境质量持续向好。全市19个国控断面达标率为100%,优质水比例94.7%,同比提高26.3%;集中式饮用水源地水质达标率为100%。
我市作为全国5个地市之一,被评为2020年度生态环境领域真抓实干成效明显地方,获国务院督查激励;2021年获批全省首个国家生态文明建设示范市。
按照国家生态文明试验区建设总体要求,立足三明生态资源特色和自身基础条件,先行先试、勇于探索。强化典型经验推广,梳理总结一批我市生态文明建设方面典型经验做法,获全国全省推广。
高质量筹备举办首届8.15全国生态日福建活动,活动中举行沪明合作林业碳票销售签约仪式,实现我市林业碳票首次跨省跨区域销售。
将开展生态环境领域相关法律法规学习宣传工作列入我市“谁执法谁普法”责任清单,提升普法精准性。
以“6•5环境日”为契机,推出电视专栏《中国绿都•最氧三明—美好生态环境,你我共建共享》。充分利用微信、微博、门户网站、报刊等媒介,刊播我市生态环境有关新闻报道。
连续多年联合开展“清水蓝天”“两打”等专项执法行动,加强会商、共同督导,恶意环境违法的势头得到有效遏制。
建立行政执法与刑事司法衔接工作联席会议机制,联合开展“两打”等专项行动。
2020年以来,全市共办理一般行政处罚案件843件,处罚款6810.45万元,适用行政拘留110件,限产停产9件,查封扣押82件,刑事移送40件。
深化“林长+警长”工作机制,组织开展各类专项行动,严厉打击破坏森林资源违法犯罪行为,切实有效维护森林资源安全和林区治安稳定。
充分发挥护林员巡查的前端岗哨作用,加强与重点项目用地业主沟通,做好政策宣传和普法,积极引导业主规范使用林地。
督促各县(市、区)健全使用林地和林木采伐审批台账,发现问题限时整改;通过“补植令”“管护令”“抚育令”等方式,确保破坏生态环境违法犯罪打击和履行生态修复义务到位。
及时督促各地开展卫片图斑核查、整改、上报工作,经实地核查发现违法用地图斑2944宗,涉及土地面积13230.34亩(其中,耕地面积2745.1亩)。对上述违法用地行为采取立案查处、移送、补办用地手续、复耕复绿等方式进行整改。
严格落实《河长湖长履职规范(试行)》和《福建省河长制规定》,完善逐级述职、年度考核、年度报告等制度,健全河湖长制组织体系。
成立幸福河湖促进会、“河长协会”,设立“企业河长”“百姓河长”等护河队伍,选聘政协“委员河长”参与河湖治理。
落实“共饮一江水、共抓大保护”要求,与福州、南平等6个流域相关地市共同推进《关于加强闽江流域水生态环境协同保护的决定》立法,深化闽江流域联席会议机制。
按县建立河湖问题清单,常态化开展河湖“四乱”问题整治。2020年以来,各县(市、区)自查摸排河湖“四乱”问题和省、市暗访河湖“四乱”问题已全部完成整改。
明确由市领导挂钩督办中央生态环境保护督察重点信访件和突出生态环境问题,高位推动问题整改。
将环境信访工作作为重点任务纳入党政领导生态环境保护目标责任书考核体系,并细化评分标准,倒逼各地压实属地管理责任。
将环境信访工作纳入重大会议或重大节日期间重要工作日程,由市生态环境局统筹协调,形成分级负责、归口管理的环境信访工作格局。
健全信访件验收销号机制,创新工作模式,采用“一单两集中”(集中办公、集中整治,列出问题清单)的方式,多次组织业务骨干和行业专家成立监督帮扶小组,切实推动问题整改到位。
持续开展百姓身边突出生态环境问题攻坚行动,2020年12369投诉件数量下降率全省第二;2021年以来,共接到1127件,全部按时办结。
依托省生态环境厅“云平台”的信访模块,将“12369”举报投诉电话与“12345”便民服务热线归并,由市12345便民服务中心统一对举报(诉求)电话进行接听、登记、受理、跟踪、督促。
建立统一分析研判、统一部门管理的群众信访投诉工作机制,对重点信访件开展全面排查梳理,及时发现各类可能引发重大不良影响的环境信访问题,消除环境风险隐患。
将自然保护区保护有关工作列入市对县党政领导生态环境保护目标责任书考核内容,定期调度进展情况,督促相关县(市、区)做好问题整改。
我市共有2个世界级、21个国家级、34个省级、1个市级自然保护地,均已建立自然保护地矢量数据库;编制完成《三明市自然保护地整合优化预案》,已上报国家林草局待批复。
制定印发《全面开展自然保护地环境执法专项行动方案》,全面排查整治辖区内存在的环境保护问题,督促制定整改方案,确保问题整改有序推进。
持续开展“绿盾”强化监督专项行动,2017年以来,通过地区自查和实地核查省上下发的遥感线索点位共发现问题点位131个,2023年底已全部整改完成。
完成我市生态保护红线划定971.88万亩。划定成果已通过自然资源部审查,于2022年10月14日启用,作为建设项目用地审查的依据。
严控项目审批,在审批、核准建设项目时,严格审查是否符合相关法律法规和产业政策、产业规划、自然保护区规划等要求,不符合或未落实的,一律不予审批、核准。
""".splitlines()

HEADINGS = """\
深入学习领会习近平生态文明思想。 严格落实“党政同责、一岗双责”。 坚持新发展理念,生态优先、绿色发展。
坚决打好污染防治攻坚战。 持续推进国家生态文明试验区建设。 强化生态环境法治宣传教育。 加强部门协调联动。
加强涉林执法力度。 规范矿产资源开发。 健全河湖长制工作机制。 健全推进机制,压紧压实责任。
严格对标对表,统筹抓好整改。 持续“回头看”,巩固整改成效。 完善工作机制,整合信访力量。 严格考核监督落实。
摸清家底强化监测管控。 持续开展“绿盾”自然保护地强化监督。 深入推进生态保护红线划定和应用。 严格建设项目审批。
""".split()

TITLES = """\
思想认识不够到位问题 法治观念淡薄问题 突出生态环境问题重视不够问题 保护区管控不力问题
城镇生活污水收集处理不到位问题 工业园区污水处理设施运行不正常问题 矿山生态修复滞后问题
违规占用林地问题 水电站生态流量下泄不足问题 畜禽养殖污染治理不到位问题 垃圾填埋场渗滤液超标排放问题
黑臭水体整治不彻底问题 大气污染防治工作不力问题 河道非法采砂问题 自然保护地内违规建设问题
稀土开采历史遗留问题 农村生活垃圾治理不到位问题 固体废物非法倾倒问题
""".split()

TARGETS = [
    "坚定不移以习近平生态文明思想统领全市生态文明建设和督察整改工作,牢固树立“绿水青山就是金山银山”理念,"
    "切实增强做好生态文明建设和生态环境保护的责任感和紧迫感,进一步完善生态环境保护责任体系。",
    "用最严格制度最严密法治保护生态环境,加快制度创新,完善制度配套,推动全社会生态环境法治观念明显提升,"
    "毁林占地、乱采滥挖、侵占河道等问题得到坚决遏制。",
    "践行以人民为中心的发展思想,把解决突出生态环境问题作为民生优先领域,持续深入开展环保督察问题整改专项行动,"
    "信访办理机制进一步健全,人民群众的生态环境获得感、幸福感明显增强。",
    "加快划定并严守生态保护红线、永久基本农田、城镇开发边界三条控制线,确保生态功能不降低、面积不减少、性质不改变。",
    "全面排查整治问题点位,建立问题清单、任务清单、责任清单,按期完成整改并建立长效管理机制,防止问题反弹。",
    "污水收集处理能力明显提升,设施稳定运行,出水稳定达标排放,国控、省控断面水质持续改善。",
]

# Unit registry: NAME or NAME=ALIAS[=ALIAS]; county units are COUNTY + suffix.
CITY_UNITS = """\
市委办公室 市政府办公室 市直有关单位 市纪委监委 市委组织部 市委宣传部 市委政法委 市生态环境局 市林业局
市自然资源局 市水利局 市公安局 市发展和改革委员会=市发改委 市工业和信息化局=市工信局 市住房和城乡建设局=市住建局
市农业农村局 市城市管理局=市城管局 市交通运输局 市财政局 市商务局 市文化和旅游局=市文旅局 市卫生健康委员会=市卫健委
市应急管理局 市市场监督管理局=市市场监管局 市司法局 市教育局 市科学技术局=市科技局 市统计局 市人民检察院=市检察院
市中级人民法院=市中院 市气象局 市国有资产监督管理委员会=市国资委 市数字三明建设服务中心 市融媒体中心 市供电公司
市供销合作社""".split()
COUNTIES = "三元区 沙县区 永安市 明溪县 清流县 宁化县 大田县 尤溪县 将乐县 泰宁县 建宁县".split()
COUNTY_UNITS = (
    "委 人民政府=政府 生态环境局 林业局 自然资源局 水利局 住房和城乡建设局=住建局 农业农村局 "
    "工业和信息化局=工信局 城市管理局 公安局 发展和改革局=发改局 交通运输局 财政局 应急管理局 "
    "市场监督管理局=市场监管局 文化和旅游局=文旅局 卫生健康局=卫健局 教育局 人民检察院=检察院 "
    "人民法院=法院 纪委监委 委办公室 政府办公室"
).split()
ALL_COUNTIES = ("各县(市、区)党委和政府", ["各县(市、区)党委和人民政府"])

ROUNDS = [  # id, name, short name, first report month, share of tasks, share done
    ("r1", "第一轮中央生态环境保护督察", "第一轮督察", (2017, 12), 0.2, 0.9),
    ("r2", "第一轮中央生态环境保护督察“回头看”", "“回头看”", (2018, 12), 0.2, 0.8),
    ("r3", "第二轮中央生态环境保护督察", "第二轮督察", (2021, 9), 0.35, 0.5),
    ("r4", "第三轮中央生态环境保护督察", "第三轮督察", (2024, 9), 0.25, 0.2),
]
OPEN_STATUSES = (
    ["正在推进"] * 4 + ["正在整改"] * 3 + ["尚未启动", "未达到序时进度", "达到序时进度", "超过序时进度", "基本完成"]
)
BULLETIN_AS_OF, BULLETIN_DATE, LISTED_ROUND = date(2025, 6, 30), date(2025, 7, 15), "r3"
LAST_DAY = date(2025, 12, 30)  # every date stays before 2025-12-31
# what a YAML 1.2-core-like loader would type (dufu: true/false, null, decimal ints, floats)
TYPED = re.compile(
    r"^(?:true|false|null|~|[-+]?(?:0|[1-9][0-9]*)|[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?)?$", re.I
)


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def months(start: tuple[int, int], stop: date) -> list[date]:
    """Month-end days from the start month up to stop."""
    year, month, out = *start, []
    while month_end(year, month) <= stop:
        out.append(month_end(year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def make_units() -> list[dict]:
    forms = [spec.split("=") for spec in CITY_UNITS] + [[ALL_COUNTIES[0], *ALL_COUNTIES[1]]]
    forms += [[county + part for part in spec.split("=")] for county in COUNTIES for spec in COUNTY_UNITS]
    return [{"name": f[0], "aliases": f[1:]} if f[1:] else {"name": f[0]} for f in forms]


def unit_group(rng: Random, forms: list[list[str]], prefix: str, size: int) -> str:
    """Names joined by 、; a later name drops the shared prefix most of the time."""
    chosen = [rng.choice(f) for f in rng.sample(forms, size)]
    rest = [n[len(prefix) :] if len(n) - len(prefix) >= 3 and rng.random() < 0.7 else n for n in chosen[1:]]
    return "、".join([chosen[0], *rest])


def unit_line(rng: Random, city: list[list[str]], county_forms: dict[str, list[list[str]]]) -> str:
    groups = [unit_group(rng, city, "市", rng.randint(1, 4))]
    if rng.random() < 0.4:
        county = rng.choice(COUNTIES)
        groups.append(unit_group(rng, county_forms[county], county, rng.randint(1, 3)))
    if rng.random() < 0.6:
        groups.append(rng.choice([ALL_COUNTIES[0], *ALL_COUNTIES[1]]))
    return ",".join(groups)


def deadline(rng: Random, year: int) -> str:
    y, m = year + rng.randint(0, 3), rng.randint(1, 12)
    return rng.choice(
        [
            "立行立改、长期坚持",
            f"{y}年{m}月底前",
            f"{y}年{m}月{month_end(y, m).day}日前",
            f"{y}年底前",
            f"立行立改、{y}年底前",
        ]
    )


def measure(rng: Random, heading: str) -> dict:
    if rng.random() < 0.6:
        return {"heading": heading, "items": rng.sample(SENTENCES, rng.randint(1, 3))}
    return {"heading": heading, "text": "".join(rng.sample(SENTENCES, rng.randint(1, 2)))}


def make_task(rng: Random, rnd: tuple, number: int, units: tuple) -> dict:
    round_id, _, _, start, _, done_share = rnd
    days = months(start, month_end(2025, 11))
    first_choices = [d for d in days if d <= BULLETIN_AS_OF]  # every task is reported by the bulletin
    first = rng.choice(first_choices)
    later = [d for d in days if d > first]
    as_ofs = [first, *sorted(rng.sample(later, min(len(later), rng.randint(1, 4))))]
    task = {
        "id": f"{round_id}-{number:04d}",
        "round": round_id,
        "number": number,
        "title": rng.choice(TITLES),
        "lead_units": unit_line(rng, *units),
        "responsible_units": unit_line(rng, *units),
        "deadline": deadline(rng, start[0]),
        "target": rng.choice(TARGETS),
    }
    done = rng.random() < done_share
    task["status"] = rng.choice(["已完成", "已销号"]) if done else rng.choice(OPEN_STATUSES)
    if done:  # completed some weeks after the last report, closed later still
        completed = as_ofs[-1] + timedelta(days=rng.randint(1, min(90, (LAST_DAY - as_ofs[-1]).days)))
        task["completed_on"] = completed
        if task["status"] == "已销号":
            task["closed_on"] = completed + timedelta(days=rng.randint(0, (LAST_DAY - completed).days))
    task["progress"] = [
        {
            "as_of": day,
            "status": "正在推进" if done else task["status"],
            "measures": [measure(rng, h) for h in rng.sample(HEADINGS, rng.randint(3, 6))],
        }
        for day in as_ofs
    ]
    return task


def check_text(value, where: str) -> None:
    """Fail if a string would not load back as a string."""
    if isinstance(value, dict):
        for key, item in value.items():
            check_text(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_text(item, f"{where}[{index}]")
    elif isinstance(value, str) and TYPED.match(value):
        raise SystemExit(f"generate.py: {where} = {value!r} would not load as text")


def write(path: Path, record: dict) -> None:
    check_text(record, path.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(record, allow_unicode=True, sort_keys=False, width=10**6)
    path.write_bytes(text.encode("utf-8"))


def split_tasks(total: int) -> list[int]:
    counts = [int(total * rnd[4]) for rnd in ROUNDS]
    counts[2] += total - sum(counts)  # the rounding remainder goes to the listed round
    return counts


def generate(out: Path, tasks: int, seed: int) -> int:
    rng = Random(seed)
    data = out / "data"
    units = make_units()
    write(data / "units.yaml", {"units": units})
    city = [[u["name"], *u.get("aliases", [])] for u in units if u["name"].startswith("市")]
    county_forms = {c: [[u["name"], *u.get("aliases", [])] for u in units if u["name"].startswith(c)] for c in COUNTIES}
    files = 1
    for rnd, count in zip(ROUNDS, split_tasks(tasks), strict=True):
        record = {"id": rnd[0], "name": rnd[1], "short_name": rnd[2]}
        if count:
            record["total"] = count
        write(data / "rounds" / f"{rnd[0]}.yaml", record)
        files += 1
        for number in range(1, count + 1):
            task = make_task(rng, rnd, number, (city, county_forms))
            write(data / "tasks" / rnd[0] / f"{task['id']}.yaml", task)
            files += 1
    bulletin = {
        "id": BULLETIN_DATE.isoformat(),
        "title": "三明市中央生态环境保护督察整改情况",
        "as_of": BULLETIN_AS_OF,
        "date": BULLETIN_DATE,
        "preamble": "三明市委、市政府高度重视中央生态环境保护督察反馈问题整改,扎实推进各项督察整改任务。",
        "summary_rounds": [rnd[0] for rnd in ROUNDS],
        "listing": {
            "round": LISTED_ROUND,
            "tasks": "open",
            "intro": "现将三明市第二轮中央生态环境保护督察正在整改任务进展情况公开如下:",
        },
        "issuers": ["中共三明市委", "三明市人民政府"],
    }
    write(data / "bulletins" / f"{bulletin['id']}.yaml", bulletin)
    return files + 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    parser.add_argument("--tasks", type=int, required=True, help="number of task files")
    parser.add_argument("--seed", type=int, default=20240624)
    args = parser.parse_args()
    if args.tasks < 0:
        parser.error("--tasks must be >= 0")
    if (args.out_dir / "data").exists():
        sys.exit(f"generate.py: {args.out_dir / 'data'} already exists; remove it first")
    files = generate(args.out_dir, args.tasks, args.seed)
    print(f"wrote {files} files to {args.out_dir / 'data'}")


if __name__ == "__main__":
    main()
