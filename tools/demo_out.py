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
    d, committed = Path(arg).expanduser().resolve(), (ROOT / 'results').resolve()
    if d == committed or committed in d.parents:
        return f'DEMO_OUT={arg} is inside the committed results/ ({committed}), which the demo compares with; give another folder'
    if d.exists() and not d.is_dir():
        return f'DEMO_OUT={arg}: {d} is a file, not a folder'
    if d.is_dir() and not (d / MARK).is_file():
        other = sorted(p.name for p in d.iterdir())
        if other:
            return (f'DEMO_OUT={arg} holds files that make demo did not write ({", ".join(other[:3])}'
                    f'{", ..." if len(other) > 3 else ""}) and would replace some of them; give a new or empty folder')
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        print('demo_out.py: usage: python tools/demo_out.py DIR', file=sys.stderr)
        return 2
    why = problem(argv[0])
    if why is None:
        d = Path(argv[0]).expanduser()
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
