"""The documentation site builds from the notebooks: every page renders with its examples' results, every exported function
has an entry, every internal link resolves, the sidebar lists every page, and the benchmarks page and screenshots are there."""
import ast, re, subprocess, sys, time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit, unquote
import pytest
from conftest import ROOT

SHOTS = ROOT / "nbs" / "screenshots"

@pytest.fixture(scope="module")
def site():
    "Build the site as `make docs` does (in a fresh process), once for this module."
    t = time.time()
    out = subprocess.run([sys.executable, "-c", "from llmops_nb.docs import build_site; print(build_site())"], cwd=ROOT,
                         capture_output=True, text=True, timeout=1800)
    assert out.returncode == 0, out.stderr[-3000:]
    print(f"site built in {time.time() - t:.0f} s")
    return ROOT / "_proc" / "_docs"

class _Page(HTMLParser):
    "The title, ids, links (href/src) and output blocks of one HTML page."
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title, self.ids, self.links, self.in_title, self.outputs, self.errors = "", set(), [], False, 0, 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"): self.ids.add(a["id"])
        if a.get("name") and tag == "a": self.ids.add(a["name"])
        self.links += [(tag, a[k]) for k in ("href", "src") if a.get(k) is not None]
        cls = (a.get("class") or "").split()
        self.outputs += "cell-output" in cls
        self.errors += "cell-output-error" in cls
        self.in_title = self.in_title or tag == "title"
    def handle_endtag(self, tag):
        if tag == "title": self.in_title = False
    def handle_data(self, data):
        if self.in_title: self.title += data

def _parse(path: Path) -> _Page:
    p = _Page(); p.feed(path.read_text()); return p

@pytest.fixture(scope="module")
def pages(site):
    "Every HTML page of the site (not the vendored libraries), parsed."
    return {p: _parse(p) for p in sorted(site.rglob("*.html")) if "site_libs" not in p.parts}

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

def test_every_page_renders(pages):
    "Each page has a body, a title, and no Python traceback among its outputs."
    assert len(pages) >= len(list((ROOT / "nbs").glob("*.ipynb")))
    for path, p in pages.items():
        text = path.read_text()
        assert len(text) > 2000 and "<main" in text, f"{path.name}: empty page"
        assert p.title.strip(), f"{path.name}: no <title>"
        assert p.errors == 0 and "Traceback (most recent call last)" not in text, f"{path.name}: a Python traceback in an output"

def test_internal_links_resolve(site, pages):
    "Every local href/src (pages, anchors, images, scripts, styles) points at a file that exists, and every #anchor at an id."
    bad = []
    for path, p in pages.items():
        for tag, link in p.links:
            u = urlsplit(link)
            if u.scheme or link.startswith("//") or not link: continue   # external (http, https, mailto, data)
            target = path if not u.path else (path.parent / unquote(u.path)).resolve()
            if target.is_dir(): target = target / "index.html"
            if not target.exists(): bad.append(f"{path.name}: <{tag}> {link} (no such file)"); continue
            if u.fragment and target.suffix == ".html":
                ids = pages[target].ids if target in pages else _parse(target).ids
                if unquote(u.fragment) not in ids: bad.append(f"{path.name}: <{tag}> {link} (no id {u.fragment!r})")
    assert not bad, "\n".join(bad[:40])

def _example_outputs(html: str) -> list:
    "The output HTML of each example cell (code shown, then outputs) on a page; show_doc entries (no code) are not counted."
    cells = re.split(r'<div[^>]*\bclass="cell"', html)[1:]
    return [c[c.index("cell-output"):] for c in cells if "cell-code" in c and "cell-output" in c]

def test_pages_show_example_outputs(site, pages):
    "The examples' results are on the pages: render, store, templates and others show example outputs; most pages show some."
    for stem in ("00a_render", "01_store", "04_templates", "04a_registry", "05_loading", "08_train", "07c_ratings", "10_data_explorer"):
        assert _example_outputs((site / f"{stem}.html").read_text()), f"{stem}: no example outputs"
    with_outputs = [p for p in pages if _example_outputs(p.read_text())]
    assert len(with_outputs) >= len(pages) * 0.6, f"only {len(with_outputs)} of {len(pages)} pages show example outputs"

def test_outputs_hold_results(site):
    "Known results appear in output blocks, not only in code: a rendered template, a store's repr, an escaped table and a word diff."
    outs = lambda stem: " ".join(_example_outputs((site / f"{stem}.html").read_text()))
    assert "You are a careful translator into French." in outs("04_templates")
    assert "<strong>Store</strong> <code>sqlite:" in outs("01_store")
    render = outs("00a_render")
    assert "<table" in render and "&lt;script&gt;window.__xss=2&lt;/script&gt;" in render and "<ins>" in render

def test_widgets_and_figures_are_static(site, pages):
    "Widgets are drawn still (no bare Python repr), and plotly figures load plotly.js from the site."
    for path, p in pages.items():
        text = path.read_text()
        assert not re.search(r"<code>(VBox|HBox|Tab|Output|FigureWidget)\(children=", text), f"{path.name}: a widget shown as its Python repr"
        assert "application/vnd.jupyter.widget-view+json" not in text, path.name
        if "class=\"plotly-graph-div\"" in text: assert 'src="site_libs/plotly/plotly.min.js"' in text, path.name
    assert (site / "site_libs" / "plotly" / "plotly.min.js").stat().st_size > 1_000_000
    for stem in ("10_data_explorer", "11_playground", "13_rater", "14_finetune_launcher"):   # views shown in fast examples
        assert 'class="llmops-static-widget"' in (site / f"{stem}.html").read_text(), f"{stem}: no still picture of its widget"
    assert 'class="plotly-graph-div"' in (site / "14_finetune_launcher.html").read_text()

def test_sidebar_lists_every_page(site, pages):
    "The navigation on every page links to every notebook's page."
    want = {f"{nb.stem}.html" for nb in (ROOT / "nbs").glob("*.ipynb")}
    for path, p in pages.items():
        linked = {Path(urlsplit(l).path).name for tag, l in p.links if tag == "a" and not urlsplit(l).scheme}
        assert want <= linked, f"{path.name}: sidebar misses {sorted(want - linked)}"

def test_benchmarks_page(site):
    "The benchmarks page names every bench script (each records its figures in a notebook's Performance section), with its page and machine."
    page = (site / "98_benchmarks.html").read_text()
    scripts = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "bench").glob("*.py"))
    assert scripts
    for b in scripts: assert f"<code>{b}</code>" in page, f"{b}: no figures recorded in any notebook's Performance section"
    assert "<th>machine</th>" in page and "Sapphire Rapids" in page
    assert 'href="03_generate.html#performance"' in page

def test_screenshots_embedded_when_present(site):
    "A widget page (and the tour) shows the browser tests' screenshot when the PNG exists, and no image link when it does not."
    from llmops_nb.docs import SHOTS as names
    have = {p.stem for p in SHOTS.glob("*.png")} & set(names)
    index = (site / "index.html").read_text()
    for name in names:
        pages = [p for p in site.glob("*.html") if re.sub(r"^\d+[a-z]?_", "", p.stem) == name]
        ref = f"screenshots/{name}.png"
        if name in have:
            assert (site / ref).exists() and ref in index, name
            for p in pages: assert ref in p.read_text(), p.name
        else:
            assert ref not in index and not any(ref in p.read_text() for p in pages), f"{name}: an image link without its file"

def test_readme_is_generated_from_index():
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("<!-- generated from nbs/index.ipynb")
    assert "make test" in readme and "make lab" in readme
