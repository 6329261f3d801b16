"""Project checks run by `make test`: the library matches the notebooks; notebooks are committed clean."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def check_export() -> int:
    "Run nbdev_export and fail if it changed anything under mti_nb/ (the library must be what nbs/ exports)."
    before = subprocess.run(['git', 'status', '--porcelain', '--', 'mti_nb'], cwd=ROOT, capture_output=True, text=True).stdout
    subprocess.run([str(Path(sys.executable).parent / 'nbdev_export')], cwd=ROOT, check=True)
    after = subprocess.run(['git', 'status', '--porcelain', '--', 'mti_nb'], cwd=ROOT, capture_output=True, text=True).stdout
    diff = subprocess.run(['git', 'diff', '--stat', '--', 'mti_nb'], cwd=ROOT, capture_output=True, text=True).stdout
    if before != after:
        print('FAIL: mti_nb/ differs from what nbdev_export makes of nbs/ (export changed it):\n' + after + diff)
        return 1
    if after:
        print('note: mti_nb/ has uncommitted changes (they equal the export of nbs/; commit them with the notebooks)')
    print('export check: mti_nb/ is exactly the export of nbs/')
    return 0


def check_clean() -> int:
    "Fail if any notebook in nbs/ carries outputs or execution counts; require a 'parameters' cell in studies."
    bad = []
    for p in sorted((ROOT / 'nbs').rglob('*.ipynb')):
        if '.ipynb_checkpoints' in p.parts:
            continue
        try:
            nb = json.loads(p.read_text(encoding='utf-8'))
        except Exception as e:  # noqa: BLE001 - report any unreadable notebook by name
            bad.append(f'{p.relative_to(ROOT)}: unreadable ({e})')
            continue
        for i, c in enumerate(nb.get('cells', [])):
            if c.get('cell_type') == 'code' and (c.get('outputs') or c.get('execution_count')):
                bad.append(f'{p.relative_to(ROOT)}: cell {i} has outputs or an execution count (run `make clean-nbs`)')
                break
        is_study = not p.name[:1].isdigit() and p.name != 'index.ipynb'
        if is_study and not any('parameters' in c.get('metadata', {}).get('tags', []) for c in nb.get('cells', [])):
            bad.append(f'{p.relative_to(ROOT)}: study notebook without a cell tagged "parameters" (papermill needs it)')
    if bad:
        print('FAIL: notebooks are not committed clean:\n  ' + '\n  '.join(bad))
        return 1
    print('clean check: every notebook is committed without outputs')
    return 0


if __name__ == '__main__':
    what = sys.argv[1] if len(sys.argv) > 1 else 'all'
    rc = 0
    if what in ('export', 'all'):
        rc |= check_export()
    if what in ('clean', 'all'):
        rc |= check_clean()
    sys.exit(rc)
