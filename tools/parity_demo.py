"""Does training on the fast path keep the demo's results? MTI-Net (semseg + depth, demo profile) over three seeds,
fp32 eager (the demo profile before it moved to the fast path) against the fast path (bf16 autocast where the CPU has
it, `fast_path=True`: the compiled loss and the upsample-first heads; `--channels-last` and `--compile` add those
levers); prints each seed's headline metrics and whether the fast runs land within the fp32 runs' seed spread.

    OMP_NUM_THREADS=1 .venv/bin/python tools/parity_demo.py --out /tmp/parity_demo [--seeds 0,1,2]

Run records go to --out (never to results/), so the committed demo results are untouched; an fp32 run already
committed in results/runs/ is read (not retrained: with `--epochs 6`, the fp32 demo's schedule; the demo now trains
10 epochs, which no fp32 record has), and a run whose record is in --out is reused, so an
interrupted comparison resumes.
"""
import argparse
import json
import statistics
import sys
import time

from mti_nb.config import run_config
from mti_nb.engine.experiment import run_experiment
from mti_nb.records.runs import find_record, headline_value

DIRECTION = {'semseg': 'miou', 'depth': 'rmse'}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument('--out', required=True, help='folder for the run records and checkpoints of this comparison')
    ap.add_argument('--seeds', default='0,1,2')
    ap.add_argument('--channels-last', action='store_true', help='fast runs in channels_last too')
    ap.add_argument('--compile', action='store_true', help='fast runs with the model compiled too')
    ap.add_argument('--epochs', type=int, default=None, help="override the demo profile's epochs")
    a = ap.parse_args(argv)
    try:
        seeds = [int(s) for s in a.seeds.split(',') if s.strip()]
    except ValueError:
        print(f'parity_demo: --seeds {a.seeds!r} is not a comma-separated list of integers', file=sys.stderr)
        return 2
    over = {'epochs': a.epochs} if a.epochs else {}
    fast = dict(precision='bf16', fast_path=True, channels_last=True if a.channels_last else None,
                compile=True if a.compile else None)
    eager = dict(precision='fp32', fast_path=None, channels_last=None, compile=None)
    rows = {'fp32': {}, 'fast': {}}
    for seed in seeds:
        base = run_config('demo', model='mti_net', tasks=('semseg', 'depth'), seed=seed, device='cpu', **over)
        for name, cfg in (('fp32', base.replace(**eager)), ('fast', base.replace(**fast))):
            t = time.perf_counter()
            rec = find_record(cfg, None) if name == 'fp32' else None   # a committed demo run (read only)
            rec = rec or run_experiment(cfg, a.out, progress=False)
            tr = rec.extra.get('train', {})
            rows[name][seed] = {t_: headline_value(t_, rec.metrics[t_]) for t_ in DIRECTION}
            rows[name][seed].update(train_img_s=rec.images_per_s, precision=tr.get('precision'),
                                    compile=tr.get('compile'), fast_path=rec.extra.get('fast_path'),
                                    wall_s=round(time.perf_counter() - t, 1))
            print(name, seed, json.dumps(rows[name][seed]), flush=True)
    verdict = {}
    for task, key in DIRECTION.items():
        ref = [r[task] for r in rows['fp32'].values()]
        got = [r[task] for r in rows['fast'].values()]
        lo, hi = min(ref), max(ref)
        verdict[task] = dict(fp32_mean=statistics.mean(ref), fp32_min=lo, fp32_max=hi,
                             fp32_sd=statistics.stdev(ref) if len(ref) > 1 else 0.0,
                             fast_mean=statistics.mean(got), fast_within_spread=lo <= statistics.mean(got) <= hi)
    # no speed ratio here: the runs ran one after another (and a committed run elsewhere), not alternating
    print(json.dumps({'per_task': verdict}))
    return 0


if __name__ == '__main__':
    sys.exit(main())
