"The documentation site builds from the notebooks, with an API entry for every exported function."
import ast, re, subprocess
from pathlib import Path
import pytest
from conftest import ROOT

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = subprocess.run(["make", "-s", "docs"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr[-2000:]
    return ROOT / "_proc" / "_docs"

def _exported(mod_path):
    "Public functions and classes in a generated module's `__all__`."
    tree = ast.parse(Path(mod_path).read_text())
    defs = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__":
            return [n for n in (ast.literal_eval(e) for e in node.value.elts) if n in defs]
    return []

def test_every_notebook_has_a_page(site):
    for nb in (ROOT / "nbs").glob("*.ipynb"):
        assert (site / f"{nb.stem}.html").exists(), nb.name

def test_every_public_function_is_documented(site):
    for nb in (ROOT / "nbs").glob("[0-9]*.ipynb"):
        src = (ROOT / "nbs" / nb.name).read_text()
        m = re.search(r"#\| default_exp ([\w.]+)", src)
        if not m: continue
        mod = ROOT / "llmops_nb" / (m.group(1).replace(".", "/") + ".py")
        page = (site / f"{nb.stem}.html").read_text()
        missing = [n for n in _exported(mod) if f'id="{n.lower()}"' not in page]
        assert not missing, f"{nb.name}: no doc entry for {missing}"

def test_readme_is_generated_from_index():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("<!-- generated from nbs/index.ipynb")
    assert "make test" in readme and "make lab" in readme
