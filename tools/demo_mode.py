"""Whether `make demo` trains the main job or makes its table from the committed run records.

Prints `train` or `reuse`. It prints `reuse`, and on stderr one line saying why, when this machine could not train
the committed table's runs again bit for bit (`mti_nb.reports.reproduction.retrain_problem`: a CPU without
AVX512-BF16 or AMX trains the bf16 `demo` profile in fp32; a GPU rounds otherwise than the CPU the records were
made on); `train` when it could. With `--train` (`make demo TRAIN=1`) it prints `train` whatever the machine, and
the same reason as a warning that the comparison at the end is not expected to match. With DEMO_OUT, a folder that
holds part-trained runs of an earlier training demo is named, since only TRAIN=1 resumes them there.

Usage: python tools/demo_mode.py TABLE [DEMO_OUT] [--train]    (TABLE: e.g. results/ablation_scales.csv; exit
status 2 with one line when it cannot be read)
"""
from __future__ import annotations

import sys
from pathlib import Path

USAGE = 'usage: python tools/demo_mode.py TABLE [DEMO_OUT] [--train] (e.g. results/ablation_scales.csv)'


def main(argv: list[str]) -> int:
    train = '--train' in argv
    args = [a for a in argv if a != '--train']
    if not 1 <= len(args) <= 2 or any(a.startswith('-') for a in args):
        print(f'make demo: error: {USAGE}', file=sys.stderr)
        return 2
    table = Path(args[0])
    if not table.is_file():
        print(f'make demo: error: {table}: no such table (expected the committed CSV the demo compares with)',
              file=sys.stderr)
        return 2
    from mti_nb.reports.reproduction import retrain_problem
    why = retrain_problem(table)
    if why and train:
        print(f'make demo: training (TRAIN=1), though the committed table {table.name}: {why}; the comparison at the '
              'end is not expected to match', file=sys.stderr)
    elif why:
        ck = Path(args[1]) / 'checkpoints' if len(args) == 2 else None
        held = ck is not None and ck.is_dir() and any(ck.glob('*/last.pt'))
        print(f'make demo: not training: the committed table {table.name}: {why}. The table is made from the committed '
              'run records instead, as with REUSE=1 (nothing trained, about a minute); TRAIN=1 trains anyway'
              + (f' (and resumes the part-trained runs of an earlier TRAIN=1 demo in {args[1]})' if held else ''),
              file=sys.stderr)
    print('reuse' if why and not train else 'train')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
