"""Whether `make demo` trains the main job or makes its table from the committed run records.

Prints `reuse`, and on stderr one line saying why, when this machine could not train the committed table's runs
again bit for bit (`mti_nb.reports.reproduction.retrain_problem`: a CPU without AVX512-BF16 or AMX trains the
bf16 `demo` profile in fp32; a GPU rounds otherwise than the CPU the records were made on); prints nothing when it
could. `make demo TRAIN=1` trains anyway; `make demo REUSE=1` never trains.

Usage: python tools/demo_mode.py TABLE    (e.g. results/ablation_scales.csv; exit status 2 with one line when the
table cannot be read)
"""
from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print('make demo: error: usage: python tools/demo_mode.py TABLE (e.g. results/ablation_scales.csv)',
              file=sys.stderr)
        return 2
    if not Path(argv[0]).is_file():
        print(f'make demo: error: {argv[0]}: no such table (expected the committed CSV the demo compares with)',
              file=sys.stderr)
        return 2
    from mti_nb.reports.reproduction import retrain_problem
    why = retrain_problem(argv[0])
    if why:
        print(f'make demo: not training: the committed table {Path(argv[0]).name}: {why}. The table is made from the '
              'committed run records instead, as with REUSE=1 (nothing trained, about a minute); TRAIN=1 trains anyway',
              file=sys.stderr)
        print('reuse')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
