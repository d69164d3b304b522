#!/usr/bin/env python3
"""Print import cycles between the core's source files (src/, without src/ui), and imports that
go against the layers of ARCHITECTURE.md (a module imports only from its own layer or the layers
before it).

Builds the graph of `use crate::…` / `crate::…` paths: each file is a node (src/a/b.rs and
src/a/b/mod.rs are module a::b); an edge goes from a file to the deepest module file a path
names. Cycles are the strongly connected components with more than one file. A cycle that only
exists through a folder's `mod.rs` calling its own children (children using the parent's types
while the parent calls into them) is a facade cycle: reported, and an error only with --strict.
Every other cycle, and every import against the layers, is an error: exit 1, so CI can run it.
"""
import os
import re
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
SKIP = {"ui"}

# The layers of ARCHITECTURE.md, in pipeline order; every top-level module of src/ (but ui) is in
# exactly one. A new module must be added here, which makes its place a decision.
LAYERS = [
    ("text", ["chars", "numbering", "normalize", "tokenize", "fsutil", "phase_clock"]),
    ("ingest", ["import", "formats"]),
    ("document", ["lines", "measure", "outline", "document", "plan", "corpus"]),
    ("analysis", ["matching", "align", "keyterms", "targets", "reuse", "search", "overview",
                  "align_eval", "match_eval"]),
    ("coding", ["themes", "project", "history", "merge", "agreement", "codebook_edit", "tag_edit",
                "coding_segments"]),
    ("views", ["comparison", "collate", "target_table"]),
    ("export", ["export"]),
    ("shell", ["cli"]),
]
LAYER_OF = {m: (i, name) for i, (name, mods) in enumerate(LAYERS) for m in mods}


def module_of(rel):
    parts = rel[:-3].split(os.sep)
    if parts[-1] == "mod":
        parts = parts[:-1]
    if parts in (["lib"], ["main"]):
        return ()
    return tuple(parts)


def files():
    out = {}
    for dirpath, dirnames, filenames in os.walk(ROOT):
        rel_dir = os.path.relpath(dirpath, ROOT)
        if rel_dir.split(os.sep)[0] in SKIP:
            dirnames[:] = []
            continue
        for name in filenames:
            if name.endswith(".rs"):
                rel = os.path.normpath(os.path.join(rel_dir, name))
                out[module_of(rel)] = rel
    return out


def strip_comments_and_tests(text):
    text = re.sub(r"//[^\n]*", "", text)
    # Drop `#[cfg(test)] mod tests { … }` blocks: tests may import anything.
    m = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", text)
    if m:
        text = text[: m.start()]
    # Inside an inline `mod x { … }`, `super::` is the file's own module.
    out, pos = [], 0
    for m in re.finditer(r"\bmod\s+\w+\s*\{", text):
        if m.start() < pos:
            continue
        depth, i = 0, m.end() - 1
        while i < len(text):
            depth += text[i] == "{"
            depth -= text[i] == "}"
            if depth == 0:
                break
            i += 1
        out.append(text[pos : m.start()])
        out.append(text[m.start() : i + 1].replace("super::", "self::"))
        pos = i + 1
    out.append(text[pos:])
    return "".join(out)


def expand_use(tree):
    """`a::{b, c::{d, e}}` → [a::b, a::c::d, a::c::e]"""
    tree = tree.strip()
    depth = 0
    for i, ch in enumerate(tree):
        if ch == "{":
            prefix = tree[:i]
            inner = tree[i + 1 : tree.rindex("}")]
            items, cur, d = [], "", 0
            for c in inner:
                if c == "," and d == 0:
                    items.append(cur)
                    cur = ""
                    continue
                d += c == "{"
                d -= c == "}"
                cur += c
            items.append(cur)
            out = []
            for it in items:
                it = it.strip()
                if not it:
                    continue
                if it == "self":
                    out.append(prefix.rstrip(":"))
                else:
                    out.extend(prefix + e for e in expand_use(it))
            return out
    return [re.sub(r"\s+as\s+\w+$", "", tree)]


def targets(text, here, mods):
    paths = []
    for m in re.finditer(r"\buse\s+((?:crate|super|self)::[^;]*);", text, re.S):
        paths.extend(p.replace("::*", "") for p in expand_use(m.group(1)))
    for m in re.finditer(r"(?<![:\w])crate((?:::\w+)+)", text):
        paths.append("crate" + m.group(1))
    for m in re.finditer(r"\bsuper((?:::\w+)+)", text):
        paths.append("super" + m.group(1))
    # A module's own children named without `crate::`/`super::` (`docx::read(…)`, `use self::x`).
    # A facade's `pub use child::{A, B};` is not by itself a dependency of the parent's code, but
    # using A or B in that code is.
    reexports = list(re.finditer(r"^\s*pub\s+use\s+(?:self::)?(\w+)::([^;]*);", text, re.M))
    body = text
    for m in reexports:
        body = body.replace(m.group(0), "")
    for child in re.findall(r"^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+(\w+)\s*;", text, re.M):
        if re.search(r"(?<![:\w])(?:self::)?" + child + r"::", body):
            paths.append("self::" + child)
        for m in reexports:
            if m.group(1) != child:
                continue
            names = re.findall(r"\w+", m.group(2).replace(" as ", " "))
            if m.group(2).strip() == "*" or any(
                re.search(r"(?<![:\w])" + n + r"\b", body) for n in names if n != "self"
            ):
                paths.append("self::" + child)
    out = set()
    for p in paths:
        segs = [s for s in re.split(r"\s*::\s*", p.strip()) if s]
        if segs[0] == "crate":
            base, segs = (), segs[1:]
        elif segs[0] == "self":
            base, segs = here, segs[1:]
        else:
            base = here[:-1]
            segs = segs[1:]
            while segs and segs[0] == "super":
                base, segs = base[:-1], segs[1:]
        best = None
        for k in range(len(segs), -1, -1):
            cand = base + tuple(segs[:k])
            if cand in mods:
                best = cand
                break
        if best is not None and best != here and best != ():
            # A parent `mod.rs` that only declares children is not a real dependency of them.
            out.add(best)
    return out


def cycles_of(graph):
    """Strongly connected components of more than one node (Tarjan)."""
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(sorted(c) for c in comps if len(c) > 1)


def main():
    strict = "--strict" in sys.argv[1:]
    mods = files()
    graph = {}
    for mod, rel in mods.items():
        with open(os.path.join(ROOT, rel), encoding="utf-8") as f:
            text = strip_comments_and_tests(f.read())
        graph[mod] = targets(text, mod, mods) - {()}
    # Without a folder's mod.rs calling its own children: what is left are real cycles.
    lenient = {
        a: {b for b in bs if not (len(b) == len(a) + 1 and b[: len(a)] == a)}
        for a, bs in graph.items()
    }
    cycles = cycles_of(lenient)
    facade = [c for c in cycles_of(graph) if not any(set(c) >= set(d) for d in cycles)]
    edges = sum(len(v) for v in graph.values())
    print(f"{len(graph)} files, {edges} imports between them (src/ without src/ui)")
    for kind, found in (("cycle", cycles), ("facade cycle", facade)):
        for c in found:
            names = [mods[m] for m in c]
            print(f"{kind} of {len(c)} files: " + ", ".join(names))
            for a in c:
                for b in sorted(graph[a] & set(c)):
                    print(f"    {mods[a]} -> {mods[b]}")
    print(f"{len(cycles)} cycles, {len(facade)} facade cycles (a mod.rs and its children)")
    if strict:
        cycles = cycles + facade
    bad = []
    for a, targets_of_a in sorted(graph.items()):
        if not a:
            continue
        if a[0] not in LAYER_OF:
            bad.append(f"{mods[a]}: module {a[0]!r} is in no layer (add it to LAYERS)")
            continue
        for b in sorted(targets_of_a):
            if b[0] in LAYER_OF and LAYER_OF[b[0]][0] > LAYER_OF[a[0]][0]:
                bad.append(
                    f"{mods[a]} ({LAYER_OF[a[0]][1]}) imports {mods[b]} ({LAYER_OF[b[0]][1]}), a later layer"
                )
    for line in bad:
        print("layer: " + line)
    print(f"{len(bad)} layer violations")
    return 1 if cycles or bad else 0


if __name__ == "__main__":
    sys.exit(main())
