"""Stamp run records made before records carried a data fingerprint and a code stamp, where that is verifiable.

A record is stamped (given the current data fingerprint and code stamp, so that `run_experiment` reuses it) only
when both of these hold; otherwise it is left as it is and the reason is printed:

- data: the record trained on the synthetic benchmark in mti_nb's cache (dataset 'synthetic', no data_root), whose
  images are a pure function of the config (counts, size, seed), of the generator and of the CPU class (numpy's
  float kernels are chosen for the CPU, so an AVX2-only CPU renders other bytes than one with AVX-512); the
  generator's source (mti_nb/data/scene.py, render.py and synthetic.py joined; mti_nb/synthetic.py in the flat
  layout; without its CLI) at the record's git commit equals today's. A record that already carries a data
  fingerprint whose files differ from the ones rendered here is never stamped: it was made on other bytes (restamp it
  on a machine of its CPU class). Records on real datasets or a user's folder cannot be verified after the fact and
  are not stamped.
- code: either the code that decides the run (`mti_nb.records.fingerprint.code_stamp`, torch major.minor included) at the
  record's git commit equals today's; or the code that evaluates (evaluate, loaders, metrics, datasets,
  transforms, tasks) is unchanged since that commit and the training code is shown to compute the same thing:
  with --side-by-side STEPS, the library at the record's commit (git archive) and today's library each run STEPS
  training steps of the record's config on this machine and every step's predictions are bitwise equal; with
  --reproduce, the first epoch(s) trained again now give bitwise the record's own losses and learning rate (this
  also needs the record's machine and thread count).
  A commit marked '+dirty' had uncommitted changes, which cannot be checked; the record's stamp says so.

The library at a record's commit may have another layout than today's (the flat one: mti_nb/engine.py,
mti_nb/core.py with RunConfig; or subpackages): a unit's source there is read through that commit's own
`mti_nb.records.fingerprint.UNITS` (its modules joined), else from the flat `mti_nb/<unit>.py`; the scripts run
in both libraries import from today's modules and fall back to the older ones.

Usage: python tools/restamp_records.py [--results DIR] [--only RUN_ID ...] [--study NAME ...]
                                       [--side-by-side STEPS | --reproduce [--epochs N]] [--threads N] [--dry-run]
Exit status: 0 when every selected record is (now) stamped, 1 when some are not, 2 on a usage error.
"""
from __future__ import annotations

import argparse
import ast
import functools
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GENERATOR_NOT_DECIDING = frozenset({'synth_cli', '_parse_hw', 'show_samples'})
# the synthetic generator's modules: today's (scene, renderer, writer), then the flat layout's one module
GENERATOR_PATHS = (('mti_nb/data/scene.py', 'mti_nb/data/render.py', 'mti_nb/data/synthetic.py'), ('mti_nb/synthetic.py',))
EVAL_PATH = {'engine': {'evaluate', 'eval_loader', '_loader_kw', '_to_size', '_autocast', 'build_datasets', '_build_model'},
             'metrics': None, 'datasets': None, 'transforms': None, 'tasks': None}


def git_show(commit: str, path: str) -> str | None:
    r = subprocess.run(['git', 'show', f'{commit}:{path}'], cwd=ROOT, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def commit_exists(commit: str) -> bool:
    return subprocess.run(['git', 'cat-file', '-e', f'{commit}^{{commit}}'], cwd=ROOT, capture_output=True).returncode == 0


def _join(parts) -> str | None:
    parts = [p for p in parts if p is not None]
    return '\n\n'.join(parts) if parts else None


def _module_path(dotted: str) -> str:
    return 'mti_nb/' + dotted.replace('.', '/') + '.py'


@functools.lru_cache(maxsize=None)
def units_at(commit: str) -> dict:
    "The `UNITS` of `mti_nb.records.fingerprint` at `commit` (unit -> modules); {} for the flat layout (no such file)."
    src = git_show(commit, 'mti_nb/records/fingerprint.py')
    if src is None:
        return {}
    for node in ast.parse(src).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (node.targets[0] if isinstance(node, ast.Assign)
                                                                       else None)
        if isinstance(target, ast.Name) and target.id == 'UNITS' and node.value is not None:
            return ast.literal_eval(node.value)
    return {}


def unit_source_at(commit: str, unit: str) -> str | None:
    "The source of `unit` at `commit`: its modules there joined (that commit's UNITS), else the flat `mti_nb/<unit>.py`."
    mods = units_at(commit).get(unit)
    return (_join(git_show(commit, _module_path(m)) for m in mods) if mods else None) or git_show(commit, f'mti_nb/{unit}.py')


def unit_source_now(unit: str) -> str:
    "The source of `unit` in this checkout: its modules in today's `mti_nb.records.fingerprint.UNITS`, joined."
    from mti_nb.records.fingerprint import UNITS
    paths = [ROOT / _module_path(m) for m in UNITS.get(unit, (unit,))]
    return _join(p.read_text() for p in paths if p.is_file()) or ''


def generator_source_at(commit: str | None) -> str | None:
    "The synthetic generator's source at `commit` (None: this checkout), its modules joined: today's layout or the flat one."
    read = lambda path: git_show(commit, path) if commit else ((ROOT / path).read_text() if (ROOT / path).is_file() else None)
    for paths in GENERATOR_PATHS:
        src = _join(read(p) for p in paths)
        if src is not None:
            return src
    return None


def other_data(was: dict, now: dict) -> list[str]:
    "The splits that a record's data fingerprint `was` and this machine's `now` both have and that differ (folder, split list or files)."
    a, b = was.get('splits', {}), now.get('splits', {})
    return [s for s in sorted(set(a) & set(b)) if a[s] != b[s]]


def generator_stamp(source: str | None) -> str:
    from mti_nb.records.fingerprint import module_stamp
    return module_stamp(source, None, GENERATOR_NOT_DECIDING)


def eval_path_same(commit: str) -> list[str]:
    "Definitions on the evaluation path that differ between `commit` and today (empty: unchanged)."
    from mti_nb.records.fingerprint import DECIDING, normalized_definitions
    out = []
    for m, names in EVAL_PATH.items():
        keep, drop = DECIDING[m]
        old = normalized_definitions(unit_source_at(commit, m) or '', keep, drop)
        new = normalized_definitions(unit_source_now(m), keep, drop)
        for k in sorted(set(old) | set(new)):
            if (names is None or k in names) and old.get(k) != new.get(k):
                out.append(f'{m}.{k}')
    return out


def reproduce(cfg, rec, epochs: int) -> str | None:
    "Train the first `epochs` epochs of `cfg` now; None if losses and lr equal the record's history bitwise, else why."
    from mti_nb.engine.trainer import train
    n = min(epochs, cfg.epochs, len(rec.history))
    if n < 1 or any('loss' not in h for h in rec.history[:n]):
        return 'the record has no per-epoch training history to compare with'
    with tempfile.TemporaryDirectory(prefix='restamp_') as d:
        tr = train(cfg, d, progress=False, stop_after=n)
    for e in range(n):
        old, new = rec.history[e], tr['history'][e]
        if old['loss'] != new['loss'] or old.get('lr') != new.get('lr'):
            diff = {k: (old['loss'].get(k), new['loss'].get(k)) for k in set(old['loss']) | set(new['loss'])
                    if old['loss'].get(k) != new['loss'].get(k)}
            return f'epoch {e + 1} differs when trained again: {diff or {"lr": (old.get("lr"), new.get("lr"))}}'
    return None


# imports for both layouts: today's modules first, then the subpackage layout of c3703a5, then the flat one
FIND = """
import importlib
def find(name, modules):
    for m in modules:
        try:
            mod = importlib.import_module(m)
        except ImportError:
            continue
        if hasattr(mod, name):
            return getattr(mod, name)
    raise SystemExit(f'no {name} in {modules}')
RunConfig = find('RunConfig', ['mti_nb.config', 'mti_nb.core'])
"""
ENGINE = {'train': ['mti_nb.engine.trainer', 'mti_nb.engine.engine', 'mti_nb.engine'],
          '_build_model': ['mti_nb.engine.trainer', 'mti_nb.engine.engine', 'mti_nb.engine'],
          'seed_everything': ['mti_nb.engine.checkpoints', 'mti_nb.engine.engine', 'mti_nb.engine'],
          'evaluate': ['mti_nb.engine.evaluation', 'mti_nb.engine.engine', 'mti_nb.engine'],
          'eval_loader': ['mti_nb.engine.loaders', 'mti_nb.engine.engine', 'mti_nb.engine'],
          'build_datasets': ['mti_nb.engine.loaders', 'mti_nb.engine.engine', 'mti_nb.engine']}


def _finds(*names: str) -> str:
    return ''.join(f'{n} = find({n!r}, {ENGINE[n]!r})\n' for n in names)


STEPS_SCRIPT = """
import hashlib, json, sys
import torch
""" + FIND + _finds('train') + """
cfg, steps, out_dir = getattr(RunConfig, 'from_stored', RunConfig.from_dict)(json.loads(sys.argv[1])), int(sys.argv[2]), sys.argv[3]
torch.set_num_threads(int(sys.argv[4]))
seen = []
class Stop(Exception):
    pass
def hook(epoch, step, out):
    seen.append({t: hashlib.sha256(v.detach().float().contiguous().numpy().tobytes()).hexdigest()
                 for t, v in sorted(out.final.items())})
    if len(seen) >= steps:
        raise Stop
try:
    train(cfg, out_dir, progress=False, on_step=hook, force=True)
except Stop:
    pass
print(json.dumps(seen))
"""

# the evaluation path, run the same way by both libraries: a freshly seeded model, the whole validation split, metrics
EVAL_SCRIPT = """
import json, sys
import torch
""" + FIND + _finds('seed_everything', '_build_model', 'evaluate', 'eval_loader', 'build_datasets') + """
cfg = getattr(RunConfig, 'from_stored', RunConfig.from_dict)(json.loads(sys.argv[1]))
torch.set_num_threads(int(sys.argv[2]))
seed_everything(cfg.seed)
model = _build_model(cfg)
ev = evaluate(model, eval_loader(cfg, build_datasets(cfg)[1]), cfg.tasks, cfg.dataset, torch.device('cpu'))
print(json.dumps({'final': ev['final'], 'n_images': ev.get('n_images')}, sort_keys=True, default=repr))
"""


def side_by_side(commit: str, config: dict, steps: int, threads: int) -> str | None:
    "Run `steps` training steps of `config` with the library at `commit` and with today's; None if bitwise equal."
    outs, evals = [], []
    with tempfile.TemporaryDirectory(prefix='restamp_') as d:
        old = Path(d) / 'old'
        old.mkdir()
        arch = subprocess.run(['git', 'archive', '--format=tar', commit, 'mti_nb', 'settings.ini'], cwd=ROOT,
                              capture_output=True, check=True).stdout
        subprocess.run(['tar', '-x', '-C', str(old)], input=arch, check=True)
        (old / 'nbs').mkdir()
        for i, lib in enumerate((old, ROOT)):
            env = {**os.environ, 'PYTHONPATH': str(lib), 'MTI_NB_RESULTS': str(Path(d) / f'r{i}')}
            r = subprocess.run([sys.executable, '-c', STEPS_SCRIPT, json.dumps(config), str(steps), str(Path(d) / f'r{i}'),
                                str(threads)], cwd=lib, env=env, capture_output=True, text=True)
            if r.returncode != 0:
                return f'training {"at " + commit[:8] if i == 0 else "today"} failed: {r.stderr.strip().splitlines()[-1:]}'
            outs.append(json.loads(r.stdout.strip().splitlines()[-1]))
            r = subprocess.run([sys.executable, '-c', EVAL_SCRIPT, json.dumps(config), str(threads)], cwd=lib, env=env,
                               capture_output=True, text=True)
            if r.returncode != 0:
                return f'evaluating {"at " + commit[:8] if i == 0 else "today"} failed: {r.stderr.strip().splitlines()[-1:]}'
            evals.append(r.stdout.strip().splitlines()[-1])
    if len(outs[0]) != steps or outs[0] != outs[1]:
        k = next((i for i, (a, b) in enumerate(zip(*outs)) if a != b), min(map(len, outs)))
        return f'the code at {commit[:8]} and today\'s differ at training step {k + 1} (predictions not bitwise equal)'
    if evals[0] != evals[1]:
        return f'the code at {commit[:8]} and today\'s evaluate a seeded model differently (metrics not bitwise equal)'
    return None


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog='restamp_records.py', description=__doc__.split('\n')[0])
    ap.add_argument('--results', default=str(ROOT / 'results'), help='results folder (records in its runs/)')
    ap.add_argument('--only', nargs='*', default=None, metavar='RUN_ID', help='these records only')
    ap.add_argument('--study', nargs='*', default=None, metavar='NAME',
                    help="the records listed in results/<NAME>.json ('run_ids')")
    ap.add_argument('--reproduce', action='store_true', help='verify changed code by training the first epoch(s) again')
    ap.add_argument('--epochs', type=int, default=1, help='epochs to train again with --reproduce (default 1)')
    ap.add_argument('--side-by-side', type=int, default=0, metavar='STEPS',
                    help="verify changed code by running STEPS training steps with the record's commit and with "
                         "today's code, comparing every step's predictions bitwise")
    ap.add_argument('--threads', type=int, default=None,
                    help="torch threads for --reproduce (default torch's: results on a CPU depend on it)")
    ap.add_argument('--dry-run', action='store_true', help='say what would be stamped, write nothing')
    a = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mti_nb.records import fingerprint
    from mti_nb.records import runs
    from mti_nb.engine.loaders import build_datasets, build_heldout
    import torch
    if a.threads:
        torch.set_num_threads(a.threads)

    results = Path(a.results)
    if not (results / 'runs').is_dir():
        print(f'restamp_records.py: error: no runs/ folder in {results}', file=sys.stderr)
        return 2
    wanted = set(a.only or ())
    for s in a.study or ():
        p = results / f'{s}.json'
        if not p.is_file():
            print(f'restamp_records.py: error: no study summary {p}', file=sys.stderr)
            return 2
        wanted |= set(json.loads(p.read_text()).get('run_ids', []))
    records = runs.list_records(results)
    if wanted:
        missing = wanted - {r.run_id for r in records}
        if missing:
            print(f'restamp_records.py: error: no readable record for {sorted(missing)}', file=sys.stderr)
            return 2
        records = [r for r in records if r.run_id in wanted]
    gen_now = generator_stamp(generator_source_at(None))
    n_ok = n_new = 0
    for rec in records:
        cfg = rec.run_config
        train_ds, val_ds = build_datasets(cfg) if cfg.dataset == 'synthetic' and cfg.data_root is None else (None, None)
        held = build_heldout(cfg) if train_ds is not None else None   # as run_experiment fingerprints a run's data
        data = fingerprint.data_fingerprint({'train': train_ds, 'val': val_ds, **({'heldout': held} if held is not None
                                             else {})}) if train_ds is not None else None
        code = fingerprint.code_stamp(cfg.model)
        if rec.status == 'complete' and not runs.reuse_problems(rec, data or {}, code) and rec.data:
            n_ok += 1
            print(f'ok       {rec.run_id}: already stamped')
            continue
        commit = (rec.git_commit or '').replace('+dirty', '')
        dirty = (rec.git_commit or '').endswith('+dirty')
        why = None
        if rec.status != 'complete':
            why = f'status is {rec.status!r}'
        elif data is None:
            why = 'its data (not the cached synthetic benchmark) cannot be verified after the fact'
        elif not commit or not commit_exists(commit):
            why = f'its git commit {rec.git_commit!r} is not in this history'
        elif rec.data and not fingerprint.fingerprint_differences(rec.data, data):
            pass   # stamped before: the benchmark's files hash to the record's data fingerprint, so the data are the same
        elif rec.data and (diff := other_data(rec.data, data)):
            # the record says which data it trained on, and they are not the ones here (e.g. the synthetic render differs
            # between CPUs): stamping it with this machine's fingerprint would misstate its data
            why = (f'it was made on other data than this machine has ({", ".join(diff)} differ: '
                   f'{rec.data["splits"][diff[0]].get("bytes")} vs {data["splits"][diff[0]].get("bytes")} bytes); the '
                   f'synthetic render differs between CPUs: restamp it on a machine that renders the bytes it was made on')
        elif generator_stamp(generator_source_at(commit)) != gen_now:
            why = f'the synthetic generator changed since {commit[:8]}'
        if why is None:
            then = fingerprint.code_stamp_at(commit, cfg.model, ROOT, torch_version=rec.versions.get('torch'))
            differ = fingerprint.stamp_differences(then, code)
            if not differ:
                basis = f'code that decides the run identical at commit {commit[:8]}'
            elif (a.reproduce or a.side_by_side) and not any(d.startswith('torch') for d in differ):
                ev = eval_path_same(commit)
                if ev and not a.side_by_side:
                    why = f'evaluation code changed since {commit[:8]}: {", ".join(ev)}'
                elif a.side_by_side:
                    print(f'...      {rec.run_id}: {a.side_by_side} steps at {commit[:8]} and today '
                          f'({", ".join(differ)} changed)', flush=True)
                    why = side_by_side(commit, rec.config, a.side_by_side, a.threads or torch.get_num_threads())
                    basis = (f'{", ".join(differ)} changed since commit {commit[:8]}; run side by side, that commit '
                             f'and today\'s code give bitwise the same predictions over {a.side_by_side} training '
                             f'steps of this config and bitwise the same validation metrics of a seeded model')
                else:
                    print(f'...      {rec.run_id}: training {a.epochs} epoch(s) again ({", ".join(differ)} changed)',
                          flush=True)
                    bad = reproduce(cfg, rec, a.epochs)
                    if bad:
                        why = bad
                    else:
                        n = min(a.epochs, cfg.epochs)
                        basis = (f'{", ".join(differ)} changed since commit {commit[:8]}; its first {n} epoch(s) '
                                 f'trained again gave bitwise the same losses and learning rate, and the evaluation '
                                 f'code is unchanged')
            else:
                why = (f'code changed since {commit[:8]}: {", ".join(differ)}'
                       + ('' if a.reproduce or a.side_by_side else ' (--side-by-side STEPS or --reproduce verifies it)'))
        if why is not None:
            print(f'NOT      {rec.run_id}: {why}')
            continue
        if dirty:
            basis += ' (the commit had uncommitted changes, which cannot be checked)'
        rec.data, rec.code = data, code
        rec.extra['restamped'] = {'at': runs.now_iso(), 'basis': basis, 'record_commit': rec.git_commit}
        if not a.dry_run:
            runs.save_record(rec, results)
        n_new += 1
        print(f'stamped  {rec.run_id}: {basis}' + (' [dry run]' if a.dry_run else ''), flush=True)
    left = len(records) - n_ok - n_new
    print(f'{len(records)} records: {n_ok} already stamped, {n_new} stamped now, {left} not stamped')
    return 0 if left == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
