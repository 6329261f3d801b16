"""Run every notebook in nbs/ as a test (nbdev's test_nb: `#| slow` cells skipped), in parallel, and count.

Ends with the line `notebooks: N passed, M failed`; exits 1 if any failed. Study notebooks run their
`smoke` profile (MTI_NB_PROFILE, set by `make test`) and write into a temporary results folder
(MTI_NB_RESULTS, set here even where the environment names another), so the committed results/ and a user's own
results folder are never touched by tests. Plain `nbdev_test` behaves the same
(nbdev's test_nb sets IN_TEST, under which mti_nb.core defaults to `smoke` and a temporary results folder) unless
MTI_NB_RESULTS is exported, which wins there: `make nbdev-test` unsets it.
Everything the notebooks write into temporary folders (run records, checkpoints: gigabytes over the suite) lands
in one scratch folder (TMPDIR per notebook), removed at the end unless --keep; the scratch folders of earlier runs
that were killed before their cleanup (their pid is in the name) are removed at the start.
"""
import argparse
import multiprocessing
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


SCRATCH_PREFIX = 'mti_nb_test_'   # the scratch folder: <tmp>/mti_nb_test_<pid of the run>_<random>
KEPT = 'KEPT'                      # a file in a scratch folder kept by --keep: later runs leave the folder alone


def _stale_scratch() -> list[Path]:
    "Scratch folders of test runs whose process no longer exists (a run killed before its cleanup)."
    from mti_nb.safeio import pid_alive
    pat = re.compile(re.escape(SCRATCH_PREFIX) + r'(\d+)_')
    return [p for p in Path(tempfile.gettempdir()).glob(SCRATCH_PREFIX + '*')
            if (m := pat.match(p.name)) and p.is_dir() and not (p / KEPT).exists() and not pid_alive(int(m.group(1)))]


def _run_one(path: str, skip_flags: list[str], scratch: str) -> tuple[str, bool, float]:
    # this worker was spawned; notebooks (DataLoader workers) expect Linux's default start method, as under nbdev_test
    multiprocessing.set_start_method('fork', force=True)
    os.environ['TMPDIR'] = tempfile.mkdtemp(prefix=Path(path).stem + '_', dir=scratch)
    tempfile.tempdir = None   # re-read TMPDIR: the notebook's temporary folders go into the scratch folder
    from nbdev.test import test_nb
    t0 = time.time()
    try:
        ok, _ = test_nb(Path(path), skip_flags=skip_flags, do_print=False, showerr=True, basepath=ROOT)
    except Exception as e:  # noqa: BLE001 - a crash of the runner is a failure of that notebook
        print(f'{path}: runner error {e!r}', flush=True)
        ok = False
    return path, bool(ok), time.time() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('paths', nargs='*', help='notebooks to test (default: every notebook in nbs/)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--slow', action='store_true', help='also run cells marked #| slow')
    ap.add_argument('--keep', action='store_true', help='keep the scratch folder (results, temporary files)')
    args = ap.parse_args()
    nbs = [Path(p).resolve() for p in args.paths] or sorted(
        p for p in (ROOT / 'nbs').rglob('*.ipynb') if '.ipynb_checkpoints' not in p.parts and not p.name.startswith('_'))
    os.environ.setdefault('MTI_NB_PROFILE', 'smoke')
    for old in _stale_scratch():      # left by a run that was killed (gigabytes each): removed before this one adds its own
        shutil.rmtree(old, ignore_errors=True)
        if not old.exists():
            print(f'test_notebooks.py: removed {old}, left by a test run that no longer runs', flush=True)
    scratch = tempfile.mkdtemp(prefix=f'{SCRATCH_PREFIX}{os.getpid()}_')
    if os.environ.get('MTI_NB_RESULTS'):   # a user's own results folder is never where tests write
        print(f'test_notebooks.py: MTI_NB_RESULTS={os.environ["MTI_NB_RESULTS"]} ignored: tests write into a temporary '
              'folder', flush=True)
    os.environ['MTI_NB_RESULTS'] = os.path.join(scratch, 'results')
    os.environ.setdefault('MPLBACKEND', 'Agg')
    if args.workers > 1:  # one BLAS/torch thread per worker: the workers already fill the cores
        os.environ.setdefault('OMP_NUM_THREADS', '1')
    skip = [] if args.slow else ['slow']
    print(f'testing {len(nbs)} notebooks with {args.workers} workers, profile={os.environ["MTI_NB_PROFILE"]}, '
          f'results -> {os.environ["MTI_NB_RESULTS"]}', flush=True)
    passed, failed, t_start = [], [], time.time()
    # a fresh process per notebook: executing a notebook replaces __main__ in its process
    ctx = multiprocessing.get_context('spawn')
    if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:   # SIGTERM ends this run through its cleanup, as Ctrl-C does
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    try:
        with ProcessPoolExecutor(max_workers=max(1, args.workers), mp_context=ctx, max_tasks_per_child=1) as ex:
            try:
                futs = [ex.submit(_run_one, str(p), skip, scratch) for p in nbs]
                for f in as_completed(futs):
                    path, ok, dt = f.result()
                    name = Path(path).relative_to(ROOT)
                    (passed if ok else failed).append(name)
                    print(f'{"ok  " if ok else "FAIL"} {name} ({dt:.0f} s)', flush=True)
            except BaseException:     # stopped or broken: the queued notebooks are not run (the running ones finish)
                ex.shutdown(wait=False, cancel_futures=True)
                raise
        print(f'total {time.time() - t_start:.0f} s')
    finally:                          # also when this run fails or is stopped: the scratch folder holds gigabytes
        if args.keep:
            Path(scratch, KEPT).write_text('kept by tools/test_notebooks.py --keep: later runs leave this folder\n')
            print(f'scratch folder kept: {scratch}')
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    if failed:
        print('failed: ' + ', '.join(map(str, failed)))
    print(f'notebooks: {len(passed)} passed, {len(failed)} failed')
    return 1 if failed or not passed else 0


if __name__ == '__main__':
    sys.exit(main())
