"""Officials as people across articles: the ``people`` table and ``officials.person_id``.

The officials extractor gives one entry per person *per article*. The same official reported in
ten articles is ten rows, and two officials who share a name (a common thing: Nguyễn Văn An) must
not merge. This module links the rows into people by a rule written down here and tested with
made-up namesakes (``tests/test_people.py``):

1. Rows are compared only within one name (folded: case, spaces and tone-mark placement ignored;
   spelling otherwise as written).
2. Each row has its **provinces**: those of the places in its titles (``Chủ tịch UBND xã Đông
   Giang`` → Lâm Đồng; a title naming only a level took the article's unit, ``nlp.title_places``),
   never the newspaper's; and its **roles**: position and body (``Chủ tịch`` of ``Ủy ban nhân
   dân``). The article's own province (its source's, else the one it names most) is weaker
   evidence, used only where a row has no province of its own.
3. Two rows are the same person when their title provinces share one; or, when at least one of them
   has no title province, when they were reported in articles of the same province or hold an
   overlapping role. Two rows whose title provinces are both known and disjoint are never the same
   person, whatever their roles (a ``Chủ tịch UBND xã`` in Lâm Đồng and one in Nghệ An are two).
4. Sameness is transitive (union-find). A person's id is the key of their first row
   (``article_id * 1000 + n``), stable as long as that report stays.

The table is rebuilt from the officials rows in one transaction after each process step, so that it
always matches them (and running the step twice leaves it the same).
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from db.transaction import transaction
from nlp.normalize import fold

log = logging.getLogger(__name__)

__all__ = ["link_people", "same_person", "OfficialRow"]


@dataclass
class OfficialRow:
    """One officials row with the evidence the rule reads."""

    article_id: int
    n: int
    name: str
    published: str | None
    article_province: str | None
    provinces: set[str] = field(default_factory=set)
    roles: set[str] = field(default_factory=set)
    titles: list[str] = field(default_factory=list)

    @property
    def key(self) -> int:
        return self.article_id * 1000 + self.n


def same_person(a: OfficialRow, b: OfficialRow) -> bool:
    """The rule's step 3 for two rows of one name."""
    if a.provinces and b.provinces:
        return bool(a.provinces & b.provinces)
    if a.roles & b.roles:
        return True
    mine = a.provinces or ({a.article_province} if a.article_province else set())
    theirs = b.provinces or ({b.article_province} if b.article_province else set())
    return bool(mine & theirs)


def _rows(db: Any) -> list[OfficialRow]:
    conn = db.conn
    rows: dict[tuple[int, int], OfficialRow] = {}
    query = """
        SELECT official_n, article_id, name, published, article_province, province, role, organisation, title
        FROM official_facts ORDER BY article_id, official_n, title_n"""
    for official_n, article_id, name, published, article_province, province, role, org, title in conn.execute(query):
        row = rows.get((article_id, official_n))
        if row is None:
            row = rows[(article_id, official_n)] = OfficialRow(article_id, official_n, name, published,
                                                               article_province)
        if province:
            row.provinces.add(province)
        if role:
            row.roles.add(f"{fold(role)}|{fold(org or '')}")
        if title:
            row.titles.append(title)
    return list(rows.values())


def _find(parent: list[int], i: int) -> int:
    """Union-find's root of ``i``, halving the path on the way."""
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _clusters(rows: list[OfficialRow]) -> list[list[OfficialRow]]:
    by_name: dict[str, list[OfficialRow]] = defaultdict(list)
    for row in rows:
        by_name[fold(row.name or "")].append(row)
    out: list[list[OfficialRow]] = []
    for group in by_name.values():
        parent = list(range(len(group)))
        for i in range(len(group)):
            for j in range(i + 1, len(group)):
                if same_person(group[i], group[j]):
                    parent[_find(parent, i)] = _find(parent, j)
        members: dict[int, list[OfficialRow]] = defaultdict(list)
        for i, row in enumerate(group):
            members[_find(parent, i)].append(row)
        out.extend(members.values())
    return out


def link_people(db: Any) -> dict[str, int]:
    """Rebuild ``people`` and ``officials.person_id`` from the officials rows (one transaction)."""
    rows = _rows(db)
    people: list[dict[str, Any]] = []
    assignments: list[tuple[int, int, int]] = []
    for cluster in _clusters(rows):
        cluster.sort(key=lambda r: (r.published or "", r.article_id, r.n))
        person_id = min(r.key for r in cluster)
        dated = [r for r in cluster if r.published]
        latest = cluster[-1]
        spellings: dict[str, int] = defaultdict(int)
        for r in cluster:
            spellings[r.name] += 1
        titles: list[str] = []
        for r in cluster:
            for title in r.titles:
                if title not in titles:
                    titles.append(title)
        people.append({
            "id": person_id,
            "name": max(spellings, key=lambda s: (spellings[s], s)),
            "provinces": json.dumps(sorted(set().union(*(r.provinces for r in cluster))), ensure_ascii=False),
            "current_titles": json.dumps(latest.titles, ensure_ascii=False),
            "titles": json.dumps(titles, ensure_ascii=False),
            "first_seen": dated[0].published[:10] if dated else None,
            "last_seen": dated[-1].published[:10] if dated else None,
            "articles": len({r.article_id for r in cluster}),
        })
        assignments.extend((person_id, r.article_id, r.n) for r in cluster)
    with transaction(db):
        db.execute("DELETE FROM people")
        if people:
            db["people"].insert_all(people, pk="id")
        db.execute("UPDATE officials SET person_id = NULL")
        db.conn.executemany("UPDATE officials SET person_id = ? WHERE article_id = ? AND n = ?", assignments)
    log.debug("people: %d people from %d officials rows", len(people), len(rows))
    return {"people": len(people), "officials": len(rows)}
