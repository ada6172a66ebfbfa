"""The demo town as plain data (演示数据): what `town.load_demo_town` writes, decided before any database.

Everything here comes from one seeded `random.Random`, with no network and no clock, so every
machine and every run builds the same town: same fictional people, same grid polygons. The figures
follow the reference town (REFERENCE_TOWN.md): Kongtong District > Anguo Town > 20 villages, one
grid each, 20 grid workers, 88 watch members and 137 safety wardens. Every person is invented.

This module imports no Django, so the plan can be built and digested in any process (the
determinism test does exactly that under another hash seed).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import asdict, dataclass
from typing import Any

SEED = 620802101  # the town's division code: any fixed number would do

COUNTY_CODE, COUNTY_NAME = "620802000000", "崆峒区"
TOWN_CODE, TOWN_NAME = "620802101000", "安国镇"

#: 东沟村 (a national model village for democracy and rule of law) first; the other 19 are invented.
VILLAGE_NAMES = (
    "东沟村",
    "西川村",
    "南塬村",
    "北岔村",
    "石嘴村",
    "柳树湾村",
    "杏园村",
    "马坊村",
    "槐树坪村",
    "王家庄村",
    "李家湾村",
    "高崖村",
    "寺沟村",
    "红土坡村",
    "上峡村",
    "下峡村",
    "泉头村",
    "枣林村",
    "白杨村",
    "新庄村",
)

# The lattice of grid cells: 5 columns x 4 rows, about 2.5 km a side, east of Pingliang.
COLUMNS, ROWS = 5, 4
ORIGIN_LON, ORIGIN_LAT = 106.745, 35.455  # south-west corner of the town
STEP_LON, STEP_LAT = 0.0276, 0.0225  # about 2.5 km each way at latitude 35.5
VERTEX_JITTER = 0.18  # share of a step a lattice vertex may move, each way
EDGE_BEND = 0.08  # share of a step the middle of an edge may bulge sideways
DECIMALS = 6  # about 0.1 m; shared vertices are rounded identically, so edges still match

WATCH_MEMBERS = 88
SAFETY_WARDENS = 137
DUTY_LEADERS = 6
LIAISON_CADRES = 10

DEMO_PASSWORD = "fengqiao-demo"  # noqa: S105 - the published password of the demo logins


@dataclass(frozen=True)
class DepartmentPlan:
    key: str  # stable handle for windows and users; the database key is (region, name)
    name: str
    kind: str
    stationing: str
    in_hall: bool
    contact_name: str


@dataclass(frozen=True)
class VillagePlan:
    code: str
    name: str
    grid_code: str
    grid_name: str
    boundary: dict[str, Any]
    committee_name: str
    committee_contact: str


@dataclass(frozen=True)
class PersonPlan:
    username: str
    full_name: str
    role: str
    login: bool  # whether the account gets the demo password (else an unusable one)
    village: int | None = None  # index into `villages` for grid roles and cadres
    department: str = ""  # DepartmentPlan.key for department officers
    town_scope: bool = False
    is_staff: bool = False
    is_superuser: bool = False


@dataclass(frozen=True)
class WindowPlan:
    number: int
    name: str
    department: str  # DepartmentPlan.key


@dataclass(frozen=True)
class RoomPlan:
    name: str
    purpose: str
    description: str


@dataclass(frozen=True)
class TownPlan:
    villages: tuple[VillagePlan, ...]
    departments: tuple[DepartmentPlan, ...]
    windows: tuple[WindowPlan, ...]
    rooms: tuple[RoomPlan, ...]
    persons: tuple[PersonPlan, ...]
    #: village index -> (liaison leader username, liaison cadre usernames)
    liaisons: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def duty_leaders(self) -> tuple[str, ...]:
        return tuple(p.username for p in self.persons if p.role == "duty_leader")

    def digest(self) -> str:
        """A SHA-256 of the whole plan, to compare two builds."""
        payload = json.dumps(asdict(self), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()


# Common surnames, weighted roughly as in eastern Gansu (马 is frequent among the Hui).
_SURNAMES = (
    ("王", 9),
    ("李", 8),
    ("张", 7),
    ("刘", 6),
    ("杨", 6),
    ("马", 5),
    ("赵", 4),
    ("陈", 3),
    ("朱", 3),
    ("何", 2),
    ("郭", 2),
    ("魏", 2),
    ("牛", 2),
    ("吴", 2),
    ("徐", 1),
    ("孙", 2),
    ("胡", 2),
    ("高", 2),
    ("罗", 1),
    ("柳", 1),
    ("冯", 1),
    ("田", 2),
    ("景", 1),
    ("韩", 1),
    ("宋", 1),
    ("曹", 1),
    ("贾", 1),
    ("史", 1),
    ("雷", 1),
    ("姚", 1),
)
# Given-name characters, kept apart by the sex they are usually given to, so names read naturally.
_GIVEN_MALE = "建国军平明文俊杰强伟磊涛斌海鹏飞鑫宏刚勇峰辉亮学志永德福忠林瑞宇浩博进成锋彦宁旺治岗生荣祥贵"
_GIVEN_FEMALE = "华红梅兰芳秀英娟霞玲燕丽静春花云晓雪丹琴娜婷佳欣慧敏萍艳莉淑珍桂凤琳洁"


class _NameMaker:
    """Plausible, unique, fictional Chinese names from a seeded generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.surnames = [s for s, _ in _SURNAMES]
        self.weights = [w for _, w in _SURNAMES]
        self.used: set[str] = set()

    def __call__(self) -> str:
        while True:
            surname = self.rng.choices(self.surnames, self.weights)[0]
            pool = _GIVEN_MALE if self.rng.random() < 0.6 else _GIVEN_FEMALE
            length = 2 if self.rng.random() < 0.7 else 1
            given = "".join(self.rng.choice(pool) for _ in range(length))
            name = surname + given
            if name not in self.used and given[:1] != given[1:2] and surname not in given:
                self.used.add(name)
                return name


def grid_polygons(rng: random.Random) -> list[dict[str, Any]]:
    """20 GeoJSON polygons tiling the town, row by row from the north-west.

    A 6 x 5 lattice of vertices is jittered, and each edge gets one bent middle point chosen once
    for the edge, so neighbouring cells share their borders vertex for vertex: no gaps, no
    overlaps, and the union is one polygon.
    """
    vertices: dict[tuple[int, int], tuple[float, float]] = {}
    for j in range(ROWS + 1):
        for i in range(COLUMNS + 1):
            dx = rng.uniform(-VERTEX_JITTER, VERTEX_JITTER) * STEP_LON
            dy = rng.uniform(-VERTEX_JITTER, VERTEX_JITTER) * STEP_LAT
            vertices[i, j] = (ORIGIN_LON + i * STEP_LON + dx, ORIGIN_LAT + j * STEP_LAT + dy)

    middles: dict[tuple[tuple[int, int], tuple[int, int]], tuple[float, float]] = {}

    def middle(a: tuple[int, int], b: tuple[int, int]) -> tuple[float, float]:
        key = (a, b) if a < b else (b, a)
        return middles[key]

    # Horizontal edges bend north or south, vertical edges east or west; drawn in a fixed order.
    for j in range(ROWS + 1):
        for i in range(COLUMNS):
            (x1, y1), (x2, y2) = vertices[i, j], vertices[i + 1, j]
            middles[(i, j), (i + 1, j)] = (
                (x1 + x2) / 2,
                (y1 + y2) / 2 + rng.uniform(-EDGE_BEND, EDGE_BEND) * STEP_LAT,
            )
    for j in range(ROWS):
        for i in range(COLUMNS + 1):
            (x1, y1), (x2, y2) = vertices[i, j], vertices[i, j + 1]
            middles[(i, j), (i, j + 1)] = (
                (x1 + x2) / 2 + rng.uniform(-EDGE_BEND, EDGE_BEND) * STEP_LON,
                (y1 + y2) / 2,
            )

    def point(xy: tuple[float, float]) -> list[float]:
        return [round(xy[0], DECIMALS), round(xy[1], DECIMALS)]

    polygons = []
    for row in range(ROWS):  # north to south
        j = ROWS - 1 - row
        for i in range(COLUMNS):  # west to east
            sw, se, ne, nw = (i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)
            # Counter-clockwise, as RFC 7946 asks of exterior rings.
            ring_points = [
                vertices[sw],
                middle(sw, se),
                vertices[se],
                middle(se, ne),
                vertices[ne],
                middle(ne, nw),
                vertices[nw],
                middle(nw, sw),
            ]
            ring = [point(xy) for xy in ring_points]
            ring.append(ring[0])
            polygons.append({"type": "Polygon", "coordinates": [ring]})
    return polygons


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    """`total` people over `buckets` villages: an even share each, the rest to random villages."""
    base, extra = divmod(total, buckets)
    counts = [base] * buckets
    for index in rng.sample(range(buckets), extra):
        counts[index] += 1
    return counts


def build_plan(seed: int = SEED) -> TownPlan:
    """The whole demo town, the same for the same seed on every machine."""
    rng = random.Random(seed)
    names = _NameMaker(rng)

    villages = []
    for index, (name, boundary) in enumerate(zip(VILLAGE_NAMES, grid_polygons(rng), strict=True)):
        villages.append(
            VillagePlan(
                code=f"{TOWN_CODE[:9]}{201 + index:03d}",
                name=name,
                grid_code=f"AG{index + 1:02d}",
                grid_name=f"{name}网格",
                boundary=boundary,
                committee_name=f"{name}村民委员会",
                committee_contact=names(),
            )
        )

    departments = (
        DepartmentPlan("police", "安国派出所", "police", "permanent", True, names()),
        DepartmentPlan("judicial", "安国司法所", "judicial", "permanent", True, names()),
        DepartmentPlan("petition", "安国镇信访办", "petition", "permanent", True, names()),
        DepartmentPlan("center", "安国镇综治中心", "center", "permanent", True, names()),
        DepartmentPlan("emergency", "安国镇应急管理办公室", "emergency", "rotating", False, names()),
        DepartmentPlan("environment", "安国镇环境保护站", "environment", "on_call", False, names()),
        DepartmentPlan("education", "安国学区", "education", "on_call", False, names()),
        DepartmentPlan("market", "安国市场监督管理所", "market", "rotating", False, names()),
    )
    windows = (
        WindowPlan(1, "派出所窗口", "police"),
        WindowPlan(2, "司法所窗口", "judicial"),
        WindowPlan(3, "信访接待窗口", "petition"),
        WindowPlan(4, "矛盾纠纷调解窗口", "center"),
        WindowPlan(5, "法律服务窗口", "judicial"),
    )
    rooms = (
        RoomPlan("法律援助室", "legal_aid", "法律援助申请受理与咨询"),
        RoomPlan("心理咨询室", "counselling", "心理疏导与危机干预"),
        RoomPlan("反邪教工作室", "anti_cult", "反邪教宣传与帮教"),
        RoomPlan("禁毒工作室", "anti_drug", "禁毒宣传与社区戒毒康复"),
        RoomPlan("群防群治工作室", "watch", "群防群治队伍调度"),
        RoomPlan("护路联防工作室", "railway", "铁路沿线安全联防"),
        RoomPlan("协商议事室", "deliberation", "群众协商议事"),
        RoomPlan("视频监控室", "video", "视频监控调度与巡查"),
        RoomPlan("知心姐姐调解室", "mediation", "婚姻家庭与邻里纠纷调解"),
        RoomPlan("领导接访室", "reception", "科级领导坐班接访"),
        RoomPlan("诉调对接室", "mediation", "诉调、警调、访调对接"),
        RoomPlan("矛盾纠纷档案室", "archive", "调解卷宗与台账"),
    )

    persons: list[PersonPlan] = [
        PersonPlan("admin", "系统管理员", "administrator", True, is_staff=True, is_superuser=True),
        PersonPlan("clerk", names(), "clerk", True, town_scope=True),
        PersonPlan("leader", names(), "town_leader", True, town_scope=True),
        PersonPlan("police", names(), "department_officer", True, department="police"),
        PersonPlan("judicial", names(), "department_officer", True, department="judicial"),
        PersonPlan("mediator", names(), "mediator", True, town_scope=True),
        PersonPlan("auditor", names(), "auditor", True, town_scope=True),
    ]
    persons += [
        PersonPlan(f"duty{n:02d}", names(), "duty_leader", True, town_scope=True)
        for n in range(1, DUTY_LEADERS + 1)
    ]
    persons += [
        PersonPlan(f"worker{index + 1:02d}", names(), "grid_worker", True, village=index)
        for index in range(len(villages))
    ]
    # Town cadres assigned to villages (包村干部): two villages each; they do not log in.
    cadres = [
        PersonPlan(f"cadre{n:02d}", names(), "clerk", False, village=None)
        for n in range(1, LIAISON_CADRES + 1)
    ]
    persons += cadres
    number = 0
    for index, count in enumerate(_spread(WATCH_MEMBERS, len(villages), rng)):
        for _ in range(count):
            number += 1
            persons.append(PersonPlan(f"watch{number:03d}", names(), "watch_member", False, village=index))
    number = 0
    for index, count in enumerate(_spread(SAFETY_WARDENS, len(villages), rng)):
        for _ in range(count):
            number += 1
            persons.append(PersonPlan(f"warden{number:03d}", names(), "safety_warden", False, village=index))

    # Liaison leaders (包村领导): the town leader and the duty leaders in turn.
    leaders = ["leader", *(f"duty{n:02d}" for n in range(1, DUTY_LEADERS + 1))]
    per_cadre = len(villages) // LIAISON_CADRES
    liaisons = tuple(
        (leaders[index % len(leaders)], (cadres[index // per_cadre].username,))
        for index in range(len(villages))
    )
    return TownPlan(
        villages=tuple(villages),
        departments=departments,
        windows=windows,
        rooms=rooms,
        persons=tuple(persons),
        liaisons=liaisons,
    )
