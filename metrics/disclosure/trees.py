"""The trees of each dimension of a family: which node adds up into which.

Why a module of its own: :mod:`metrics.disclosure.grid` builds the cells and lines of every
family from these edges at once; the rules of what a parent is (forces into England and Wales,
quarters into years and 12-month windows, offences and categories into their totals) live here.
"""

from __future__ import annotations

from metrics.disclosure.families import (
    ALL,
    BTP,
    NATIONAL,
    NO_OFFENCE,
    OFFENCE_LEAVES,
    OFFENCE_PARENTS,
    TERRITORIAL,
    fy_key,
    window_keys,
    window_parts,
    window_quarters,
)

Edge = tuple[object, object]


def edges(family: str, values: dict[str, list], period: list[Edge]
           ) -> dict[str, list[Edge]]:
    """Per dimension, the (child, parent) edges of the family's nodes, ``(node, None)`` for a node
    without a parent; a period node can have two parents. Leaves are the nodes that are never parents.
    These edges are the lines, as given (not read back off the leaves' ancestors). ``values``:
    the distinct area codes, offences and categories of the family's rows; ``period``: its period edges."""
    areas = sorted(values["area_code"])
    bad = {NATIONAL, TERRITORIAL} & set(areas)
    if bad:
        raise ValueError(f"{family}: leaves must be forces, not the totals {sorted(bad)}")
    area = [(a, TERRITORIAL) for a in areas if a != BTP] + [(TERRITORIAL, NATIONAL)]
    area += [(BTP, NATIONAL)] if BTP in areas else []
    offences = set(values["offence"])
    if offences == {NO_OFFENCE}:
        offence = [(NO_OFFENCE, None)]
    elif offences <= set(OFFENCE_LEAVES):
        offence = [(c, p) for p, kids in OFFENCE_PARENTS.items() for c in kids] + [(NO_OFFENCE, None)]
    else:
        raise ValueError(f"{family}: offences must be {OFFENCE_LEAVES} or only {NO_OFFENCE!r}, got {sorted(offences)}")
    cats = sorted(values["category"])
    if cats == [ALL]:
        category = [(ALL, None)]
    elif ALL in cats:
        raise ValueError(f"{family}: category {ALL!r} is the total of the others; give only one of them")
    else:
        category = [(c, ALL) for c in cats] + [(ALL, None)]
    return {"area_code": area + [(NATIONAL, None)], "period_key": period, "offence": offence, "category": category}


def period_edges(qs: list[int], *, stock: bool) -> list[Edge]:
    """Quarters -> their complete financial year, and quarters -> their complete window ending
    at the release's quarter of the year (:func:`~metrics.disclosure.families.window_keys`): a
    quarter can have both. Where a window and a year share two or more quarters, those quarters
    add up into a part-year node first, the child of both
    (:func:`~metrics.disclosure.families.window_parts`). Stock families have none of these
    (positions are never summed)."""
    if stock:
        return [(q, None) for q in qs]
    complete = {fy_key(q) for q in qs if sum(fy_key(x) == fy_key(q) for x in qs) == 4}
    windows = window_keys((qs[0], qs[-1]))
    part_of = {q: key for w in windows for key, members in window_parts(w) for q in members}
    edges = [(q, part_of[q]) for q in qs if q in part_of]
    edges += [(part, up) for w in windows for part, members in window_parts(w)
              for up in ([w] + ([fy_key(members[0])] if fy_key(members[0]) in complete else []))]
    edges += [(q, fy_key(q)) for q in qs if fy_key(q) in complete and q not in part_of]
    edges += [(q, w) for w in windows for q in window_quarters(w) if q not in part_of]
    roots = sorted(complete) + sorted(windows)
    return list(dict.fromkeys(edges + [(q, None) for q in qs if all(c != q for c, _ in edges)]
                              + [(r, None) for r in roots]))


def tree(edges: list[Edge]) -> tuple[list[object], dict[object, list[object]]]:
    """(leaves, ancestors-or-self of each leaf) of one dimension, whose nodes may have several
    parents (a quarter: its financial year and its window). Each ancestor is listed once per
    leaf, so a node's value summed over its leaves counts every leaf once."""
    up: dict[object, list[object]] = {}
    for c, p in edges:
        up.setdefault(c, [])
        if p is not None:
            up[c].append(p)
            up.setdefault(p, [])
    parents = {p for _, p in edges if p is not None}
    leaves = [n for n in up if n not in parents]
    ups: dict[object, list[object]] = {}
    for leaf in leaves:
        seen, stack = [leaf], [leaf]
        while stack:
            for p in up[stack.pop()]:
                if p not in seen:
                    seen.append(p)
                    stack.append(p)
        ups[leaf] = seen
    return leaves, ups
