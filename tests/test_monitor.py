"`llmops-nb monitor` and `MonitorState` on a real SQLite store: real generations from the CLI plus synthetic rows that force drift."
import json, math, os, subprocess, sys
import numpy as np
import pytest
from conftest import run_cli, ROOT
from llmops_nb.store import Store
from llmops_nb.monitor import MonitorState, ks_2samp, psi

T0 = 1_790_000_000.0          # synthetic rows live here, far before the real generations
H = 3600.0

def rows(n, t0, t1, tin, tout=(10, 30), model="tiny-random", engine="fast", seed=0, **kw):
    "`n` synthetic calls rows between `t0` and `t1`, prompt tokens uniform in `tin`."
    r = np.random.default_rng(seed)
    return [dict(ts=float(t), model=model, backend=engine, prompt_hash=f"{seed}-{i}", tokens_in=int(r.integers(*tin)),
                 tokens_out=int(r.integers(*tout)), latency=0.2, ttft=0.02, **kw) for i, t in enumerate(np.sort(r.uniform(t0, t1, n)))]

@pytest.fixture(scope="module")
def db(tmp_path_factory):
    "A store with real tiny-random generations (recorded by `llmops-nb generate`) and synthetic hours: A same-distribution, B drifted."
    home = tmp_path_factory.mktemp("mon") / "home"
    env = dict(os.environ, LLMOPS_HOME=str(home)); env.pop("LLMOPS_DB_URL", None)
    r = run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "4", "Hello there", "The capital of France is", "One two three", env=env)
    assert r.returncode == 0, r.stderr
    st = Store(f"sqlite:///{home}/llmops.db")
    st.insert("calls", rows(80, T0, T0 + H, (20, 40), seed=1) + rows(80, T0 + H, T0 + 2 * H, (20, 40), seed=2)          # A: no drift
                     + rows(80, T0 + 10 * H, T0 + 11 * H, (20, 40), seed=3) + rows(80, T0 + 11 * H, T0 + 12 * H, (60, 120), seed=4))  # B: drift
    return st

def monitor(db, *args):
    r = run_cli("monitor", "--db", db.url, *args)
    return r.returncode, r.stdout, r.stderr

def test_cli_json_shows_the_real_generations(db):
    code, out, err = monitor(db, "--json")
    assert code == 0, err
    rep = json.loads(out)
    assert rep["calls"] == 3 + 320
    assert any(s["model"] == "tiny-random" and s["calls"] >= 3 for s in rep["summary"])
    assert {"calls", "p50_latency", "p95_latency", "p50_ttft", "tokens_in", "tokens_out", "tok_s", "error_rate"} <= set(rep["summary"][0])
    assert sum(t["calls"] for t in rep["timeline"]) == 323
    # by default the current window is the last hour before the latest (real) call: too few calls to test
    assert all(d["drifted"] is False and d["note"] for d in rep["drift"])

def test_cli_text_output(db):
    code, out, err = monitor(db, "--since", str(T0 + 10 * H))
    assert code == 0, err
    assert "by model, engine and prompt version" in out and "drift (window 3600 s)" in out and "alerts:" in out

def test_drift_true_positive_fails_on_alert(db):
    code, out, err = monitor(db, "--json", "--end", str(T0 + 12 * H), "--fail-on-alert")
    assert code == 3, err
    rep = json.loads(out)
    d = {x["feature"]: x for x in rep["drift"]}
    assert d["prompt_tokens"]["drifted"] is True and d["prompt_tokens"]["p_value"] < 1e-6 and d["prompt_tokens"]["value"] > 0.5
    assert d["output_tokens"]["drifted"] is False
    assert [a["where"] for a in rep["alerts"]] == ["prompt_tokens"]

def test_drift_true_negative_passes(db):
    code, out, err = monitor(db, "--json", "--end", str(T0 + 2 * H), "--fail-on-alert")
    assert code == 0, err
    rep = json.loads(out)
    assert [d["drifted"] for d in rep["drift"]] == [False, False]
    assert all(d["n_ref"] == 80 and d["n_cur"] == 80 for d in rep["drift"])
    assert rep["alerts"] == []

def test_drift_rates_over_seeds(tmp_path):
    "Same distribution: (almost) never flagged; shifted: always flagged, over 40 seeds each."
    st = Store(f"sqlite:///{tmp_path}/s.db")
    for s in range(40):
        st.insert("calls", rows(60, T0 + s * 10 * H, T0 + s * 10 * H + H, (20, 40), seed=100 + s)
                         + rows(60, T0 + s * 10 * H + H, T0 + s * 10 * H + 2 * H, (20, 40) if s < 20 else (28, 48), seed=200 + s))
    m = MonitorState(st, window="1h")
    flagged = [bool(m.drift(end=T0 + s * 10 * H + 2 * H).drifted[0]) for s in range(40)]
    assert sum(flagged[:20]) <= 1 and all(flagged[20:]), flagged

def test_ks_equals_scipy():
    stats = pytest.importorskip("scipy.stats")
    r = np.random.default_rng(7)
    for a, b in [(r.normal(0, 1, 50), r.normal(0.3, 1, 70)), (r.integers(0, 20, 200), r.integers(2, 22, 150)), (r.exponential(1, 400), r.exponential(1.2, 300))]:
        d, p = ks_2samp(a, b)
        ref = stats.ks_2samp(a, b, method="asymp")
        assert d == pytest.approx(ref.statistic, abs=1e-12)
        assert abs(p - ref.pvalue) < 0.03, (p, ref.pvalue)

def test_cost_by_hand(tmp_path):
    st = Store(f"sqlite:///{tmp_path}/c.db")
    d1, d2 = 1_795_046_400.0, 1_795_132_800.0        # 2026-11-19 and 2026-11-20, 00:00 UTC
    st.insert("calls", [dict(ts=d1 + 10, model="gpt-x", backend="openai", prompt_hash="a", tokens_in=1000, tokens_out=200, latency=1.0),
                        dict(ts=d1 + 20, model="gpt-x", backend="openai", prompt_hash="b", tokens_in=3000, tokens_out=400, latency=2.0),
                        dict(ts=d2 + 10, model="gpt-x", backend="openai", prompt_hash="c", tokens_in=2000, tokens_out=1000, latency=3.0),
                        dict(ts=d1 + 30, model="local", backend="fast", prompt_hash="d", tokens_in=50, tokens_out=10, latency=0.5),
                        dict(ts=d1 + 40, model="local", backend="llama.cpp", prompt_hash="e", tokens_in=50, tokens_out=10, latency=1.25)])
    (tmp_path / "p.json").write_text(json.dumps({"gpt-x": {"input": 0.5, "output": 1.5}}))
    (tmp_path / "p.csv").write_text("model,input,output\ngpt-x,0.5,1.5\n")
    for f in ("p.json", "p.csv"):
        code, out, err = monitor(st, "--json", "--prices", str(tmp_path / f), "--max-cost", "2.6", "--fail-on-alert")
        assert code == 3, err
        rep = json.loads(out)
        c = {(x["model"], x["day"]): x for x in rep["cost"]}
        assert c[("gpt-x", "2026-11-19")]["cost"] == pytest.approx(1000 / 1000 * 0.5 + 200 / 1000 * 1.5 + 3000 / 1000 * 0.5 + 400 / 1000 * 1.5)  # 2.9
        assert c[("gpt-x", "2026-11-20")]["cost"] == pytest.approx(2.5)
        assert c[("gpt-x", "2026-11-19")]["compute_s"] is None
        assert c[("local", "2026-11-19")]["cost"] is None and c[("local", "2026-11-19")]["compute_s"] == pytest.approx(1.75)
        assert [(a["kind"], a["where"]) for a in rep["alerts"]] == [("cost", "2026-11-19")]

def test_alert_callback_fires_once_per_new_breach(tmp_path):
    st = Store(f"sqlite:///{tmp_path}/a.db")
    st.insert("calls", rows(20, T0, T0 + 60, (20, 40), model="slow", seed=5))
    fired = []
    m = MonitorState(st, thresholds={"p95_latency": 0.1, "error_rate": 0.5}, on_alert=fired.append)
    assert [a["kind"] for a in m.check_alerts()] == ["p95_latency"]
    st.insert("calls", rows(5, T0 + 60, T0 + 70, (20, 40), model="slow", seed=6))
    m.refresh(); m.check_alerts(); m.check_alerts()
    assert [a["key"] for a in fired] == ["p95_latency|slow / fast / (none)"]
    st.insert("calls", [dict(ts=T0 + 80 + i, model="bad", backend="fast", prompt_hash="x", tokens_in=5, error="boom") for i in range(3)])
    m.refresh(); m.check_alerts(); m.check_alerts()
    assert [a["kind"] for a in fired] == ["p95_latency", "error_rate"]

@pytest.mark.parametrize("args,msg", [
    (["--window", "soon"], "duration 'soon' is not a positive number"),
    (["--since", "yesterday-ish"], "since='yesterday-ish' is not a time"),
    (["--max-p95-latency", "-1"], "argument --max-p95-latency: '-1' is not a finite number >= 0"),
    (["--drift-p", "0"], "argument --drift-p: '0' is not a finite number > 0"),
    (["--prices", "/nonexistent/p.json"], "price file '/nonexistent/p.json' does not exist"),
    (["--by", "model"], "unrecognized arguments: --by model"),
])
def test_bad_input_is_one_clear_line(db, args, msg):
    code, out, err = monitor(db, *args)
    assert code == 2, (code, err)
    assert msg in err and len(err.strip().splitlines()) == 1, err

def test_bad_price_table_and_missing_db(tmp_path, db):
    (tmp_path / "neg.json").write_text(json.dumps({"gpt-x": {"input": -1, "output": 1}}))
    (tmp_path / "bad.json").write_text("{not json")
    for f, msg in (("neg.json", "price of 'gpt-x' input=-1 must be a number >= 0"), ("bad.json", "is not JSON")):
        code, out, err = monitor(db, "--prices", str(tmp_path / f))
        assert code == 2 and msg in err, err
    r = run_cli("monitor", "--db", f"sqlite:///{tmp_path}/nope.db")
    assert r.returncode == 2 and "no such SQLite file" in r.stderr and not (tmp_path / "nope.db").exists()

def test_empty_store_is_a_note_not_a_crash(tmp_path):
    st = Store(f"sqlite:///{tmp_path}/e.db")
    code, out, err = monitor(st, "--json", "--fail-on-alert", "--max-p95-latency", "1")
    assert code == 0, err
    rep = json.loads(out)
    assert (rep["calls"], rep["summary"], rep["alerts"]) == (0, [], [])
    assert "note: no calls recorded yet" in err

def test_view_draws_without_torch(db):
    code = ("import sys; from llmops_nb.monitor import Monitor; from llmops_nb.store import Store; "
            f"m = Monitor(Store({db.url!r}), thresholds={{'p95_latency': 0.01}}, auto=False); "
            "print(len(m.fig_groups.data), 'alert(s)' in m.flags.value, 'torch' in sys.modules, 'transformers' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)), timeout=300)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["7", "True", "False", "False"]
