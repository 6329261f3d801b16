"""Compare a study's table with the committed one, row by row; `make demo` ends with this.

Prints one line, `reproduced: N/N rows match the committed results (max |diff| X)`, naming the rows that differ
if any; exits 0 when every row matches, 1 when one differs or ours lacks a numeric column of the committed table
(or holds text in it), 2 when a table cannot be read. Every numeric column the two tables share is compared (the
study CSVs keep full precision: the default tolerance 0 means bit for bit).
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from mti_nb.checks import OneLineParser   # noqa: E402 - one-line usage errors, as every command of the project


def main(argv=None) -> int:
    ap = OneLineParser(prog='tools/compare_results.py', description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('ours', help="the new table, e.g. out/demo-.../ablation_scales.csv")
    ap.add_argument('committed', help='the committed table, e.g. results/ablation_scales.csv')
    ap.add_argument('--atol', type=float, default=0.0, help='absolute tolerance per value (default 0: bit for bit)')
    ap.add_argument('--rtol', type=float, default=0.0, help='relative tolerance per value (default 0)')
    a = ap.parse_args(argv)
    from mti_nb.reports.reproduction import compare_results
    try:
        r = compare_results(a.ours, a.committed, atol=a.atol, rtol=a.rtol)
    except (FileNotFoundError, ValueError, OSError) as e:
        print(f'compare_results: {e}', file=sys.stderr)
        return 2
    print(r.line(), flush=True)
    return 0 if r.ok else 1


if __name__ == '__main__':
    sys.exit(main())
