"The llama.cpp engine on the real GGUF models, and every bad input of issue 13 (and bad model files, issue 14 item 5)."
import os, sys, json, subprocess, warnings
from pathlib import Path
import numpy as np
import pytest
sys.path.insert(0, str(Path(__file__).parent))
from llama_server import ensure_llama_cpp, gguf_path
from conftest import run_cli

@pytest.fixture(scope="module", autouse=True)
def _llama():
    ensure_llama_cpp()

def _gguf(path, arch="llama"):
    "A small complete GGUF file written by the gguf package."
    import gguf
    w = gguf.GGUFWriter(str(path), arch)
    w.add_context_length(128); w.add_tensor("token_embd.weight", np.ones((16, 32), dtype=np.float32))
    w.write_header_to_file(); w.write_kv_data_to_file(); w.write_tensors_to_file(); w.close()
    return Path(path)

@pytest.fixture()
def bad_files(tmp_path):
    "A truncated copy of SmolLM2, a text file named .gguf, and a GGUF of a made-up architecture."
    cut = tmp_path / "cut.gguf"
    with open(gguf_path(), "rb") as f: cut.write_bytes(f.read(gguf_path().stat().st_size // 2))
    txt = tmp_path / "notes.gguf"; txt.write_text("not a model\n" * 10)
    return dict(truncated=(cut, "cut.gguf is truncated"), not_gguf=(txt, "is not a valid GGUF file"),
                unknown_arch=(_gguf(tmp_path / "alien.gguf", "made-up-arch"), "architecture 'made-up-arch', which llama.cpp does not know"))

@pytest.mark.parametrize("kind", ["truncated", "not_gguf", "unknown_arch"])
def test_bad_files_load_model(bad_files, kind):
    from llmops_nb.models import load_model
    from llmops_nb.core import InputError
    path, msg = bad_files[kind]
    with pytest.raises(InputError, match=msg.replace("(", r"\(").replace(")", r"\)")): load_model(str(path))

@pytest.mark.parametrize("kind", ["truncated", "not_gguf", "unknown_arch"])
def test_bad_files_cli(bad_files, kind, home):
    path, msg = bad_files[kind]
    r = run_cli("generate", "--model", str(path), "--no-record", "hello")
    assert r.returncode == 2, r.stderr
    assert msg in r.stderr and len(r.stderr.strip().splitlines()) == 1, r.stderr      # one line, no traceback

def test_context_and_adapter(tmp_path):
    from llmops_nb.models import load_model, make_test_adapter
    from llmops_nb.llamacpp import open_llama, llamacpp_model
    from llmops_nb.generate import generate
    from llmops_nb.core import InputError
    with pytest.raises(InputError, match="is longer than the context"): open_llama(gguf_path(), 65536)
    sm = load_model("smollm2-135m-instruct")
    with pytest.raises(InputError, match="beyond the context window"): generate(sm, "hi", max_new_tokens=8192, engine="llama.cpp", store=False)
    ad = load_model("smollm2-135m-instruct", adapter=make_test_adapter("smollm2-135m-instruct", tmp_path / "ad", std=0.02), reuse=False)
    with pytest.raises(InputError, match="an adapter is attached"): generate(ad, "hi", engine="llama.cpp", store=False)
    with pytest.raises(InputError, match="an adapter is attached"): llamacpp_model(ad)

def test_not_installed(monkeypatch, caplog):
    "Without llama-cpp-python: engine='llama.cpp' names the pip command; auto runs torch and says why in one line."
    from llmops_nb.models import load_model
    from llmops_nb.generate import generate, pick_engine
    from llmops_nb.core import SetupError
    import llmops_nb.llamacpp as L
    monkeypatch.setitem(sys.modules, "llama_cpp", None)
    assert not L.llama_cpp_installed()
    sm = load_model("smollm2-135m-instruct")
    with pytest.raises(SetupError, match=r'pip install "llmops_nb\[llamacpp\]"'): generate(sm, "hi", engine="llama.cpp", store=False)
    eng, note = pick_engine(sm, "auto", 1)
    assert eng in ("fast", "transformers") and note.endswith('llama-cpp-python is not installed (pip install "llmops_nb[llamacpp]")'), note
    with pytest.warns(UserWarning, match="not installed"):
        g = generate(sm, "What is the capital of France?", max_new_tokens=8, store=False)[0]
    assert g.text

def test_gemma_without_torch(tmp_path):
    "Gemma 3 on llama.cpp: the torch copy is never loaded, torch is never imported."
    code = ("import sys, json; from llmops_nb.generate import generate; from llmops_nb.models import load_model\n"
            "lm = load_model('gemma3-270m'); g = generate(lm, 'The Eiffel Tower is in the city of', max_new_tokens=12, store=False)[0]\n"
            "print(json.dumps(dict(text=g.text, loaded=lm.loaded, torch='torch' in sys.modules, out=g.tokens_out)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["loaded"] is False and out["torch"] is False and out["out"] > 0, out
    assert "Paris" in out["text"], out

def test_cli_stream_llamacpp(home):
    r = run_cli("generate", "--model", "smollm2-135m-instruct", "--engine", "llama.cpp", "--max-new-tokens", "12", "--stream",
                "What is the capital of France? Answer in one word.")
    assert r.returncode == 0 and "Paris" in r.stdout, r.stderr
    r = run_cli("generate", "--model", "smollm2-135m-instruct", "--engine", "llama.cpp", "--max-new-tokens", "12", "--json", "hi")
    rec = json.loads(r.stdout.strip().splitlines()[-1])
    assert rec["tokens_out"] > 0 and rec["ttft"] <= rec["latency"]

def test_calls_rows(tmp_path):
    from llmops_nb.store import Store
    from llmops_nb.generate import generate
    st = Store(f"sqlite:///{tmp_path}/c.db")
    gs = generate("smollm2-135m-instruct", ["Name a colour.", "Name a fruit."], max_new_tokens=8, engine="llama.cpp", store=st, seed=3, temperature=0.7)
    rows = st.rows("calls")
    assert [r["backend"] for r in rows] == ["llama.cpp"] * 2
    assert [r["output"] for r in rows] == [g.text for g in gs] and all(r["tokens_in"] > 10 for r in rows)
    assert json.loads(rows[0]["params"])["seed"] == 3
