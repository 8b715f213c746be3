"The OpenAI-compatible backend against a real peer: llama.cpp's server serving the same SmolLM2 GGUF on 127.0.0.1."
import json, time
import pytest
from llama_server import ensure_llama_cpp, llama_server, free_port

PROMPTS = ["What is the capital of France?", "Name three primary colors.", "What is 2 + 2?", "Write one sentence about the sea.",
           "What color is the sky on a clear day?", "Translate 'thank you' into French.", "Who wrote Romeo and Juliet?", "What is water made of?"]

@pytest.fixture(scope="module")
def server():
    spent = ensure_llama_cpp()
    if spent: print(f"\nbuilt llama-cpp-python[server] in {spent:.0f} s")
    with llama_server() as url: yield url

def test_served_model_through_generate_and_the_store(server, home, monkeypatch):
    from llmops_nb.generate import generate
    from llmops_nb.store import default_store
    monkeypatch.setenv("LLAMA_TEST_KEY", "sk-never-stored-42")
    pieces = []
    gens = generate(f"openai:{server}#smollm2?key_env=LLAMA_TEST_KEY", PROMPTS[:2], max_new_tokens=16, stream=lambda i, t: pieces.append((i, t)))
    assert all(g.error is None and g.text and g.tokens_out > 0 for g in gens), gens
    assert "".join(t for i, t in pieces if i == 0) == gens[0].text
    assert gens[0].ttft <= gens[0].latency
    rows = default_store().rows("calls")
    assert [r["backend"] for r in rows] == ["openai", "openai"]
    assert all(r["model_fp"].startswith("openai-") for r in rows)
    dump = json.dumps(rows) + open(default_store().engine.url.database, "rb").read().decode("latin-1")
    assert "sk-never-stored-42" not in dump

def test_local_vs_served_smollm2_agree(server, home, capsys):
    from llmops_nb.compare import compare
    from llmops_nb.remote import OpenAIModel
    from llmops_nb.metrics import score
    served = OpenAIModel(server, "smollm2", extra_body={"repeat_penalty": 1.0})   # llama.cpp's default 1.1 would change greedy decoding
    c = compare({"local": "smollm2-135m-instruct", "served": served}, PROMPTS, max_new_tokens=32, show_progress=False)
    assert c.errors == {}
    loc, srv = c.outputs("local"), c.outputs("served")
    em = sum(a.strip() == b.strip() for a, b in zip(loc, srv)) / len(loc)
    chrf = score(srv, loc, metrics=["chrf"])["chrf"]
    first_word = sum(a.split()[:1] == b.split()[:1] for a, b in zip(loc, srv)) / len(loc)
    with capsys.disabled():
        print(f"\nlocal vs llama.cpp SmolLM2, greedy, {len(PROMPTS)} prompts x 32 tokens: exact match {em:.2f}, "
              f"same first word {first_word:.2f}, chrF(served vs local) {chrf:.1f}")
        for a, b in zip(loc, srv): print(f"  local : {a[:90]!r}\n  served: {b[:90]!r}")
    assert chrf > 40 and first_word >= 0.5, (em, chrf, loc, srv)
    # the served calls are cached like local ones
    c2 = compare({"served": served}, PROMPTS, max_new_tokens=32, show_progress=False)
    assert c2.summary.loc["served", "cached"] == len(PROMPTS)

def test_unreachable_endpoint_is_clear_and_bounded(home):
    from llmops_nb.generate import generate
    from llmops_nb.core import SetupError
    t = time.perf_counter()
    with pytest.raises(SetupError, match=r"could not reach http://127\.0\.0\.1:\d+/v1/chat/completions after 3 tries"):
        generate(f"openai:http://127.0.0.1:{free_port()}/v1#smollm2", ["hi"], max_new_tokens=4)
    assert time.perf_counter() - t < 60

def test_served_models_listed_and_client_errors_clear(server, home):
    "llama.cpp serves one model whatever name a request gives, so the model list and a 4xx answer are what can be checked."
    from llmops_nb.core import InputError
    from llmops_nb.remote import OpenAIModel
    m = OpenAIModel(server, "smollm2")
    assert m.list_served() == ["smollm2"]
    with pytest.raises(InputError, match="answered HTTP 404"):
        m._request("GET", "no/such/endpoint")
