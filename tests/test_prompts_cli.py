"`llmops-nb prompts ...` run as a user runs it: the installed console script in a subprocess, on a throwaway store."
import json, subprocess, sys
import pytest
from conftest import run_cli

def _ok(*args):
    r = run_cli("prompts", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout

def _bad(*args):
    r = run_cli("prompts", *args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    return lines[0]

def _store(home):
    import llmops_nb.prompts   # registers the prompts tables
    from llmops_nb.store import Store
    return Store(f"sqlite:///{home}/llmops.db")

def test_save_list_show_tag_diff(home, tmp_path):
    f = tmp_path / "qa.txt"; f.write_text("Answer briefly: {{ question }}")
    assert _ok("save", "qa", "--file", str(f), "--tag", "prod").startswith("saved qa@1")
    assert _ok("save", "qa", "--file", str(f)).startswith("saved qa@1")          # same content: same version
    j = tmp_path / "qa.json"
    j.write_text(json.dumps({"text": "Answer in one word: {{ question }}", "system": "Be terse.", "examples": [["2+2?", "4"]]}))
    assert _ok("save", "qa", "--file", str(j), "--tag", "dev").startswith("saved qa@2")
    assert "qa" in _ok("list")
    assert json.loads(_ok("list", "--json"))[0] == {**json.loads(_ok("list", "--json"))[0], "name": "qa", "versions": 2, "latest": 2}
    out = _ok("show", "qa:prod")
    assert out.startswith("qa@1  hash ") and "Answer briefly: {{ question }}" in out
    s = json.loads(_ok("show", "qa@2", "--json"))
    assert (s["version"], s["system"], s["examples"], s["variables"], s["tags"]) == (2, "Be terse.", [{"user": "2+2?", "assistant": "4"}], ["question"], ["dev"])
    assert _ok("tag", "qa", "2", "prod").strip() == "prod -> qa@2"
    assert json.loads(_ok("show", "qa:prod", "--json"))["version"] == 2
    d = _ok("diff", "qa", "1", "2")
    assert "-Answer briefly: {{ question }}" in d and "+Be terse." in d
    assert "1" in _ok("history", "qa")
    assert _store(home).count("prompts") == 2

def test_run_records_calls_with_version(home, tmp_path):
    f = tmp_path / "t.txt"; f.write_text("Say hello to {{ who }}.")
    _ok("save", "hello", "--file", str(f))
    out = json.loads(_ok("run", "hello", "--model", "tiny-random", "--var", "who=Ada", "--max-new-tokens", "6", "--json"))
    assert out["prompt"] == "hello@1" and 0 <= out["tokens_out"] <= 6
    st = _store(home)
    from llmops_nb.prompts import PromptRegistry
    pv = PromptRegistry(st).get("hello")
    call = st.rows("calls", id=out["call_id"])[0]
    assert call["prompt_version_id"] == pv.id and "Say hello to Ada." in call["prompt"]
    # golden set from a CSV, scored and ranked
    g = tmp_path / "g.csv"; g.write_text("who,expected\nAda,hello\nBob,hi\n")
    res = json.loads(_ok("golden", "hello", "--model", "tiny-random", "--add", str(g), "--max-new-tokens", "4"))
    assert res["status"] == "done" and res["n"] == 2 and 0 <= res["exact_match"] <= 1
    assert st.count("calls", run_id=res["run_id"]) == 2

@pytest.mark.parametrize("setup,args,msg", [
    (None, ["show", "nope"], "no prompt named 'nope'; no prompts are saved yet"),
    ("t", ["show", "t@5"], "prompt 't' has no version 5; its versions are: 1"),
    ("t", ["show", "t:prod"], "prompt 't' has no tag 'prod'; it has no tags"),
    ("t", ["show", "t@x"], "the version after '@' must be a number"),
    ("t", ["run", "t", "--model", "tiny-random"], "missing value(s) for variable(s) 'who'"),
    ("t", ["run", "t", "--model", "tiny-random", "--var", "who"], "--var 'who' must be KEY=VALUE"),
    ("t", ["run", "t", "--model", "gpt-99", "--var", "who=x"], "unknown model 'gpt-99'"),
    ("t", ["run", "t", "--model", "tiny-random", "--var", "who=" + "word " * 600], "the rendered prompt has"),
    ("t", ["tag", "t", "3", "prod"], "has no version 3"),
    ("t", ["tag", "t", "1", "9x"], "tag '9x' is not valid"),
    ("t", ["golden", "t", "--model", "tiny-random"], "prompt 't' has no golden set"),
    (None, ["frob"], "invalid choice: 'frob'"),
    (None, [], "the following arguments are required: cmd"),
    (None, ["run", "t"], "the following arguments are required: --model"),
    (None, ["save", "x", "--file", "/nonexistent/t.txt"], "template file '/nonexistent/t.txt' does not exist"),
    (None, ["run", "t", "--model", "tiny-random", "--temperature", "inf"], "argument --temperature: 'inf' is not a finite number >= 0"),
    (None, ["run", "t", "--model", "tiny-random", "--max-new-tokens", "0"], "argument --max-new-tokens: '0' is not an integer >= 1"),
    (None, ["run", "t", "--model", "tiny-random", "--top-p", "0"], "argument --top-p: '0' is not a finite number > 0 and <= 1"),
    (None, ["golden", "t", "--model", "tiny-random", "--max-new-tokens", "-3"], "argument --max-new-tokens: '-3' is not an integer >= 1"),
    (None, ["tag", "t", "-1", "prod"], "argument version: '-1' is not an integer >= 1"),
])
def test_bad_input_is_one_clear_line(home, tmp_path, setup, args, msg):
    if setup:
        f = tmp_path / "t.txt"; f.write_text("Say hello to {{ who }}.")
        _ok("save", setup, "--file", str(f))
    n = _store(home).count("calls")
    assert msg in _bad(*args)
    assert _store(home).count("calls") == n

@pytest.mark.parametrize("text,msg", [
    ("{{ ''.__class__.__mro__ }}", "unsafe template"),
    ("{{ cycler.__init__.__globals__ }}", "unsafe template"),
    ("line one\nHello {{ name }", "template syntax error at line 2, column 15"),
    ("   \n", "the template is empty"),
])
def test_bad_template_files_save_nothing(home, tmp_path, text, msg):
    f = tmp_path / "bad.txt"; f.write_text(text)
    assert msg in _bad("save", "bad", "--file", str(f))
    assert not (home / "llmops.db").exists() or _store(home).count("prompts") == 0

def test_non_utf8_template_file(home, tmp_path):
    f = tmp_path / "bin.txt"; f.write_bytes(b"\xff\xfe\x00bad")
    assert "is not UTF-8 text" in _bad("save", "x", "--file", str(f))

def test_run_smollm2_answers(home, tmp_path):
    f = tmp_path / "c.txt"; f.write_text("What is the capital of {{ country }}? Answer in one word.")
    _ok("save", "capital", "--file", str(f), "--tag", "prod")
    assert "Paris" in _ok("run", "capital:prod", "--model", "smollm2-135m-instruct", "--var", "country=France", "--max-new-tokens", "16")

def test_prompts_and_playground_import_light():
    code = ("import sys, llmops_nb.prompts, llmops_nb.playground; "
            "from llmops_nb.playground import PromptPlayground; import tempfile; from llmops_nb.store import Store; "
            "pg = PromptPlayground(['smollm2-135m-instruct', 'tiny-random'], 'Q: {{ q }}', store=Store(f'sqlite:///{tempfile.mkdtemp()}/s.db')); "
            "print(sorted(m for m in ('torch', 'transformers', 'peft', 'datasets') if m in sys.modules), len(pg.box.children) > 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["[]", "True"]   # the widget draws before any model library is imported
