"""Make, or check, the folder `make demo` writes into (DEMO_OUT).

It must be a new or empty folder, or one an earlier `make demo` made (it holds the marker file `.mti_nb_demo`, so an
interrupted demo resumes there). It is never the repository's results/ or a folder inside it (the committed results
the demo compares with), and never a folder holding files the demo did not write: its tables, notebook and figures
would replace them.

Usage: python tools/demo_out.py DIR    (exit status 2 with one line on stderr when DIR cannot be used)
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARK = '.mti_nb_demo'


def problem(arg: str) -> str | None:
    "Why `make demo` cannot write into `arg` (None: it can)."
    if arg.startswith('~'):
        return f'DEMO_OUT={arg}: make does not expand ~ in the paths it builds; give it as $(HOME)/... or an absolute path'
    d, committed = Path(arg).resolve(), (ROOT / 'results').resolve()
    if d == committed or committed in d.parents:
        return f'DEMO_OUT={arg} is inside the committed results/ ({committed}), which the demo compares with; give another folder'
    if d.exists() and not d.is_dir():
        return f'DEMO_OUT={arg}: {d} is a file, not a folder'
    if d.is_dir() and not (d / MARK).is_file():
        try:
            other = sorted(p.name for p in d.iterdir())
        except OSError as e:
            return f'DEMO_OUT={arg}: cannot read the folder ({e.strerror or e})'
        if other:
            return (f'DEMO_OUT={arg} holds files ({", ".join(other[:3])}{", ..." if len(other) > 3 else ""}) and no '
                    f'{MARK} marker, so make demo did not make it, and its tables and figures would replace some of '
                    'them; give a new or empty folder')
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('make demo: error: DEMO_OUT is empty: give the folder to write into (python tools/demo_out.py DIR)',
              file=sys.stderr)
        return 2
    why = problem(argv[0])
    if why is None:
        d = Path(argv[0])
        try:
            d.mkdir(parents=True, exist_ok=True)
            (d / MARK).write_text('made by make demo: a later make demo may write here again\n')
        except OSError as e:
            why = f'DEMO_OUT={argv[0]}: cannot make the folder ({e.strerror or e})'
    if why is not None:
        print(f'make demo: error: {why}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
