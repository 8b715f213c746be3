"Bad input and failed calls through the CLI and the API, as a careful new user meets them: one clear line, a non-zero exit, nothing half-done."
import os, sys, json, subprocess
from pathlib import Path
import pytest
from conftest import run_cli, BIN
from echo_server import echo_server

def _one_line(r, code=2) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]

def _calls(home) -> int:
    db = home / "llmops.db"
    if not db.exists(): return 0
    from llmops_nb.store import Store
    return Store(f"sqlite:///{db}").count("calls")

@pytest.fixture(scope="module")
def server():
    with echo_server() as url: yield url

# --- a failed call is an error everywhere -------------------------------------------------------------------------------

@pytest.mark.parametrize("model,msg", [("deny", "answered HTTP 401"), ("stream", "server error")])
def test_generate_failed_call_exits_non_zero(server, home, model, msg):
    r = run_cli("generate", "-m", f"openai:{server}#{model}", "hi")
    assert msg in _one_line(r, 1) and "prompt 0" in r.stderr
    assert r.stdout.strip() == ""
    j = run_cli("generate", "-m", f"openai:{server}#{model}", "--json", "hi")
    assert j.returncode == 1 and msg in json.loads(j.stdout)["error"]
    ok = run_cli("generate", "-m", f"openai:{server}#ok", "--json", "hi")
    assert ok.returncode == 0 and json.loads(ok.stdout)["error"] is None and json.loads(ok.stdout)["text"] == "Hello there"

def test_api_generation_error_is_set(server, home):
    from llmops_nb.generate import generate
    g = generate(f"openai:{server}#deny", ["hi"])[0]
    assert g.finish_reason == "error" and "401" in g.error
    from llmops_nb.store import default_store
    assert default_store().rows("calls")[-1]["error"] == g.error

def test_compare_exits_non_zero_when_a_model_produced_nothing(server, home, tmp_path):
    data = tmp_path / "q.csv"; data.write_text("q\nThe fox\nParis is\n")
    r = run_cli("compare", "--models", f"tiny-random,openai:{server}#deny", "--data", str(data), "--prompt-column", "q",
                "--max-new-tokens", "2", "--out", str(tmp_path / "r.html"))
    assert r.returncode == 1, r.stderr
    assert f"error: openai:{server}#deny failed on 2 of 2 prompts" in r.stderr
    assert "tiny-random" in r.stdout and (tmp_path / "r.html").exists()   # the work that succeeded is still shown

def test_unknown_second_model_is_refused_before_any_run(home, tmp_path):
    data = tmp_path / "q.csv"; data.write_text("q\nhi\n")
    r = run_cli("compare", "--models", "tiny-random,gpt-99", "--data", str(data), "--prompt-column", "q", "--out", str(tmp_path / "r.html"))
    assert "unknown model 'gpt-99'" in _one_line(r)
    assert _calls(home) == 0 and not (tmp_path / "r.html").exists()
    if (home / "llmops.db").exists():
        from llmops_nb.store import Store
        assert Store(f"sqlite:///{home}/llmops.db").count("runs") == 0

def test_a_model_failing_to_load_marks_the_run_failed(home, tmp_path):
    from llmops_nb.compare import compare
    from llmops_nb.store import default_store
    empty = tmp_path / "not-a-model"; empty.mkdir()
    with pytest.raises(Exception): compare(["tiny-random", str(empty)], ["hi"], max_new_tokens=2, show_progress=False)
    runs = default_store().rows("runs")
    assert [r["status"] for r in runs] == ["failed"] and runs[0]["error"]

# --- every CLI option is checked at parse time --------------------------------------------------------------------------

@pytest.mark.parametrize("args,msg", [
    (["generate", "-m", "tiny-random", "--temperature", "inf", "hi"], "argument --temperature: 'inf' is not a finite number >= 0"),
    (["generate", "-m", "tiny-random", "--top-p", "nan", "hi"], "argument --top-p: 'nan' is not a finite number"),
    (["generate", "-m", "tiny-random", "--max-new-tokens", "-1", "hi"], "argument --max-new-tokens: '-1' is not an integer >= 1"),
    (["compare", "--models", "tiny-random", "--data", "D", "--prompt-column", "q", "--temperature", "inf"], "argument --temperature: 'inf'"),
    (["compare", "--models", "tiny-random", "--data", "D", "--prompt-column", "q", "--limit", "-1"], "argument --limit: '-1' is not an integer >= 1"),
    (["compare", "--models", "tiny-random", "--data", "D", "--prompt-column", "q", "--limit", "0"], "argument --limit: '0' is not an integer >= 1"),
    (["compare", "--models", "tiny-random", "--data", "D", "--prompt-column", "q", "--out", "OUTDIR"], "is a directory; give a file name"),
    (["profile", "D", "--model", "none", "--context-length", "-3"], "argument --context-length: '-3' is not an integer >= 1"),
])
def test_bad_options_fail_before_any_work(home, tmp_path, args, msg):
    data = tmp_path / "q.csv"; data.write_text("q\nhi\n")
    args = [str(data) if a == "D" else str(tmp_path) if a == "OUTDIR" else a for a in args]
    assert msg in _one_line(run_cli(*args))
    assert _calls(home) == 0

def test_non_utf8_prompt_is_one_line(home):
    r = subprocess.run([str(BIN / "llmops-nb"), "generate", "-m", "tiny-random", b"caf\xe9"], capture_output=True, text=True, timeout=300)
    assert "holds the byte 0xe9 at character 3, which is not UTF-8" in _one_line(r)

# --- data handling --------------------------------------------------------------------------------------------------------

def test_empty_prompt_cells_are_skipped_with_a_count(home, tmp_path):
    data = tmp_path / "q.csv"; data.write_text('id,q\n1,The fox\n2,\n3,Paris is\n4,""\n')
    out = tmp_path / "r.html"
    r = run_cli("compare", "--models", "tiny-random", "--data", str(data), "--prompt-column", "q", "--max-new-tokens", "2", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "skipped 2 of 4 rows with an empty 'q' cell" in r.stderr
    from llmops_nb.store import Store
    prompts = [c["prompt"] for c in Store(f"sqlite:///{home}/llmops.db").rows("calls")]
    assert len(prompts) == 2 and not any("nan" in p for p in prompts)
    empty = tmp_path / "e.csv"; empty.write_text("id,q\n1,\n2,\n")
    r = run_cli("compare", "--models", "tiny-random", "--data", str(empty), "--prompt-column", "q", "--out", str(out))
    assert "has no non-empty prompt" in _one_line(r)

def test_profile_duplicated_header_and_skipped_lines(home, tmp_path):
    dup = tmp_path / "dup.csv"; dup.write_text("text,label,text\nhello,a,x\n")
    assert "names a column twice in its header: 'text' in columns 1, 3" in _one_line(run_cli("profile", str(dup), "--model", "none"))
    bad = tmp_path / "bad.csv"; bad.write_text("text,label\nhello,a\nbad,line,extra\nworld,b\n")
    r = run_cli("profile", str(bad), "--model", "none", "--on-bad-lines", "skip")
    assert r.returncode == 0 and "| bad lines skipped | 1 (on_bad_lines='skip') |" in r.stdout, r.stdout

def test_saved_runaway_template_fails_fast(home, tmp_path):
    "A template saved with nested loops (or doubling strings) fails every run quickly instead of hanging it."
    for src in ["{% for i in range(100000) %}{% for j in range(100000) %}{{ i }}{% endfor %}{% endfor %}",
                "{% set a = 'x' * 100000 %}" + "{% set a = a ~ a %}" * 8 + "{{ a }}"]:
        f = tmp_path / "t.txt"; f.write_text(src)
        assert run_cli("prompts", "save", "runaway", "--file", str(f)).returncode == 0
        r = run_cli("prompts", "run", "runaway", "-m", "tiny-random", timeout=120)
        assert "unsafe template" in _one_line(r), r.stderr
