"""Make every committed table again from its run records and compare it byte for byte (`mti_nb.reports.audit`).

Each table's command (the one its section of the results page shows) runs as a report, `-p train False`: nothing is
trained, a run without a record is an error. It runs in a copy of the results folder, which is never written.

Usage: python tools/check_results.py [--results DIR ...] [--only STEM ...] [--keep DIR] [--strict]
Exit status: 1 when a table differs from what its records give (with --strict: also when one could not be remade or
checked), 0 otherwise, 2 on a usage error or when the folders hold no table.
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mti_nb.checks import OneLineParser   # noqa: E402 - one-line usage errors, as every command of the project


def main(argv=None) -> int:
    ap = OneLineParser(prog='check_results.py', description=__doc__.split('\n')[0])
    ap.add_argument('--results', nargs='+', default=[str(ROOT / 'results'), str(ROOT / 'results' / 'study')],
                    help='results folders (default: results/ and results/study/)')
    ap.add_argument('--only', nargs='+', default=None, metavar='STEM', help='these tables only (with one folder)')
    ap.add_argument('--keep', default=None, metavar='DIR', help='keep the remade copy in this new folder (with one folder)')
    ap.add_argument('--strict', action='store_true', help='fail unless every table was remade and came out the same')
    a = ap.parse_args(argv)
    if (a.only or a.keep is not None) and len(a.results) != 1:
        ap.error('--only and --keep need one --results folder')
    if any(not d.strip() for d in a.results):
        ap.error('--results: an empty folder name')
    from mti_nb.reports.audit import check_results
    checks = []
    for d in a.results:
        print(f'== {d}', flush=True)
        try:
            checks += check_results(d, only=a.only, keep=a.keep)
        except (ValueError, OSError) as e:      # a usage error, or a folder that cannot be read or made
            print(f'check_results.py: error: {e}', file=sys.stderr)
            return 2
    if not checks:                              # nothing checked is no pass: a mistyped folder, or one without tables
        print(f'check_results.py: error: no study tables (a CSV with its JSON sidecar) in {", ".join(a.results)}'
              + (f' named {", ".join(a.only)}' if a.only else ''), file=sys.stderr)
        return 2
    n = Counter(c.status for c in checks)
    print(f'{len(checks)} tables: ' + ', '.join(f'{n[s]} {s}' for s in ('same', 'differs', 'not remade', 'not checked') if n[s]))
    if a.strict:
        return 0 if checks and n['same'] == len(checks) else 1
    return 1 if n['differs'] else 0


if __name__ == '__main__':
    sys.exit(main())
