"Ratings for real: agreement equal to scikit-learn, statsmodels and krippendorff; 4 annotator processes at once on SQLite and PostgreSQL; kill -9; PostgreSQL stopped mid-session; the CLI."
import json, os, signal, subprocess, sys, time
import multiprocessing as mp
import numpy as np
import pytest
from conftest import ROOT, run_cli
from llmops_nb.store import Store, journal_path
from llmops_nb.ratings import Ratings, Scale
from llmops_nb.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, count_table
from llmops_nb.tasks import RatingTask

# --- agreement equals the reference implementations ------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(20))
def test_cohen_kappa_equals_sklearn(seed):
    from sklearn.metrics import cohen_kappa_score
    rng = np.random.default_rng(seed)
    k = int(rng.integers(2, 6)); a = rng.integers(0, k, 200); b = np.where(rng.random(200) < 0.6, a, rng.integers(0, k, 200))
    for w in (None, "linear", "quadratic"):
        assert cohen_kappa(a, b, weights=w) == cohen_kappa_score(a, b, weights=w)
    la, lb = np.array(["a", "b", "tie"])[a % 3], np.array(["a", "b", "tie"])[b % 3]
    assert cohen_kappa(la, lb) == cohen_kappa_score(la, lb)

@pytest.mark.parametrize("seed", range(20))
def test_fleiss_kappa_equals_statsmodels(seed):
    from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss, aggregate_raters
    rng = np.random.default_rng(seed)
    n_items, n_raters, k = 50, int(rng.integers(2, 7)), int(rng.integers(2, 6))
    truth = rng.integers(0, k, n_items)
    data = np.where(rng.random((n_items, n_raters)) < 0.7, truth[:, None], rng.integers(0, k, (n_items, n_raters)))
    table, _ = aggregate_raters(data)
    assert fleiss_kappa(table) == sm_fleiss(table, method="fleiss")
    mine, cats = count_table([list(r) for r in data])
    assert fleiss_kappa(mine) == sm_fleiss(aggregate_raters(data)[0])

@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval"])
def test_krippendorff_alpha_equals_package(seed, level):
    import krippendorff
    rng = np.random.default_rng(seed)
    n_raters, n_items, k = int(rng.integers(2, 6)), 60, int(rng.integers(2, 7))
    truth = rng.integers(1, k + 1, n_items)
    data = np.where(rng.random((n_raters, n_items)) < 0.6, truth[None, :], rng.integers(1, k + 1, (n_raters, n_items))).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    assert krippendorff_alpha(data, level) == krippendorff.alpha(reliability_data=data, level_of_measurement=level)

def test_agreement_table_matches_references(tmp_path):
    "Ratings.agreement per criterion gives the references' numbers on the same ratings."
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    R = Ratings(Store(f"sqlite:///{tmp_path}/a.db"))
    rng = np.random.default_rng(0)
    vals = rng.integers(1, 6, (2, 40))
    vals[1] = np.where(rng.random(40) < 0.6, vals[0], vals[1])
    recs = [dict(item=dict(prompt=f"q{i}", output="o"), value=int(vals[w, i]), schema=Scale(5), annotator=f"a{w}") for w in range(2) for i in range(40)]
    R.add_many(recs)
    ag = R.agreement().set_index("schema").loc["scale"]
    assert ag["items"] == 40 and ag["annotators"] == 2
    assert ag["cohen_kappa"] == pytest.approx(cohen_kappa_score(vals[0], vals[1]), abs=1e-12)
    assert ag["alpha_ordinal"] == pytest.approx(krippendorff.alpha(reliability_data=vals.astype(float), level_of_measurement="ordinal"), abs=1e-12)

def _journal() -> list:
    "The entries in the store's journal (LLMOPS_HOME/journal.jsonl)."
    p = journal_path()
    return [json.loads(l) for l in p.read_text().splitlines() if l.strip()] if p.exists() else []

# --- 4 annotators at once ---------------------------------------------------------------------------------------------

def _annotator(url, n, w, q):
    "One annotator process: `n` ratings, each acknowledged with a stored id."
    try:
        R = Ratings(url)
        ids = [R.add(dict(prompt=f"w{w} item {i}", output=f"out {i}"), i % 5 + 1, "scale", f"annotator{w}", seconds=0.1) for i in range(n)]
        q.put(None if all(i is not None for i in ids) else f"{sum(i is None for i in ids)} ratings only journaled: {R.last_error}")
    except Exception as e: q.put(f"{type(e).__name__}: {e}")

def _four_annotators(url):
    ctx = mp.get_context("spawn"); q = ctx.Queue()
    Store(url)  # migrate once up front
    ps = [ctx.Process(target=_annotator, args=(url, 500, w, q)) for w in range(4)]
    for p in ps: p.start()
    errors = [q.get(timeout=600) for _ in ps]
    for p in ps: p.join(60)
    assert errors == [None] * 4
    st = Store(url)
    assert st.count("ratings") == 2000
    rows = st.rows("ratings")
    assert len({r["uid"] for r in rows}) == 2000 and all(r["supersedes"] is None for r in rows)
    assert {r["annotator"] for r in rows} == {f"annotator{w}" for w in range(4)}
    assert _journal() == []

def test_four_annotators_sqlite(tmp_path, home):
    _four_annotators(f"sqlite:///{tmp_path}/ratings.db")

# --- kill -9 ----------------------------------------------------------------------------------------------------------

CHILD = """
import sys
from llmops_nb.ratings import Ratings
R = Ratings(sys.argv[1])
i = 0
while True:
    rid = R.add(dict(prompt=f"k {i}", output="o"), i % 5 + 1, "scale", "killed")
    print(f"ack {i} {rid}", flush=True)
    i += 1
"""

def _run_child(url):
    return subprocess.Popen([sys.executable, "-c", CHILD, url], stdout=subprocess.PIPE, text=True, env=dict(os.environ, PYTHONPATH=str(ROOT)))

def _acks(proc, n, on=None) -> list:
    "Read `n` acknowledgements (item, id) from the child; call `on(k)` after the k-th."
    out = []
    for line in proc.stdout:
        _, i, rid = line.split()
        out.append((int(i), None if rid == "None" else int(rid)))
        if on: on(len(out))
        if len(out) >= n: break
    return out

def test_kill9_loses_no_acknowledged_rating(tmp_path, home):
    url = f"sqlite:///{tmp_path}/k.db"
    Store(url)
    p = _run_child(url)
    acks = _acks(p, 300)
    os.kill(p.pid, signal.SIGKILL); p.wait(30)
    st = Store(url)
    have = {r["prompt"] for r in st.rows("ratings")}
    assert {f"k {i}" for i, _ in acks} <= have
    assert st.count("ratings") == len(have)          # none twice

# --- PostgreSQL -------------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pg():
    from pg import PgServer
    srv = PgServer().start()
    yield srv
    srv.stop()

def _pg_ctl(srv, *args):
    from pg import _bin
    subprocess.run(srv.user + [_bin("pg_ctl"), "-D", srv.data, "-w", "-l", os.path.join(srv.dir, "log"), *args], check=True, capture_output=True)

def _pg_stop(srv): _pg_ctl(srv, "-m", "fast", "stop")
def _pg_start(srv): _pg_ctl(srv, "-o", f"-p {srv.port} -k {srv.dir} -c listen_addresses=127.0.0.1 -c max_connections=50", "start")

def test_four_annotators_postgres(pg, tmp_path, home):
    st = Store(pg.url)
    with st.write() as c: c.exec_driver_sql("DELETE FROM ratings")
    _four_annotators(pg.url)

def test_postgres_end_to_end(pg, tmp_path, home):
    st = Store(pg.url)
    assert st.engine.dialect.name == "postgresql"
    with st.write() as c: c.exec_driver_sql("DELETE FROM ratings")
    R = Ratings(pg.url)
    items = [dict(prompt=f"Q{i}", a=f"good {i}", b=f"bad {i}", models=["m1", "m2"]) for i in range(6)]
    T = RatingTask("pg-task", items, "pairwise", "Pick the **better** answer.", ["ann", "bob"], overlap=2).suggest({0: "a"})
    T.save(st)
    T = RatingTask.load(pg.url, "pg-task")
    for who in ("ann", "bob"):
        for i in T.assigned(who): R.add(T.items[i], "a" if i % 3 else "tie", T.schema, who, task="pg-task", left="b")
    first = R.add(T.items[1], "b", T.schema, "ann", task="pg-task")        # a change of mind
    R.add(T.items[1], "a", T.schema, "ann", task="pg-task")
    assert st.rows("ratings", id=first + 1)[0]["supersedes"] == first
    f = R.to_frame(task="pg-task")
    assert len(f) == 12 and len(R.to_frame(task="pg-task", history=True)) == 14
    d = R.to_dpo(task="pg-task")
    assert sorted(d.chosen) == [f"good {i}" for i in range(6) if i % 3]
    ag = R.agreement(task="pg-task").set_index("schema").loc["pairwise"]
    assert ag["items"] == 6 and ag["cohen_kappa"] == 1.0
    assert T.progress(R).done.tolist() == [6, 6]
    with pytest.raises(Exception, match="can change only their own"): R.retract(first + 1, "bob")
    r = run_cli("ratings", "stats", "--db", pg.url, "--task", "pg-task")
    assert r.returncode == 0 and "12 current ratings" in r.stdout, r.stderr
    r = run_cli("ratings", "export", "--format", "dpo", str(tmp_path / "d.jsonl"), "--db", pg.url)
    assert r.returncode == 0 and len((tmp_path / "d.jsonl").read_text().splitlines()) == 4, r.stderr

def test_postgres_stopped_mid_session(pg, tmp_path, home):
    "Ratings given while PostgreSQL is down go to the store's journal (fsynced, acknowledged); after a restart they are sent once, and a replay of entries already sent stores nothing twice."
    st = Store(pg.url)
    with st.write() as c: c.exec_driver_sql("DELETE FROM ratings")
    R = Ratings(pg.url, retry_s=0)
    ids = [R.add(dict(prompt=f"s {i}", output="o"), 3, "scale", "ann") for i in range(20)]
    assert None not in ids
    _pg_stop(pg)
    try:
        down = [R.add(dict(prompt=f"s {i}", output="o"), 4, "scale", "ann") for i in range(20, 50)]
        down += [R.add(dict(prompt="s 0", output="o"), 5, "scale", "ann")]       # a change while offline
        assert down == [None] * 31 and R.unsent == 31 and not R.online
        assert "database unreachable" in R.last_error
        kept = _journal()
        assert sum(len(e["rows"]) for e in kept) == 31 and {e["table"] for e in kept} == {"ratings"}
        assert R.flush() == 0                                                     # still down: nothing sent, nothing lost
    finally: _pg_start(pg)
    assert R.flush() == 31 and R.unsent == 0 and _journal() == []
    assert R.flush() == 0
    with open(journal_path(), "a") as f: f.write("".join(json.dumps(e) + "\n" for e in kept))   # the same entries again (a replay cut off before the journal was emptied)
    assert R.flush() == 31 and _journal() == []                                   # sent again, stored once (uids)
    st = Store(pg.url)
    assert st.count("ratings") == 51 and len({r["uid"] for r in st.rows("ratings")}) == 51
    f = R.to_frame()
    assert len(f) == 50 and f[f.prompt == "s 0"].value.tolist() == [5]

def test_postgres_stopped_then_kill9(pg, tmp_path, home):
    "A process acknowledging ratings into its journal while PostgreSQL is down, then killed: the next session sends them all, once."
    st = Store(pg.url)
    with st.write() as c: c.exec_driver_sql("DELETE FROM ratings")
    p = _run_child(pg.url)
    stopped = []
    def stop_at(k):
        if k == 50: _pg_stop(pg); stopped.append(True)
    try:
        acks = _acks(p, 50, on=stop_at)
        acks += _acks(p, 100)                       # keeps going while the database is down
        os.kill(p.pid, signal.SIGKILL); p.wait(30)
    finally:
        if stopped: _pg_start(pg)
    assert any(rid is None for _, rid in acks)       # some were only journaled when acknowledged
    R = Ratings(pg.url)  # a new session sends what the dead one left in the journal
    have = [r["prompt"] for r in Store(pg.url).rows("ratings")]
    assert {f"k {i}" for i, _ in acks} <= set(have)
    assert len(have) == len(set(have))                # none twice
    assert _journal() == []

# --- CLI --------------------------------------------------------------------------------------------------------------

def test_cli_stats_and_exports(tmp_path, home):
    url = f"sqlite:///{tmp_path}/c.db"
    R = Ratings(url)
    for who, ch in (("ann", "a"), ("bob", "a"), ("cy", "tie")): R.add_pairwise("Capital of France?", "Paris", "Lyon", ch, who)
    R.add(dict(prompt="Capital of Peru?", output="Quito"), "Lima", "correction", "ann")
    r = run_cli("ratings", "stats", "--db", url)
    assert r.returncode == 0 and "4 current ratings" in r.stdout and "pairwise 3" in r.stdout, r.stderr
    r = run_cli("ratings", "stats", "--db", url, "--json")
    assert json.loads(r.stdout)["by_schema"] == {"pairwise": 3, "correction": 1}
    for fmt, n in (("jsonl", 4), ("dpo", 1), ("sft", 1)):
        r = run_cli("ratings", "export", "--format", fmt, str(tmp_path / f"{fmt}.jsonl"), "--db", url)
        assert r.returncode == 0 and f"wrote {n} {fmt} rows" in r.stdout, r.stderr
    assert json.loads((tmp_path / "dpo.jsonl").read_text()) == dict(prompt="Capital of France?", chosen="Paris", rejected="Lyon")
    r = run_cli("ratings", "export", "--format", "dpo", str(tmp_path / "x.jsonl"), "--db", url, "--min-agreement", "0.9")
    assert r.returncode == 2 and r.stderr.count("\n") == 1 and "no usable pairs" in r.stderr, r.stderr
    r = run_cli("ratings", "stats", "--db", "postgresql+psycopg2://u:pw@127.0.0.1:9/x")
    assert r.returncode == 2 and "could not open the store" in r.stderr and "is the server running" in r.stderr and "pw@" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    r = run_cli("ratings", "export", "--format", "csv", "o", "--db", url)
    assert r.returncode == 2 and "invalid choice: 'csv'" in r.stderr
    r = run_cli("--help")
    assert "ratings" in r.stdout
