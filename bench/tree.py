"""The shape of the generated province: a tree that obeys app.domain.orgs.model.ALLOWED_CHILDREN.

    district (root, the province-level committee)          depth 0
    ├── two_new_committee (province 两新工委)               depth 1
    │   └── ~26 parks ─ general branches / branches        depth 2..4
    └── 16 streets, each standing for a district-level area depth 1
        ├── ~6 branches directly under the street          depth 2
        ├── ~38 communities ─ general branches / branches  depth 2..4
        └── ~13 parks ─ general branches / branches        depth 2..4

Only a district may hold streets and a district is always a root, so a district-level area of
the province is modelled as a street-kind subtree directly under the root. At the default size
(100,000 orgs, 16 areas) each area holds ~6,100 orgs and ~18,500 enterprises.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import accumulate

from app.domain.orgs.model import ALLOWED_CHILDREN, FORMATION_KINDS, OrgKind

UNIT_SIZE = 120  # average organisations under one community or park
STREET_DIRECT_PER = 1000  # one branch directly under a street per this many orgs in it
GB_SHARE = 0.10  # share of a unit's organisations that are general branches
UNDER_GB_SHARE = 0.40  # share of a unit's branches that sit under a general branch

AREAS = [
    ("禅城", "440604"),
    ("南海", "440605"),
    ("顺德", "440606"),
    ("三水", "440607"),
    ("高明", "440608"),
    ("荔湾", "440103"),
    ("越秀", "440104"),
    ("海珠", "440105"),
    ("天河", "440106"),
    ("白云", "440111"),
    ("黄埔", "440112"),
    ("番禺", "440113"),
    ("花都", "440114"),
    ("南沙", "440115"),
    ("从化", "440117"),
    ("增城", "440118"),
]
_PLACES = "东西南北中新华兴和平安康泰福顺昌盛明光荣丰裕宁清桥湖江沙岗塘"
_BRANDS = "嘉鸿宏盛达信诚德利瑞恒通泰祥鑫源腾卓远航美华骏豪峰"
_FORMATIONS = [
    ("standalone", 55),
    ("joint", 30),
    ("attached", 10),
    ("floating", 3),
    ("industry", 2),
]


@dataclass(slots=True, eq=False)
class Node:
    kind: OrgKind
    name: str
    formation: str | None = None
    children: list[Node] = field(default_factory=list)
    id: int = 0
    parent_id: int | None = None
    path: str = ""
    depth: int = 0
    division: str = "440600"  # administrative division code of the area the node lies in
    area: int = -1  # index of the district-level area, -1 outside any

    def add(self, child: Node) -> Node:
        assert child.kind in ALLOWED_CHILDREN[self.kind], (self.kind, child.kind)
        if child.kind is OrgKind.BRANCH:
            assert child.formation is not None, "a branch needs a formation"
        if child.kind not in FORMATION_KINDS:
            assert child.formation is None, "only branches carry a formation"
        if child.area < 0:  # an area's street keeps its own; everything below inherits
            child.area, child.division = self.area, self.division
        self.children.append(child)
        return child


@dataclass
class Tree:
    root: Node
    nodes: list[Node]  # breadth-first, ids 1..n in this order
    units: list[Node]  # communities and parks: where most enterprises are registered
    streets: list[Node]  # the district-level areas


def _word(rng: random.Random, chars: str, n: int = 2) -> str:
    return "".join(rng.choice(chars) for _ in range(n))


_FORMATION_NAMES = [name for name, _ in _FORMATIONS]
_FORMATION_CUM = list(accumulate(weight for _, weight in _FORMATIONS))


def _formation(rng: random.Random) -> str:
    return rng.choices(_FORMATION_NAMES, cum_weights=_FORMATION_CUM)[0]


def _branch(rng: random.Random, owner: str, serial: int) -> Node:
    formation = _formation(rng)
    label = {
        "standalone": f"{_word(rng, _BRANDS)}公司党支部",
        "joint": f"{owner}联合党支部",
        "attached": f"{owner}挂靠党支部",
        "floating": f"{owner}流动党员党支部",
        "industry": f"{owner}行业协会党支部",
    }[formation]
    return Node(OrgKind.BRANCH, f"{label}（{serial}）", formation=formation)


def _fill_unit(rng: random.Random, unit: Node, budget: int) -> None:
    """Put exactly ``budget`` general branches and branches under a community or park."""
    short = unit.name.removesuffix("党委")
    gbs = [
        unit.add(Node(OrgKind.GENERAL_BRANCH, f"{short}{_word(rng, _BRANDS)}党总支", "standalone"))
        for _ in range(int(budget * GB_SHARE) if budget >= 6 else 0)
    ]
    branches = budget - len(gbs)
    under_gb = int(branches * UNDER_GB_SHARE) if gbs else 0
    for i in range(branches):
        if i < len(gbs):  # every general branch holds at least one branch
            parent = gbs[i]
        elif i < under_gb:
            parent = rng.choice(gbs)
        else:
            parent = unit
        parent.add(_branch(rng, short, i + 1))


def _split(rng: random.Random, total: int, weights: list[float]) -> list[int]:
    """``total`` split by ``weights`` (largest remainder), every share at least 1."""
    assert total >= len(weights), "too few organisations for this many units"
    spare = total - len(weights)
    scale = spare / sum(weights)
    raw = [w * scale for w in weights]
    shares = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - shares[i], reverse=True)
    for i in order[: spare - sum(shares)]:
        shares[i] += 1
    return [s + 1 for s in shares]


def _skeleton(rng: random.Random, total: int, areas: int) -> tuple[Node, list[Node], list[Node]]:
    root = Node(OrgKind.DISTRICT, "南粤省委（省级，基准测试）")
    twonew = root.add(Node(OrgKind.TWO_NEW_COMMITTEE, "省委两新工委"))
    per_area = total / (areas + 0.5)  # the province 两新工委 is about half an area
    units = [
        twonew.add(Node(OrgKind.PARK, f"省级{_word(rng, _PLACES)}园区{i + 1}党委"))
        for i in range(max(1, round(per_area * 0.5 / UNIT_SIZE)))
    ]
    streets = []
    for a in range(areas):
        name, division = AREAS[a % len(AREAS)]
        street = Node(OrgKind.STREET, f"{name}区委（区级{a + 1}）", division=division, area=a)
        streets.append(root.add(street))
        n_units = max(2, round(per_area / UNIT_SIZE))
        n_parks = max(1, round(n_units * rng.uniform(0.2, 0.3)))
        for i in range(n_units):
            kind, suffix = (OrgKind.PARK, "产业园") if i < n_parks else (OrgKind.COMMUNITY, "社区")
            units.append(street.add(Node(kind, f"{name}{_word(rng, _PLACES)}{suffix}{i + 1}党委")))
        for i in range(max(1, round(per_area / STREET_DIRECT_PER))):
            street.add(_branch(rng, name, i + 1))
    return root, units, streets


def _count(node: Node) -> int:
    return 1 + sum(_count(c) for c in node.children)


def build_tree(rng: random.Random, total: int, areas: int) -> Tree:
    """A tree of exactly ``total`` organisations with ``areas`` district-level areas."""
    root, units, streets = _skeleton(rng, total, areas)
    budget = total - _count(root)
    weights = [rng.uniform(0.6, 1.4) * (1.5 if u.kind is OrgKind.PARK else 1.0) for u in units]
    for unit, share in zip(units, _split(rng, budget, weights), strict=True):
        _fill_unit(rng, unit, share)
    nodes = _number(root)
    assert len(nodes) == total, (len(nodes), total)
    return Tree(root=root, nodes=nodes, units=units, streets=streets)


def _number(root: Node) -> list[Node]:
    """Ids in breadth-first order (parents before children), with paths and depths."""
    order: list[Node] = []
    queue: deque[Node] = deque([root])
    root.path = "/"  # each node holds its parent's path until it is numbered
    while queue:
        node = queue.popleft()
        order.append(node)
        node.id = len(order)
        node.path = f"{node.path}{node.id}/"
        for child in node.children:
            child.parent_id, child.depth, child.path = node.id, node.depth + 1, node.path
            queue.append(child)
    return order


def descendants(node: Node) -> Iterator[Node]:
    stack = list(node.children)
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)
