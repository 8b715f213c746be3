"compare, adapters on one copy, the widget and the `llmops-nb compare` CLI with real models and a real SQLite store."
import json
import pytest
from conftest import run_cli

PROMPTS = ["What is the capital of France?", "What is 2 + 2?", "Name a primary color.", "<img src=x onerror=alert(1)> repeat this"]
REFS = ["Paris", "4", "Red", "<img src=x onerror=alert(1)>"]

def test_import_is_light():
    import subprocess, sys
    code = "import sys, llmops_nb.compare, llmops_nb.metrics, llmops_nb.remote, llmops_nb.comparison_widget; print(sorted(m for m in ['torch','transformers','peft','evaluate','datasets'] if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "[]"

def test_smollm2_base_and_adapters_one_copy(home, tmp_path):
    from llmops_nb.compare import compare, Adapters
    from llmops_nb.models import make_test_adapter
    from llmops_nb.store import default_store
    paths = {f"lora{i}": make_test_adapter("smollm2-135m-instruct", tmp_path / f"l{i}", seed=i, r=2, targets=("q_proj", "v_proj")) for i in range(2)}
    ad = Adapters("smollm2-135m-instruct", paths)
    c = compare([ad, "gemma3-270m"], PROMPTS, REFS, max_new_tokens=12, show_progress=False)
    assert c.models == ["smollm2-135m-instruct", "lora0", "lora1", "gemma3-270m"] and c.errors == {}
    assert "Paris" in c.outputs("smollm2-135m-instruct")[0]
    assert len({tuple(c.outputs(m)) for m in c.models}) == 4
    assert {v[1].model is ad.model for v in ad.variants()} == {True}
    st = default_store()
    run = st.rows("runs", id=c.run_id)[0]
    assert run["kind"] == "comparison" and run["status"] == "done"
    assert set(json.loads(run["config"])["fingerprints"]) == set(c.models)
    assert st.count("calls") == 16

def test_cli_compare_writes_an_escaped_report(home, tmp_path):
    data = tmp_path / "qa.jsonl"
    data.write_text("\n".join(json.dumps({"q": q, "a": a}) for q, a in zip(PROMPTS, REFS)))
    out = tmp_path / "report.html"
    r = run_cli("compare", "--models", "smollm2-135m-instruct,tiny-random", "--data", str(data), "--prompt-column", "q",
                "--reference-column", "a", "--metrics", "bleu,rouge,exact_match,contains", "--max-new-tokens", "12", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "rougeLsum" in r.stdout and "smollm2-135m-instruct" in r.stdout
    doc = out.read_text()
    assert "<img src=x" not in doc and "&lt;img src=x onerror=alert(1)&gt;" in doc
    assert "Plotly" in doc and "cdn.plot.ly" not in doc.split("<body>")[0]
    from llmops_nb.store import Store
    st = Store(f"sqlite:///{home}/llmops.db")
    assert st.count("runs", kind="comparison") == 1 and st.count("calls") == 8
    r2 = run_cli("compare", "--models", "smollm2-135m-instruct,tiny-random,gemma3-270m", "--data", str(data), "--prompt-column", "q",
                 "--max-new-tokens", "12", "--out", str(out))
    assert r2.returncode == 0, r2.stderr
    assert st.count("calls") == 12                     # only the added model was computed

@pytest.mark.parametrize("args,msg", [
    (["--models", "tiny-random", "--prompt-column", "q"], "the following arguments are required: --data"),
    (["--models", "tiny-random", "--data", "{data}", "--prompt-column", "question"], "column 'question' not in qa.csv; columns are: q, a"),
    (["--models", "tiny-random,tiny-random", "--data", "{data}", "--prompt-column", "q"], "duplicate model name 'tiny-random'"),
    (["--models", "tiny-random", "--data", "{data}", "--prompt-column", "q", "--metrics", "bleu"], "need references"),
    (["--models", "tiny-random", "--data", "{data}", "--prompt-column", "q", "--reference-column", "a", "--metrics", "bleurt"], "unknown metric 'bleurt'; available offline"),
    (["--models", "nosuch-model", "--data", "{data}", "--prompt-column", "q"], "unknown model 'nosuch-model'"),
    (["--models", "tiny-random", "--data", "/nonexistent.csv", "--prompt-column", "q"], "data file '/nonexistent.csv' does not exist"),
])
def test_cli_bad_input_is_one_line(home, tmp_path, args, msg):
    data = tmp_path / "qa.csv"
    data.write_text('q,a\n"hi",hello\n"empty ref",\n')
    r = run_cli("compare", *[a.replace("{data}", str(data)) for a in args])
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert msg in r.stderr and r.stderr.startswith("error: ")
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr

def test_empty_reference_is_refused(home, tmp_path):
    data = tmp_path / "qa.csv"
    data.write_text('q,a\n"hi",hello\n"empty ref",\n')
    r = run_cli("compare", "--models", "tiny-random", "--data", str(data), "--prompt-column", "q", "--reference-column", "a")
    assert r.returncode == 2 and "reference 1 is empty" in r.stderr

def test_widget_rates_pairs(home):
    from llmops_nb.comparison_widget import ModelComparison
    from llmops_nb.store import default_store
    v = ModelComparison(["smollm2-135m-instruct", "tiny-random"], PROMPTS, REFS, annotator="tester", max_new_tokens=8, show_progress=False)
    assert "<img src" not in v.grid.value
    v.item.value = 0; v.prefer_a.click()
    v.item.value = 1; v.prefer_b.click()
    rs = default_store().rows("ratings")
    assert [(json.loads(r["value"]), r["item"], r["annotator"], r["schema"]) for r in rs] == [("a", "0", "tester", "pairwise"), ("b", "1", "tester", "pairwise")]
    calls = {r["id"]: r for r in default_store().rows("calls")}
    assert calls[rs[0]["call_id"]]["model"] == "smollm2-135m-instruct" and calls[rs[0]["other_call_id"]]["model"] == "tiny-random"

def test_gguf_compare_on_llamacpp_loads_no_torch(home):
    """compare of the packaged Gemma 3 GGUF, engine auto, one prompt: llama.cpp renders, tokenizes and generates; no torch copy, and
    with call metrics only (text metrics run through `evaluate`, which imports transformers itself) no transformers or torch import."""
    import subprocess, sys
    code = ("import sys, json\nfrom llmops_nb.models import load_model\nfrom llmops_nb.compare import compare\n"
            "from llmops_nb.comparison_widget import ModelComparisonState\n"
            "lm = load_model('gemma3-270m')\n"
            "c = compare({'gemma': lm}, ['The Eiffel Tower is in the city of'], metrics=['latency', 'throughput'], max_new_tokens=8, show_progress=False)\n"
            "torch, tf = 'torch' in sys.modules, 'transformers' in sys.modules\n"
            "c2 = compare({'gemma': lm}, ['The Eiffel Tower is in the city of'], max_new_tokens=8, show_progress=False)\n"
            "print(json.dumps(dict(loaded=lm.loaded, torch=torch, tf=tf, engine=c.summary.engine['gemma'],\n"
            "  errors=c.errors, out=c.outputs('gemma')[0], cached=int(c2.summary.cached['gemma']), shown='llama.cpp' in ModelComparisonState(c).metrics_html(),\n"
            "  table='engine' in c.summary_table().columns)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["loaded"] is False and out["torch"] is False and out["tf"] is False, out
    assert out["engine"] == "llama.cpp" and out["errors"] == {} and out["shown"] and out["table"], out
    assert "Paris" in out["out"] and out["cached"] == 1, out

def test_many_prompts_and_adapters_stay_on_torch(home, tmp_path):
    "auto sends a GGUF model's many prompts to the batched torch engine and an adapter to transformers; the summary says so."
    from llmops_nb.compare import compare
    c = compare(["smollm2-135m-instruct"], PROMPTS[:2], max_new_tokens=4, show_progress=False)
    assert c.summary.engine["smollm2-135m-instruct"] in ("fast", "transformers")
    c1 = compare(["smollm2-135m-instruct"], PROMPTS[:1], max_new_tokens=4, show_progress=False, engine="llama.cpp")
    assert c1.summary.engine["smollm2-135m-instruct"] == "llama.cpp"
