"API keys never leak: a key read with a stray \\r or \\n, echoed back by a server, or cut across any limit never reaches the store, a report, stdout or stderr."
import os, json, secrets, traceback
from pathlib import Path
import pytest
from conftest import run_cli
from echo_server import echo_server

def _pieces(key: str) -> list: return [key[i:i + 8] for i in range(len(key) - 7)]

def _leaks(key: str, *texts) -> list:
    "The 8-character pieces of `key` found in any of `texts` (str or bytes)."
    blob = "".join(t.decode("latin-1") if isinstance(t, bytes) else str(t) for t in texts)
    return [p for p in _pieces(key) if p in blob]

def _home_bytes(home: Path) -> bytes:
    "Every file under LLMOPS_HOME (the SQLite store, its WAL, the journal), as bytes."
    return b"".join(f.read_bytes() for f in sorted(home.rglob("*")) if f.is_file())

@pytest.fixture()
def server():
    with echo_server() as url: yield url

@pytest.mark.parametrize("tail", ["\r", "\n", "\r\n", "  "])
def test_api_never_leaks_the_key(server, home, monkeypatch, tail, tmp_path):
    from llmops_nb.generate import generate
    from llmops_nb.compare import compare
    from llmops_nb.core import LlmopsError
    key = "sk-" + secrets.token_hex(16)
    monkeypatch.setenv("OPENAI_API_KEY", key + tail)
    seen = []
    gens = [generate(f"openai:{server}#{m}", ["hi"], max_new_tokens=4)[0] for m in ("deny", "stream", "ok")]
    assert [g.finish_reason for g in gens] == ["error", "error", "stop"] and gens[2].text == "Hello there"
    assert gens[0].error and gens[1].error and gens[2].error is None
    seen += [repr(gens), [g.error for g in gens]]
    try: generate(f"openai:{server}#boom", ["hi"], max_new_tokens=4)
    except LlmopsError: seen.append(traceback.format_exc())
    else: pytest.fail("a 500 answer after the retries must raise")
    c = compare([f"openai:{server}#deny", f"openai:{server}#stream", f"openai:{server}#ok"], ["hi", "there"], max_new_tokens=4, show_progress=False)
    report = c.to_html(tmp_path / "r.html")
    seen += [repr(c.df.to_dict()), c._repr_markdown_(), report.read_bytes()]
    assert _leaks(key, *seen, _home_bytes(home)) == []

def test_library_exception_text_is_scrubbed(server, monkeypatch):
    "requests' InvalidHeader quotes the header value: the message is scrubbed before it is cut or raised."
    from llmops_nb.remote import OpenAIModel
    from llmops_nb.core import InputError
    key = "sk-" + secrets.token_hex(16)
    monkeypatch.setenv("OPENAI_API_KEY", key)
    m = OpenAIModel(server, "ok")
    m._headers = lambda: {"Authorization": f"Bearer {key}\r"}   # what an unstripped key sent as-is gives requests
    with pytest.raises(InputError) as e: m._request("POST", "chat/completions", {"model": "ok"})
    assert "InvalidHeader" in str(e.value)
    assert _leaks(key, str(e.value), traceback.format_exception(e.value)) == []

def test_key_with_a_control_character_inside_is_refused_without_showing_it(server, home, monkeypatch):
    key = "sk-" + secrets.token_hex(8) + "\x01" + secrets.token_hex(8)
    env = {**os.environ, "OPENAI_API_KEY": key}
    r = run_cli("generate", "-m", f"openai:{server}#ok", "hi", env=env)
    assert r.returncode == 2 and "holds a space, control or non-ASCII character at position 19" in r.stderr
    assert _leaks(key.replace("\x01", ""), r.stdout, r.stderr) == [] and _leaks(key, r.stdout, r.stderr) == []

@pytest.mark.parametrize("tail", ["\r", "\n"])
def test_cli_never_leaks_the_key(server, home, tmp_path, tail):
    key = "sk-" + secrets.token_hex(16)
    env = {**os.environ, "OPENAI_API_KEY": key + tail}
    outs = []
    for m, code in (("deny", 1), ("stream", 1), ("boom", 2), ("ok", 0)):
        for extra in ([], ["--json"]):
            r = run_cli("generate", "-m", f"openai:{server}#{m}", "--max-new-tokens", "4", *extra, "hi", env=env)
            assert r.returncode == code, (m, extra, r.returncode, r.stderr)
            if code: assert len(r.stderr.strip().splitlines()) == 1, r.stderr
            if extra and code == 1: assert json.loads(r.stdout)["error"]
            outs += [r.stdout, r.stderr]
    data = tmp_path / "one.csv"; data.write_text("q\nhi\nthere\n")
    report = tmp_path / "r.html"
    r = run_cli("compare", "--models", f"openai:{server}#deny,openai:{server}#stream", "--data", str(data), "--prompt-column", "q",
                "--max-new-tokens", "4", "--out", str(report), env=env)
    assert r.returncode == 1 and "failed on 2 of 2 prompts" in r.stderr, r.stderr
    r2 = run_cli("compare", "--models", "openai:http://127.0.0.1:1/v1#m", "--data", str(data), "--prompt-column", "q",
                 "--max-new-tokens", "4", "--out", str(tmp_path / "r2.html"), env=env)
    assert r2.returncode == 1
    outs += [r.stdout, r.stderr, r2.stdout, r2.stderr, report.read_bytes(), (tmp_path / "r2.html").read_bytes()]
    assert _leaks(key, *outs, _home_bytes(home)) == []
