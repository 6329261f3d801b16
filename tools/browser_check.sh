#!/usr/bin/env bash
# Real-browser check of the attention-mask explorer (not part of the default tests; `make browser-check`).
#
# Installs Debian's chromium (apt) and the Playwright driver (pip, into its own venv; no browser download:
# Playwright drives /usr/bin/chromium), starts JupyterLab on localhost with a token, opens a copy of
# nbs/attention_masks.ipynb, runs all cells, changes the explorer's scale, target and stretch controls as a user
# would (each change must redraw the figure),
# and saves a screenshot of the live explorer to results/attention_explorer.png, then one with the first
# target task (segmentation: the class legend) to results/attention_explorer_semseg.png.
#
# Environment: MTI_NB_PROFILE (default smoke: seconds; demo: uses the demo MTI-Net recorded in results/),
# MTI_NB_RESULTS (default: a temporary folder for smoke, results/ otherwise), SHOT (screenshot path; default: the
# temporary folder for smoke, results/attention_explorer.png otherwise),
# CHROMIUM (default /usr/bin/chromium), PW_VENV (Playwright venv, default ~/.cache/mti_nb/playwright-venv),
# PORT (default: a free port), TIMEOUT_S (default 600).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PROFILE="${MTI_NB_PROFILE:-smoke}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
PW_VENV="${PW_VENV:-$HOME/.cache/mti_nb/playwright-venv}"
TIMEOUT_S="${TIMEOUT_S:-600}"
WORK="$(mktemp -d /tmp/mti_nb_browser.XXXXXX)"
# a smoke model's screenshot never replaces the committed ones (made with the demo model)
if [ "$PROFILE" = smoke ]; then SHOT="${SHOT:-$(mktemp -d /tmp/mti_nb_shot.XXXXXX)/attention_explorer.png}"; else SHOT="${SHOT:-$ROOT/results/attention_explorer.png}"; fi
if [ -z "${MTI_NB_RESULTS:-}" ] && [ "$PROFILE" = smoke ]; then MTI_NB_RESULTS="$WORK/results"; fi
export MTI_NB_PROFILE="$PROFILE"
if [ -n "${MTI_NB_RESULTS:-}" ]; then export MTI_NB_RESULTS; fi

# 1. the browser: Debian's chromium
if [ ! -x "$CHROMIUM" ]; then
  echo "installing chromium with apt-get ..."
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core
fi
# 2. the driver: Playwright's Python package in its own venv (the project's environment is not touched)
if [ ! -x "$PW_VENV/bin/python" ] || ! "$PW_VENV/bin/python" -c 'import playwright' 2>/dev/null; then
  echo "installing playwright (driver only) into $PW_VENV ..."
  python3 -m venv "$PW_VENV"
  "$PW_VENV/bin/pip" install -q 'playwright>=1.40,<2'
fi

# 3. JupyterLab on localhost, serving a copy of the notebook (the committed notebook stays clean)
cp "$ROOT/nbs/attention_masks.ipynb" "$WORK/attention_masks.ipynb"
PORT="${PORT:-$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
TOKEN="$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
# JupyterLab settings of this session only: render every cell (no windowing: the explorer must stay in the DOM
# while later cells run) and no news fetching
SETTINGS="$WORK/lab-user-settings"
mkdir -p "$SETTINGS/@jupyterlab/notebook-extension" "$SETTINGS/@jupyterlab/apputils-extension"
echo '{"windowingMode": "none"}' > "$SETTINGS/@jupyterlab/notebook-extension/tracker.jupyterlab-settings"
echo '{"fetchNews": "false", "checkForUpdates": false}' > "$SETTINGS/@jupyterlab/apputils-extension/notification.jupyterlab-settings"
JUPYTERLAB_SETTINGS_DIR="$SETTINGS" JUPYTERLAB_WORKSPACES_DIR="$WORK/lab-workspaces" \
"$PY" -m jupyter lab --no-browser --ip=127.0.0.1 --port="$PORT" --ServerApp.root_dir="$WORK" \
  --IdentityProvider.token="$TOKEN" --LabApp.expose_app_in_browser=True --ServerApp.allow_root=True \
  > "$WORK/jupyter.log" 2>&1 &
JPID=$!
cleanup() {
  local rc=$?
  kill "$JPID" 2>/dev/null || true; wait "$JPID" 2>/dev/null || true
  if [ "$rc" = 0 ]; then rm -rf "$WORK"; else echo "browser check FAILED (exit $rc); logs and screenshots kept in $WORK" >&2; fi
}
trap cleanup EXIT
for _ in $(seq 60); do
  curl -sf "http://127.0.0.1:$PORT/api/status?token=$TOKEN" >/dev/null 2>&1 && break; sleep 1
done
curl -sf "http://127.0.0.1:$PORT/api/status?token=$TOKEN" >/dev/null || { cat "$WORK/jupyter.log"; exit 1; }
echo "JupyterLab on port $PORT (profile $PROFILE, results ${MTI_NB_RESULTS:-results/}); log: $WORK/jupyter.log"

# 4. the browser session
mkdir -p "$(dirname "$SHOT")"
URL="http://127.0.0.1:$PORT/lab/tree/attention_masks.ipynb?token=$TOKEN" CHROMIUM="$CHROMIUM" SHOT="$SHOT" \
PROFILE_DIR="$WORK/chromium-profile" TIMEOUT_S="$TIMEOUT_S" "$PW_VENV/bin/python" - <<'EOF'
import os, sys, time
from playwright.sync_api import sync_playwright

url, shot, timeout = os.environ['URL'], os.environ['SHOT'], float(os.environ['TIMEOUT_S']) * 1000
flags = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage']


PAGE = None


def output_image(page):
    "The src of the figure inside the explorer's output area (None until drawn)."
    img = page.locator('.widget-vbox .widget-output img').first
    return img.get_attribute('src') if img.count() else None


def main(p):
    ctx = p.chromium.launch_persistent_context(os.environ['PROFILE_DIR'], executable_path=os.environ['CHROMIUM'],
                                               headless=True, args=flags, viewport={'width': 1500, 'height': 1100})
    global PAGE
    page = PAGE = ctx.pages[0] if ctx.pages else ctx.new_page()
    page.set_default_timeout(timeout)
    page.goto(url)
    page.wait_for_selector('.jp-NotebookPanel .jp-Cell', timeout=120_000)
    page.wait_for_function('window.jupyterapp && window.jupyterapp.commands.hasCommand("notebook:run-all-cells")')
    page.wait_for_function('() => { const w = window.jupyterapp.shell.currentWidget;'
                           ' const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;'
                           ' return k && k.status === "idle"; }', timeout=120_000)
    t0 = time.time()
    page.evaluate('window.jupyterapp.commands.execute("notebook:run-all-cells")')
    page.wait_for_selector('.widget-vbox .widget-output img')             # the explorer has drawn its figure
    print(f'notebook ran, explorer drawn after {time.time() - t0:.0f} s', flush=True)
    errors = page.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]:has-text("Error")')
    if errors.count():
        print('error output in the notebook:\n' + errors.first.inner_text()[:2000]); sys.exit(1)
    page.locator('.widget-vbox').first.scroll_into_view_if_needed()
    before = output_image(page)
    scale = page.locator('.widget-dropdown', has=page.locator('label', has_text='scale')).locator('select')
    options = scale.locator('option').all_inner_texts()
    pick = '1/8' if '1/8' in options else options[0]
    scale.select_option(label=pick)                                        # a user's change of a control
    page.wait_for_function('b => { const i = document.querySelector(".widget-vbox .widget-output img");'
                           ' return i && i.getAttribute("src") !== b; }', arg=before)
    target = page.locator('.widget-dropdown', has=page.locator('label', has_text='target task')).locator('select')
    tasks = target.locator('option').all_inner_texts()
    if len(tasks) > 1:
        mid = output_image(page)
        target.select_option(label=tasks[1])
        page.wait_for_function('b => { const i = document.querySelector(".widget-vbox .widget-output img");'
                               ' return i && i.getAttribute("src") !== b; }', arg=mid)
    stretch = page.locator('.widget-checkbox', has_text='stretch masks').locator('input')
    if stretch.count():
        mid = output_image(page)
        stretch.check()
        page.wait_for_function('b => { const i = document.querySelector(".widget-vbox .widget-output img");'
                               ' return i && i.getAttribute("src") !== b; }', arg=mid)
    time.sleep(1)
    explorer = page.locator('.widget-vbox').first
    explorer.scroll_into_view_if_needed()
    explorer.screenshot(path=shot)
    print(f'scale set to {pick}, target to {tasks[1] if len(tasks) > 1 else tasks[0]}, masks stretched; the figure '
          f'was redrawn each time; screenshot: {shot}')
    if len(tasks) > 1:                                                     # and the first target (segmentation:
        mid = output_image(page)                                           # the class legend), masks unstretched
        target.select_option(label=tasks[0])
        page.wait_for_function('b => { const i = document.querySelector(".widget-vbox .widget-output img");'
                               ' return i && i.getAttribute("src") !== b; }', arg=mid)
        mid = output_image(page)
        stretch.uncheck()
        page.wait_for_function('b => { const i = document.querySelector(".widget-vbox .widget-output img");'
                               ' return i && i.getAttribute("src") !== b; }', arg=mid)
        time.sleep(1)
        second = shot[:-4] + f'_{tasks[0]}.png' if shot.endswith('.png') else shot + f'_{tasks[0]}'
        explorer.scroll_into_view_if_needed()
        explorer.screenshot(path=second)
        print(f'target set back to {tasks[0]}, masks on [0, 1]; screenshot: {second}')
    ctx.close()


with sync_playwright() as p:
    try:
        main(p)
    except Exception:
        fail = os.path.join(os.path.dirname(os.environ['PROFILE_DIR']), 'failure.png')
        if PAGE:
            PAGE.screenshot(path=fail, full_page=True)
            texts = PAGE.locator('.jp-OutputArea-output').all_inner_texts()
            print('notebook outputs so far:\n' + '\n---\n'.join(t[:800] for t in texts), file=sys.stderr)
            print(f'screenshot of the failure: {fail}', file=sys.stderr)
        raise
EOF
