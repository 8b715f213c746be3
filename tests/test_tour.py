"The tour runs headless on a fresh store: `llmops-nb tour --out DIR` executes nbs/index.ipynb top to bottom on the real models."
import json, time
import pytest
from conftest import ROOT, run_cli

@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    out = tmp_path_factory.mktemp("tour")
    t0 = time.perf_counter()
    r = run_cli("tour", "--out", str(out), timeout=2400)
    secs = time.perf_counter() - t0
    print(f"\nllmops-nb tour: {secs:.0f} s\n{r.stdout[-3000:]}")
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    return out

def test_one_progress_line_per_code_cell(tour):
    nb = json.loads((tour / "tour.ipynb").read_text())
    assert all(c["cell_type"] != "code" or c["execution_count"] for c in nb["cells"]), "a code cell did not run"

def test_no_error_output(tour):
    nb = json.loads((tour / "tour.ipynb").read_text())
    errs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"] if o["output_type"] == "error"]
    assert not errs, errs[0]["ename"] if errs else ""
    assert "Traceback" not in (tour / "tour.html").read_text()

def test_html_holds_every_widget(tour):
    html = (tour / "tour.html").read_text()
    nb = json.loads((tour / "tour.ipynb").read_text())
    state = nb["metadata"]["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    views = [o["data"]["application/vnd.jupyter.widget-view+json"]["model_id"] for c in nb["cells"] if c["cell_type"] == "code"
             for o in c["outputs"] if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) >= 8 and all(v in state for v in views), (len(views), [v for v in views if v not in state])
    assert "application/vnd.jupyter.widget-state+json" in html
    for text in ("Selection → Playground", "Save version", "Prefer A", "Launch", "Compare with base", "Run on data"):
        assert text in html or json.dumps(text)[1:-1] in html, text

def test_store_holds_what_the_tour_made(tour):
    from llmops_nb.store import Store
    st = Store(f"sqlite:///{tour / 'home' / 'llmops.db'}")
    calls = st.frame("calls")
    assert {"smollm2-135m-instruct", "gemma3-270m"} <= set(calls.model.str.split("+").str[0]), set(calls.model)
    assert calls.error.isna().all()
    pr = st.frame("prompts")
    assert (pr.name == "short-answer").sum() == 2
    ratings = st.frame("ratings")
    assert ((ratings.annotator == "tour") & (ratings.schema == "pairwise")).sum() == 8
    jobs = st.frame("jobs")
    assert len(jobs) == 1 and jobs.status.iloc[0] == "done" and jobs.method.iloc[0] == "dpo"
    assert any(calls.model.str.contains(r"\+", regex=True)), "the adapter made no calls"
    runs = st.frame("runs")
    assert (runs.kind == "comparison").sum() >= 2
