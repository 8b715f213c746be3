"Tests of llmops_nb.data through its public functions and the `llmops-nb profile` entry point."
import os, sys, json, subprocess, random
from pathlib import Path
import numpy as np, pandas as pd, pytest

os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["LLMOPS_PROGRESS"] = "0"
from llmops_nb.core import InputError
from llmops_nb.data import load_data, profile, cli_profile

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT/".venv"/"bin"/"python") if (ROOT/".venv"/"bin"/"python").exists() else sys.executable

@pytest.fixture
def csvfile(tmp_path):
    rows = ["The quick brown fox jumps over the lazy dog near the river bank today"] * 2 + \
           ["Contact alice@example.org for the key sk-abcdefghijklmnopqrstuvwxyz123456", "", "a short one",
            "The quick brown fox leaps over the lazy dog near the river bank today"]
    p = tmp_path/"d.csv"
    pd.DataFrame({"text": rows, "label": ["x", "x", "y", "y", "x", "z"]}).to_csv(p, index=False)
    return p

def test_cli_json(csvfile, capsys):
    assert cli_profile([str(csvfile), "--text", "text", "--label", "label", "--model", "tiny-random", "--json"]) == 0
    d = json.loads(capsys.readouterr().out)
    assert {"rows", "empty", "exact_duplicates", "near_duplicates", "token_lengths", "pii"} <= set(d)
    assert (d["rows"], d["empty"], d["exact_duplicates"], d["near_duplicates"]) == (6, 1, 1, 1)
    assert set(d["token_lengths"]) >= {"min", "median", "p95", "max"} and d["token_lengths"]["max"] > d["token_lengths"]["min"] > 0
    assert d["pii"]["email"]["rows"] == 1 and d["pii"]["secret"]["rows"] == 1
    assert "abcdefghij" not in json.dumps(d["pii"])             # secrets are masked in examples
    assert d["labels"] == {"x": 3, "y": 2, "z": 1}

def test_cli_markdown_and_errors(csvfile, tmp_path, capsys):
    assert cli_profile([str(csvfile), "--text", "text", "--model", "none"]) == 0
    assert "exact duplicates" in capsys.readouterr().out
    assert cli_profile([str(csvfile), "--text", "nope", "--model", "none"]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "error: column 'nope' not in data; columns are: text, label" and err.count("\n") == 1
    assert cli_profile([str(tmp_path), "--text", "text"]) == 2
    assert "is a directory, not a file" in capsys.readouterr().err
    assert cli_profile(["--bogus"]) == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert cli_profile([str(csvfile), "--text", "text", "--model", "gpt-17"]) == 2
    assert "unknown model 'gpt-17'" in capsys.readouterr().err

def run(*args):
    code = f"from llmops_nb.data import cli_profile; raise SystemExit(cli_profile({list(args)!r}))"
    return subprocess.run([PY, "-c", code], capture_output=True, text=True, env={**os.environ, "HF_HUB_OFFLINE": "1"})

def test_cli_subprocess(csvfile, tmp_path):
    r = run(str(csvfile), "--text", "text", "--model", "tiny-random", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["rows"] == 6
    bad = tmp_path/"bad.jsonl"; bad.write_text('{"text": "a"}\n{"text": \n{"text": "c"}\n')
    r = run(str(bad), "--model", "none", "--json")
    assert r.returncode == 2 and "line 2 is not a valid JSON object" in r.stderr and r.stdout == ""
    r = run(str(bad), "--model", "none", "--json", "--on-bad-lines", "skip")
    assert r.returncode == 0 and json.loads(r.stdout)["skipped_lines"] == 1

@pytest.mark.parametrize("name,content,msg", [
    ("e.jsonl", b"", "is empty (0 bytes)"),
    ("r.csv", b"text,a\nx,1\ny,2,3\n", "line 3 has 3 fields but the header has 2"),
    ("u.csv", "text\nna\u00efve\n".encode("latin-1"), "not valid UTF-8: byte 0xef at byte position 7 (line 2)"),
    ("b.parquet", b"not parquet at all", "is not a parquet file"),
    ("z.csv", b"PK\x03\x04\x14\x00\x00\x00", "looks binary"),
    ("n.jsonl", b'{"text": 1}\n{"text": 2}\n', "column 'text' holds int64 values, not strings"),
    ("m.jsonl", b'{"text": "a"}\n{"text": ["b"]}\n', "column 'text' of 'm.jsonl' mixes value types (str at line 1, list at line 2)"),
])
def test_bad_files(tmp_path, name, content, msg):
    p = tmp_path/name; p.write_bytes(content)
    with pytest.raises(InputError, match=None) as e: load_data(p)
    assert msg in str(e.value) and "\n" not in str(e.value)

def test_parquet_and_hf_roundtrip(tmp_path):
    import datasets
    df = pd.DataFrame({"prompt": ["a?", "b?"], "chosen": ["good", "fine"], "rejected": ["bad", "awful"]})
    df.to_parquet(tmp_path/"p.parquet")
    d = load_data(tmp_path/"p.parquet")
    assert (d.shape, d.format, d.texts().to_pylist()) == ("preference", "parquet", ["a?\n\ngood", "b?\n\nfine"])
    ds = datasets.Dataset.from_pandas(df)
    p = profile(ds, model="tiny-random")
    assert p.shape == "preference" and p.tokens["chat_template"] and p.tokens["min"] > 0

def test_near_duplicates_planted():
    "Recall and precision of near-duplicate detection on planted pairs (1–2 word substitutions)."
    rng = random.Random(0)
    vocab = [f"w{i}" for i in range(5000)]
    base = [" ".join(rng.choice(vocab) for _ in range(30)) for _ in range(3000)]
    rows, pairs = list(base), []
    for i in range(300):
        w = base[i].split(); 
        for j in rng.sample(range(30), 1 + i % 2): w[j] = rng.choice(vocab)
        rows.append(" ".join(w)); pairs.append((i, len(rows) - 1))
    p = profile(rows)
    cl = p.arrays["near_cluster"]
    recall = np.mean([cl[a] >= 0 and cl[a] == cl[b] for a, b in pairs])
    planted = set(pairs)
    found = [(c[i], c[j]) for c in p.near_clusters for i in range(len(c)) for j in range(i + 1, len(c))]
    precision = np.mean([f in planted for f in found])
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)

def test_import_is_light():
    code = "import sys, llmops_nb, llmops_nb.data, llmops_nb.vectors, llmops_nb.data_explorer; print(sorted(m for m in ('torch','transformers','faiss','datasets','ipywidgets') if m in sys.modules))"
    out = subprocess.run([PY, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"

def test_stop_token():
    from llmops_nb.core import StopToken, Cancelled
    t = StopToken(); t.stop()
    with pytest.raises(Cancelled): profile(["a b c"] * 10, stop=t)

def test_sample_file_is_what_its_generator_writes():
    "The shipped sample dataset is exactly what nbs/make_sample.py generates (no hand edits)."
    import importlib.util, json
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "nbs" / "make_sample.py")
    m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m)
    want = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in m.rows())
    assert (ROOT / "llmops_nb" / "samples" / "instructions.jsonl").read_text(encoding="utf-8") == want
