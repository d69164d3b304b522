#!/usr/bin/env python3
"""Print the import graph among the files of src/ui and any cycle in it.

An edge A -> B means file A names an item of module B (a `use` or a path through
`super::`, `self::` or `crate::ui::`). A parent's `mod child;` declaration is not an edge.
Usage: python3 scripts/ui_cycles.py [src/ui]  (exit status 1 when a cycle is found)
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from import_cycles import expand_use  # noqa: E402  (one use-tree expander for both checks)

root = sys.argv[1] if len(sys.argv) > 1 else "src/ui"
mods = {}  # module path tuple -> file
for dirpath, _, files in os.walk(root):
    for f in files:
        if not f.endswith(".rs"):
            continue
        rel = os.path.relpath(os.path.join(dirpath, f), root)[:-3].split(os.sep)
        if rel[-1] == "mod":
            rel = rel[:-1]
        mods[("ui",) + tuple(rel)] = os.path.join(dirpath, f)


def strip(src):
    src = re.sub(r"//[^\n]*", "", src)
    # drop #[cfg(test)] modules: a test module importing its parent is no cycle
    m = re.search(r"#\[cfg\(test\)\]\s*mod tests", src)
    return src[: m.start()] if m else src


def resolve(me, path):
    parts = [p.strip() for p in path.split("::") if p.strip()]
    if not parts:
        return None
    if parts[0] == "crate":
        if len(parts) < 2 or parts[1] != "ui":
            return None
        base, parts = ("ui",), parts[2:]
    elif me + (parts[0],) in mods:
        base = me  # a path relative to this module: one of its children
    elif parts[0] in ("super", "self"):
        base = me
        while parts and parts[0] in ("super", "self"):
            if parts[0] == "super":
                base = base[:-1]
            parts = parts[1:]
    else:
        return None
    cur = base
    for p in parts:
        if cur + (p,) in mods:
            cur = cur + (p,)
        else:
            break
    return cur if cur in mods and cur != me else None


edges = {m: set() for m in mods}
for me, f in mods.items():
    src = strip(open(f, encoding="utf-8").read())
    paths = []
    for m in re.finditer(r"\buse\s+([^;]+);", src):
        paths += [re.sub(r"\s+", "", u) for u in expand_use(m.group(1))]
    for m in re.finditer(r"(?<![:\w])(?:[A-Za-z_][A-Za-z0-9_]*)(?:::[A-Za-z_][A-Za-z0-9_]*)+", src):
        paths.append(m.group(0))
    for p in paths:
        p = re.sub(r"\s+as\s+\w+$", "", p)
        t = resolve(me, p)
        if t:
            edges[me].add(t)

name = lambda m: "::".join(m)
for m in sorted(edges):
    print(f"{name(m):40} -> {', '.join(sorted(name(t) for t in edges[m])) or '-'}")

# Tarjan's strongly connected components
index, low, stack, on, sccs, n = {}, {}, [], set(), [], [0]
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1; stack.append(v); on.add(v)
    for w in edges[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        comp = []
        while True:
            w = stack.pop(); on.discard(w); comp.append(w)
            if w == v:
                break
        if len(comp) > 1:
            sccs.append(comp)
sys.setrecursionlimit(10000)
for v in sorted(edges):
    if v not in index:
        visit(v)
print(f"\n{len(mods)} files, {sum(len(e) for e in edges.values())} edges, {len(sccs)} cycle(s)")
for c in sccs:
    print("cycle:", " <-> ".join(sorted(name(m) for m in c)))
sys.exit(1 if sccs else 0)
