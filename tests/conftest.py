"Shared set-up for the integration tests: offline, quiet, and a throwaway LLMOPS_HOME."
import os, sys, json, subprocess, time, urllib.request
from pathlib import Path
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["LLMOPS_PROGRESS"] = "0"
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

@pytest.fixture()
def home(tmp_path, monkeypatch):
    "A fresh LLMOPS_HOME (and so a fresh SQLite store) for one test."
    monkeypatch.setenv("LLMOPS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LLMOPS_DB_URL", raising=False)
    return tmp_path / "home"

def free_port() -> int:
    "A free TCP port on 127.0.0.1."
    import socket
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def run_cli(*args, env=None, timeout=600):
    "Run the installed `llmops-nb` console script; returns the CompletedProcess."
    return subprocess.run([str(BIN / "llmops-nb"), *args], capture_output=True, text=True, env=env or os.environ.copy(), timeout=timeout)

# --- JupyterLab + Chromium, one of each for the whole session (the browser tests) ---
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
LAB_SETTINGS = {   # JupyterLab user settings: render every cell (no windowing), nothing fetched from the internet
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {"fetchNews": "false", "checkForUpdates": False},
    "@jupyterlab/extensionmanager-extension/plugin.jupyterlab-settings": {"enabled": False},
}

def _ensure_chromium():
    if not Path(CHROMIUM).exists():
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True)

def notebook_json(cells: list) -> dict:
    "An nbformat-4 notebook (a dict) of code `cells` (strings)."
    return {"cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None, "id": f"c{i}"} for i, c in enumerate(cells)],
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}

class Lab:
    "A running JupyterLab: `url`, `token`, `root` (the folder it serves); `folder`, `notebook` and `open` for tests."
    def __init__(self, url, token, root, browser): self.url, self.token, self.root, self.browser = url, token, root, browser

    def folder(self, name: str) -> Path:
        "A fresh folder `name` under the served root: a notebook there gets its own store (`.llmops/` beside it)."
        d = self.root / name; d.mkdir(parents=True, exist_ok=False); return d

    def notebook(self, path: Path, cells: list) -> Path:
        "Write a notebook of code `cells` (strings) at `path` (under `root`)."
        path.write_text(json.dumps(notebook_json(cells))); return path

    def open(self, path: Path, width: int = 1400, height: int = 1600):
        "A new page with the notebook at `path` open and its kernel ready; console errors collect in `page.errors`."
        page = self.browser.new_page(viewport={"width": width, "height": height})
        page.errors = []
        page.on("console", lambda m: m.type == "error" and page.errors.append(f"console: {m.text} @ {m.location.get('url', '')}"))
        page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
        rel = path.relative_to(self.root).as_posix()
        self.pages = getattr(self, "pages", 0) + 1    # a fresh workspace per page: no tab of an earlier test comes back
        page.goto(f"{self.url}/lab/workspaces/t{self.pages}/tree/{rel}?token={self.token}&reset", timeout=120_000)
        page.wait_for_function("window.jupyterapp && window.jupyterapp.shell.currentWidget && window.jupyterapp.shell.currentWidget.sessionContext", timeout=120_000)
        page.evaluate("async () => { const w = window.jupyterapp.shell.currentWidget; await w.context.ready; await w.sessionContext.ready; }")
        page.wait_for_function("() => { const k = window.jupyterapp.shell.currentWidget.sessionContext.session?.kernel; return k && k.status === 'idle'; }", timeout=120_000)
        return page

def run_all(page, timeout: float = 600):
    "Run every cell of the page's notebook and wait until all have run; raises with the first error output."
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function("""() => { const nb = window.jupyterapp.shell.currentWidget, cells = nb.content.widgets.filter(c => c.model.type === 'code' && c.model.sharedModel.getSource().trim());
        const k = nb.sessionContext.session?.kernel;
        const err = cells.some(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'));
        return err || (k && k.status === 'idle' && cells.every(c => c.model.executionCount !== null && c.promptNode.innerText.trim() !== '[*]:')); }""",
                           timeout=timeout * 1000, polling=500)
    errs = page.evaluate("""() => window.jupyterapp.shell.currentWidget.content.widgets.filter(c => c.model.type === 'code')
        .flatMap(c => c.model.outputs.toJSON().filter(o => o.output_type === 'error').map(o => o.ename + ': ' + o.evalue + '\\n' + (o.traceback || []).join('\\n')))""")
    if errs: raise AssertionError("a cell failed:\n" + errs[0][-4000:])

def screenshot(page, name: str) -> Path:
    "Save a full-page screenshot of `page` as tests/_artifacts/NAME.png (on failure too, to see what the browser showed)."
    out = ROOT / "tests" / "_artifacts"; out.mkdir(exist_ok=True)
    page.screenshot(path=str(out / f"{name}.png"), full_page=True)
    return out / f"{name}.png"

@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    "One headless JupyterLab (127.0.0.1, with a token, windowing off) and one Chromium for the whole session."
    import secrets
    from playwright.sync_api import sync_playwright
    _ensure_chromium()
    d = tmp_path_factory.mktemp("jupyterlab")
    root, settings = d / "root", d / "settings"
    root.mkdir()
    for f, v in LAB_SETTINGS.items(): (settings / f).parent.mkdir(parents=True, exist_ok=True); (settings / f).write_text(json.dumps(v))
    token, port = secrets.token_hex(16), free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("LLMOPS_HOME", "LLMOPS_DB_URL")}   # each notebook's store: .llmops/ beside it
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", LLMOPS_PROGRESS="0", JUPYTER_PLATFORM_DIRS="1", PYTHONPATH=str(ROOT),
               JUPYTERLAB_SETTINGS_DIR=str(settings), JUPYTERLAB_WORKSPACES_DIR=str(d / "workspaces"), JUPYTER_RUNTIME_DIR=str(d / "runtime"))
    log = open(d / "lab.log", "w")
    proc = subprocess.Popen([str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
                             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}", "--LabApp.expose_app_in_browser=True"],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(240):
        try: urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2); break
        except OSError:
            if proc.poll() is not None: break
            time.sleep(0.5)
    else: proc.kill(); proc.wait()
    if proc.poll() is not None: raise RuntimeError("JupyterLab did not start: " + (d / "lab.log").read_text()[-2000:])
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            yield Lab(url, token, root, browser)
            browser.close()
    finally:
        proc.terminate()
        try: proc.wait(20)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()
