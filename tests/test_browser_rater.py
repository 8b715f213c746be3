"The Rater in a real JupyterLab, driven by headless Chromium with the keyboard: three ratings land in the store, hostile text stays inert."
import json, time
from conftest import run_all, screenshot

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

def _wait_state(page, text, state="saved", timeout=60_000):
    page.wait_for_function(f"""() => {{ const r = document.querySelector('.llmops-rater');
        const s = r && r.querySelector('[data-role=status]');
        return r && r.innerText.includes({json.dumps(text)}) && s && s.dataset.state === {json.dumps(state)}; }}""", timeout=timeout)

def test_rater_keyboard_in_jupyterlab(lab):
    from llmops_nb.store import Store
    d = lab.folder("rater")
    db = f"sqlite:///{d}/ratings.db"
    page = lab.open(lab.notebook(d / "rater.ipynb", _cells(db)))
    run_all(page)
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
                       && r.querySelector('[data-role=status]').dataset.state === 'saved'; }}""", timeout=60_000)
    except Exception:
        screenshot(page, "jupyterlab_rater_failed")
        raise AssertionError("the Rater did not reach the expected state; page text: " + page.evaluate("document.body.innerText")[-3000:])
    time.sleep(1)
    screenshot(page, "jupyterlab_rater")
    xss = page.evaluate("window.__xss")
    cells = page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets.map(c => c.model.type)")
    text = page.evaluate("document.querySelector('.llmops-rater').innerText")
    page.close()
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
