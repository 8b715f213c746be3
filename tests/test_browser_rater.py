"The Rater in a real JupyterLab, driven by headless Chromium with the keyboard: three ratings land in the store, hostile text stays inert."
import json, os, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import ROOT, BIN, free_port
from test_browser import CHROMIUM, FLAGS, _ensure_chromium

XSS = ['<img src=x onerror="window.__xss=1">', "<script>window.__xss=2</script>", '<svg onload="window.__xss=3">',
       "![pic](javascript:window.__xss=4) [click](javascript:window.__xss=5)"]
EVIL_NAME = '<img src=x onerror="window.__xss=6">'
EVIL_COMMENT = '<img src=y onerror="window.__xss=7"> <script>window.__xss=8</script>'

def _cells(db):
    return [
        "import os\nos.environ['LLMOPS_PROGRESS'] = '0'\nimport pandas as pd\n"
        "from llmops_nb.rater import Rater\nfrom llmops_nb.ratings import Ratings\nfrom llmops_nb.store import Store",
        f"df = pd.DataFrame(dict(prompt={XSS[:3]!r}, output=[{XSS[3]!r}, 'plain **bold** answer', {XSS[0]!r}]))\n"
        f"rater = Rater(df, 'scale', annotator={EVIL_NAME!r}, ratings=Ratings(Store({db!r})), guidelines={XSS[1]!r} + ' Rate **clarity**.')\nrater",
        "pairs = [dict(prompt=f'Pair {i}: which is better?', a=f'answer A{i} `code`', b=f'answer B{i}', models=['m1', 'm2']) for i in range(3)]\n"
        f"Rater(pairs, 'pairwise', annotator='pat', ratings=Ratings(Store({db!r})))",
        "print('all cells ran')",
    ]

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    _ensure_chromium()
    d = tmp_path_factory.mktemp("rlab")
    db = f"sqlite:///{d}/ratings.db"
    nb = {"cells": [{"cell_type": "code", "metadata": {}, "source": c, "outputs": [], "execution_count": None, "id": f"c{i}"} for i, c in enumerate(_cells(db))],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, "nbformat_minor": 5}
    (d / "rater.ipynb").write_text(json.dumps(nb))
    port = free_port()
    env = dict(os.environ, LLMOPS_HOME=str(d / "home"), HF_HUB_OFFLINE="1", JUPYTER_PLATFORM_DIRS="1", PYTHONPATH=str(ROOT))
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
    yield url, d, db
    proc.terminate()
    try: proc.wait(20)
    except subprocess.TimeoutExpired: proc.kill()

def _wait_state(page, text, state="saved", timeout=30_000):
    page.wait_for_function(f"""() => {{ const r = document.querySelector('.llmops-rater');
        const s = r && r.querySelector('[data-role=status]');
        return r && r.innerText.includes({json.dumps(text)}) && s && s.dataset.state === {json.dumps(state)}; }}""", timeout=timeout)

def test_rater_keyboard_in_jupyterlab(lab):
    from playwright.sync_api import sync_playwright
    from llmops_nb.store import Store
    url, d, db = lab
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1600})
        page.goto(f"{url}/lab/tree/rater.ipynb", timeout=120_000)
        page.wait_for_function("window.jupyterapp && document.querySelector('.jp-Notebook')", timeout=120_000)
        page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", state="attached", timeout=120_000)
        ran = "document.body.innerText.includes('all cells ran')"
        for attempt in range(4):   # the command is ignored until the notebook's kernel is ready: ask again
            time.sleep(5)
            page.evaluate("() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }")
            try: page.wait_for_function(ran, timeout=60_000); break
            except Exception:
                if attempt == 3: raise
        try:
            page.wait_for_selector(".llmops-rater", timeout=60_000)
            _wait_state(page, "item 1 of 3")
            page.click(".llmops-rater .bar")                 # focus the widget, as a user clicks it
            page.keyboard.press("4"); _wait_state(page, "item 2 of 3")
            page.keyboard.press("5"); _wait_state(page, "item 3 of 3")
            page.keyboard.press("c")
            page.wait_for_selector(".llmops-rater textarea[data-role=comment]:not([hidden])")
            page.keyboard.type(EVIL_COMMENT); page.keyboard.press("Enter")
            _wait_state(page, "comment kept")
            page.keyboard.press("2"); _wait_state(page, "rated 2")
            pair = ".llmops-rater >> nth=1"
            page.click(f"{pair} >> .bar")
            lefts = []
            for k, key in enumerate(("a", "b", "t"), 1):
                lefts.append(page.evaluate("document.querySelectorAll('.llmops-rater')[1].querySelector('.out b').parentElement.innerText"))
                page.keyboard.press(key)
                page.wait_for_function(f"""() => {{ const r = document.querySelectorAll('.llmops-rater')[1];
                    return r.innerText.includes('item {min(k + 1, 3)} of 3') && r.innerText.includes('rated {k} ·')
                           && r.querySelector('[data-role=status]').dataset.state === 'saved'; }}""", timeout=30_000)
        except Exception:
            shot = ROOT / "tests" / "_artifacts"; shot.mkdir(exist_ok=True)
            page.screenshot(path=str(shot / "jupyterlab_rater_failed.png"), full_page=True)
            raise AssertionError("the Rater did not reach the expected state; page text: " + page.evaluate("document.body.innerText")[-3000:])
        time.sleep(1)
        shot = ROOT / "tests" / "_artifacts"; shot.mkdir(exist_ok=True)
        page.screenshot(path=str(shot / "jupyterlab_rater.png"), full_page=True)
        xss = page.evaluate("window.__xss")
        cells = page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets.map(c => c.model.type)")
        text = page.evaluate("document.querySelector('.llmops-rater').innerText")
        browser.close()
    assert xss is None, f"a payload ran in the page (window.__xss={xss})"
    assert cells == ["code"] * 4, cells                 # no key reached the notebook: a/b would add cells, digits make headings     # the digits did not reach the notebook (they would turn cells into headings)
    pairs = Store(db).rows("ratings", annotator="pat")
    want = [("a" if "A0" in lefts[0] else "b"), ("b" if "A1" in lefts[1] else "a"), "tie"]   # a = the left one, b = the right one
    assert [json.loads(r["value"]) for r in pairs] == want, (lefts, pairs)
    assert [r["left"] for r in pairs] == [("a" if f"A{i}" in lefts[i] else "b") for i in range(3)]
    rows = Store(db).rows("ratings", schema="scale")
    assert [json.loads(r["value"]) for r in rows] == [4, 5, 2]
    assert {r["annotator"] for r in rows} == {EVIL_NAME} and rows[-1]["comment"] == EVIL_COMMENT
    assert all(r["seconds"] > 0 and r["supersedes"] is None for r in rows)
    assert EVIL_NAME in text and "Rate clarity" in text   # hostile text shown as text
