"""Print the import graph of the mti_nb package and fail on a cycle or an oversized module.

Every import statement of a module counts, wherever it sits: at the top, inside a function (a "lazy" import) or
under `if TYPE_CHECKING:`; a string that is exactly a module's dotted name counts too (what
`importlib.import_module('mti_nb.x')` or a table of modules to import later would import). An edge A -> B
means that module A imports module B (importing a package's module also imports the package's __init__, which
is empty here and not shown). A cycle is a set of modules that reach each other; the tool names each cycle with
one path around it and exits 1.

Usage: python tools/import_graph.py [--package DIR] [--max-lines N] [--quiet]
Exit status: 0 when the graph has no cycle (and no module is over --max-lines, when given), 1 otherwise.
"""
from __future__ import annotations

import argparse
import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIP = {'_modidx'}


def module_name(path: Path, pkg_dir: Path) -> str:
    parts = list(path.relative_to(pkg_dir.parent).with_suffix('').parts)
    if parts[-1] == '__init__':
        parts = parts[:-1]
    return '.'.join(parts)


def _resolve(node: ast.ImportFrom, here: str, is_pkg: bool) -> str:
    "The absolute module an ImportFrom names (before its imported names)."
    if not node.level:
        return node.module or ''
    base = here.split('.') if is_pkg else here.split('.')[:-1]
    base = base[:len(base) - (node.level - 1)] if node.level > 1 else base
    return '.'.join(base + ([node.module] if node.module else []))


def imports_of(path: Path, here: str, modules: set[str]) -> set[str]:
    "The modules of the package that the module at `path` imports (any import statement anywhere in it)."
    tree = ast.parse(path.read_text(), filename=str(path))
    is_pkg = path.name == '__init__.py'
    root = here.split('.')[0]
    out: set[str] = set()

    def add(name: str) -> None:
        # the deepest known module named by `name` (a.b.c where a.b is a module and c an attribute)
        while name and name not in modules:
            name = name.rpartition('.')[0]
        if name and name != root:
            out.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                add(a.name)
        elif isinstance(node, ast.ImportFrom):
            mod = _resolve(node, here, is_pkg)
            for a in node.names:   # `from pkg import module` imports that module
                full = f'{mod}.{a.name}'
                add(full if full in modules else mod)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules:
            add(node.value)   # a module named in a string: importlib.import_module('mti_nb.x'), a table of modules
    out.discard(here)
    return out


def build_graph(pkg_dir: Path) -> dict[str, set[str]]:
    files = {module_name(p, pkg_dir): p for p in sorted(pkg_dir.rglob('*.py'))
             if '__pycache__' not in p.parts and p.stem not in SKIP}
    mods = set(files)
    return {m: imports_of(p, m, mods) for m, p in files.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    "Strongly connected components with more than one module (Tarjan), each as one closed path through it."
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]

    def strong(v: str) -> None:
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            strong(v)
    out = []
    for comp in comps:   # one path around the component: breadth-first back to the start
        start, inside = comp[0], set(comp)
        prev, frontier, seen = {}, [start], {start}
        found = None
        while frontier and found is None:
            nxt = []
            for v in frontier:
                for w in sorted(graph[v] & inside):
                    if w == start:
                        found = v; break
                    if w not in seen:
                        seen.add(w); prev[w] = v; nxt.append(w)
                if found:
                    break
            frontier = nxt
        path, v = [start], found
        while v is not None and v != start:
            path.insert(1, v); v = prev.get(v)
        out.append(path + [start])
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog='import_graph.py', description=__doc__.split('\n')[0])
    ap.add_argument('--package', default=str(ROOT / 'mti_nb'), help='the package folder (default: mti_nb/)')
    ap.add_argument('--max-lines', type=int, default=None, help='also fail when a module has more lines than this')
    ap.add_argument('--quiet', action='store_true', help='print only problems and the closing line')
    a = ap.parse_args(argv)
    pkg = Path(a.package)
    if not (pkg / '__init__.py').is_file():
        print(f'import_graph.py: error: {pkg} is not a package folder (no __init__.py)', file=sys.stderr)
        return 2
    g = build_graph(pkg)
    if not a.quiet:
        for m in sorted(g):
            print(f'{m} -> {", ".join(sorted(g[m])) or "(nothing in the package)"}')
    bad = cycles(g)
    for c in bad:
        print('CYCLE: ' + ' -> '.join(c))
    big = []
    if a.max_lines:
        for p in sorted(pkg.rglob('*.py')):
            if '__pycache__' in p.parts or p.stem in SKIP:
                continue
            n = len(p.read_text().splitlines())
            if n > a.max_lines:
                big.append(f'{p.relative_to(pkg.parent)} ({n} lines)')
        for b in big:
            print(f'TOO LONG (> {a.max_lines} lines): {b}')
    print(f'import graph: {len(g)} modules, {sum(map(len, g.values()))} imports, {len(bad)} cycles'
          + (f', {len(big)} modules over {a.max_lines} lines' if a.max_lines else ''))
    return 1 if bad or big else 0


if __name__ == '__main__':
    sys.exit(main())
