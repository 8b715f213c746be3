"The widgets in a real JupyterLab, rendered by headless Chromium: hostile text stays inert, and widgets draw before any model loads."
import json, os, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import ROOT, BIN, free_port

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]

def _ensure_chromium():
    if not Path(CHROMIUM).exists():
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, capture_output=True)

XSS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>", '<svg onload="window.__xss=3">']
CELLS = [
    "import os, sys, pandas as pd\nos.environ['LLMOPS_PROGRESS'] = '0'\n"
    "from llmops_nb.data_explorer import DataExplorer\nfrom llmops_nb.playground import PromptPlayground",
    f"df = pd.DataFrame({{'text': {XSS!r} + ['a plain row'], 'label': ['x', 'y', 'x', 'y']}})\nDataExplorer(df, text='text')",
    f"PromptPlayground(['tiny-random'], template={XSS[0]!r} + ' {{{{ question }}}}')",
    "print('torch loaded:', 'torch' in sys.modules)",
    "from llmops_nb.comparison_widget import ModelComparison\n"
    f"ModelComparison(['tiny-random'], prompts={XSS!r}, references={XSS!r}, max_new_tokens=4)",
    "print('all cells ran')",
]

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _ensure_chromium()
    d = tmp_path_factory.mktemp("lab")
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None, "id": f"c{i}"} for i, c in enumerate(CELLS)],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (d / "xss.ipynb").write_text(json.dumps(nb))
    port = free_port()
    env = dict(os.environ, LLMOPS_HOME=str(d / "home"), HF_HUB_OFFLINE="1", JUPYTER_PLATFORM_DIRS="1")
    proc = subprocess.Popen([str(BIN / "jupyter"), "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1", "--allow-root",
                             "--ServerApp.token=", "--ServerApp.password=", f"--ServerApp.root_dir={d}",
                             "--LabApp.expose_app_in_browser=True", "--ServerApp.disable_check_xsrf=True"],
                            env=env, stdout=open(d / "lab.log", "w"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try: urllib.request.urlopen(f"{url}/api/status", timeout=2); break
        except OSError: time.sleep(0.5)
    else:
        proc.kill(); raise RuntimeError("JupyterLab did not start: " + (d / "lab.log").read_text()[-2000:])
    yield url, d
    proc.terminate()
    try: proc.wait(20)
    except subprocess.TimeoutExpired: proc.kill()

def test_widgets_render_escaped_in_jupyterlab(lab, tmp_path):
    from playwright.sync_api import sync_playwright
    url, d = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 2400})
        page.goto(f"{url}/lab/tree/xss.ipynb", timeout=120_000)
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=120_000)
        ran = "document.body.innerText.includes('all cells ran')"
        for attempt in range(4):   # the command is ignored until the notebook's kernel is ready: ask again
            time.sleep(5)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            try: page.wait_for_function(ran, timeout=60_000); break
            except Exception:
                if attempt == 3: raise
        page.wait_for_selector(".widget-tab", state="attached", timeout=60_000)
        time.sleep(2)
        shot = ROOT / "tests" / "_artifacts"; shot.mkdir(exist_ok=True)
        page.screenshot(path=str(shot / "jupyterlab_widgets.png"), full_page=True)
        text = page.evaluate("document.body.innerText")
        xss = page.evaluate("window.__xss")
        errors = page.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')).map(e => e.innerText)")
        browser.close()
    assert xss is None, f"a payload ran in the page (window.__xss={xss})"
    assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
    assert "a plain row" in text                      # the explorer's table drew
    for payload in XSS: assert payload in text         # hostile text shown as text
    assert "torch loaded: False" in text              # explorer and playground drew before any model loaded
