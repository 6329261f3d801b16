"""Train the same small runs with the library at a git commit and with the working tree; fail unless bitwise equal.

For a refactoring that must not change results: each config (one per model of the registry, plus variants) is
trained end to end with `run_experiment` by both libraries, in separate processes on this machine with the same
thread count, into temporary folders; the per-epoch training losses, learning rates and every validation metric
of the two records must be equal as floats (not merely close). Configs come from the `smoke` profile unless
--profile says otherwise.

Usage: python tools/compare_libraries.py COMMIT [--profile smoke] [--threads 1] [--only NAME ...]
Exit status: 0 when every config gives equal records, 1 when some differ or fail, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from restamp_records import FIND   # `find(name, modules)`: a name from the first module that has it (any layout)

ROOT = Path(__file__).resolve().parents[1]

# name -> run_config overrides (tuples as lists: they travel as JSON)
CONFIGS = {
    'single_task-semseg': dict(model='single_task', tasks=['semseg']),
    'single_task-depth': dict(model='single_task', tasks=['depth']),
    'mtl': dict(model='mtl', tasks=['semseg', 'depth']),
    'pad_net': dict(model='pad_net', tasks=['semseg', 'depth']),
    'mti_net': dict(model='mti_net', tasks=['semseg', 'depth']),
    'mti_net-1/4,1/8-no_fpm': dict(model='mti_net', tasks=['semseg', 'depth'], scales=[4, 8], fpm=False),
    'mti_net-aux': dict(model='mti_net', tasks=['semseg', 'depth'], aux_tasks=['normals', 'edge']),
    'mti_net-r18fpn': dict(model='mti_net', tasks=['semseg', 'depth'], backbone='resnet18_fpn'),
    'astmt-r18fpn': dict(model='astmt', tasks=['semseg', 'depth'], backbone='resnet18_fpn'),
}

SCRIPT = FIND + r"""
import json, sys
import torch
torch.set_num_threads(int(sys.argv[3]))
run_config = find('run_config', ['mti_nb.config', 'mti_nb.core'])
run_experiment = find('run_experiment', ['mti_nb.engine', 'mti_nb.engine.experiment', 'mti_nb.engine.engine',
                                         'mti_nb.engine.trainer'])
cfg = run_config(sys.argv[1], **{k: tuple(v) if isinstance(v, list) else v for k, v in json.loads(sys.argv[2]).items()})
rec = run_experiment(cfg, out_dir=sys.argv[4], progress=False)
d = rec.to_dict() if hasattr(rec, 'to_dict') else rec.__dict__
print(json.dumps({'run_id': cfg.run_id, 'metrics': d.get('metrics'),
                  'history': [{k: h.get(k) for k in ('loss', 'lr', 'val')} for h in d.get('history') or []]},
                 sort_keys=True, default=repr))
"""


def run(lib: Path, profile: str, overrides: dict, threads: int, out: Path) -> tuple[dict | None, str]:
    env = {**os.environ, 'PYTHONPATH': str(lib), 'MTI_NB_RESULTS': str(out), 'OMP_NUM_THREADS': str(threads)}
    env.pop('IN_TEST', None)
    r = subprocess.run([sys.executable, '-c', SCRIPT, profile, json.dumps(overrides), str(threads), str(out)],
                       cwd=lib, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        return None, (r.stderr.strip().splitlines() or ['(no output)'])[-1]
    return json.loads(r.stdout.strip().splitlines()[-1]), ''


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog='compare_libraries.py', description=__doc__.split('\n')[0])
    ap.add_argument('commit', help='the git commit to compare the working tree with (e.g. HEAD, main~3)')
    ap.add_argument('--profile', default='smoke', help='the profile the configs come from (default smoke)')
    ap.add_argument('--threads', type=int, default=1, help='torch threads in both processes (default 1)')
    ap.add_argument('--only', nargs='*', default=None, metavar='NAME', help=f'these configs only: {", ".join(CONFIGS)}')
    a = ap.parse_args(argv)
    names = a.only or list(CONFIGS)
    unknown = [n for n in names if n not in CONFIGS]
    if unknown:
        print(f'compare_libraries.py: error: unknown config {unknown[0]!r}; expected one of {", ".join(CONFIGS)}',
              file=sys.stderr)
        return 2
    ok = subprocess.run(['git', 'cat-file', '-e', f'{a.commit}^{{commit}}'], cwd=ROOT, capture_output=True)
    if ok.returncode != 0:
        print(f'compare_libraries.py: error: {a.commit!r} is not a commit of {ROOT}', file=sys.stderr)
        return 2
    n_bad = 0
    with tempfile.TemporaryDirectory(prefix='compare_libs_') as d:
        old = Path(d) / 'old'
        old.mkdir()
        arch = subprocess.run(['git', 'archive', '--format=tar', a.commit, 'mti_nb', 'settings.ini'], cwd=ROOT,
                              capture_output=True, check=True).stdout
        subprocess.run(['tar', '-x', '-C', str(old)], input=arch, check=True)
        (old / 'nbs').mkdir()
        print(f'comparing {a.commit} with the working tree: profile {a.profile}, {a.threads} thread(s)', flush=True)
        for n in names:
            t0 = time.time()
            res = [run(lib, a.profile, CONFIGS[n], a.threads, Path(d) / f'{n}-{i}') for i, lib in enumerate((old, ROOT))]
            (ra, ea), (rb, eb) = res
            if ra is None or rb is None:
                why = f'at {a.commit}: {ea}' if ra is None else f'working tree: {eb}'
                print(f'FAIL  {n}: a run failed ({why})', flush=True)
                n_bad += 1
            elif ra != rb:
                keys = [k for k in ('run_id', 'history', 'metrics') if ra.get(k) != rb.get(k)]
                print(f'DIFF  {n}: {", ".join(keys)} differ ({ra.get("run_id")} vs {rb.get("run_id")})', flush=True)
                n_bad += 1
            else:
                print(f'same  {n}: {ra["run_id"]}, {len(ra["history"])} epoch(s), metrics bitwise equal '
                      f'({time.time() - t0:.0f} s)', flush=True)
    print(f'compare_libraries: {len(names) - n_bad}/{len(names)} configs give bitwise the same record')
    return 1 if n_bad else 0


if __name__ == '__main__':
    sys.exit(main())
