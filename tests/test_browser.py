"The widgets in a real JupyterLab, rendered by headless Chromium: hostile text stays inert, and widgets draw before any model loads."
import time
from conftest import run_all, screenshot

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

def test_widgets_render_escaped_in_jupyterlab(lab):
    page = lab.open(lab.notebook(lab.folder("xss") / "xss.ipynb", CELLS), height=2400)
    run_all(page)
    page.wait_for_selector(".widget-tab", state="attached", timeout=60_000)
    time.sleep(1)
    screenshot(page, "jupyterlab_widgets")
    text = page.evaluate("document.body.innerText")
    xss = page.evaluate("window.__xss")
    errors = page.evaluate("Array.from(document.querySelectorAll('.jp-OutputArea-output[data-mime-type=\"application/vnd.jupyter.stderr\"]')).map(e => e.innerText)")
    page.close()
    assert xss is None, f"a payload ran in the page (window.__xss={xss})"
    assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
    assert "a plain row" in text                      # the explorer's table drew
    for payload in XSS: assert payload in text         # hostile text shown as text
    assert "torch loaded: False" in text              # explorer and playground drew before any model loaded
