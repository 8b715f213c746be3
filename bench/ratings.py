"""Benchmark the ratings layer, in one run, on a SQLite file.

- Key press to committed: `RaterState.key('3')` until the rating is in the database, p50/p95 over 400 presses, in the
  widget's way (a background commit: key press to the commit's end) and synchronously; baseline: a bare SQLAlchemy
  insert of one row in its own write transaction (no validation, no uid dedup, no supersede lookup, no journal), same
  store, same row count. (`Store.insert('ratings', ...)` is not bare: the ratings table's write rules run in it.)
- Bulk import: `Ratings.add_many` of 10,000 ratings (validated, deduplicated by uid, supersedes set) vs a bare
  SQLAlchemy executemany of the same rows in one transaction.
- Agreement on 10,000 ratings (4 annotators x 2,500 items, 1-5 scale): `Ratings.agreement()` (reads the store, Cohen,
  Fleiss, Krippendorff nominal + ordinal) vs the reference implementations alone on the in-memory matrix.
Absolute times on shared machines are noisy; ratios are what to watch.
"""
import os, sys
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import time, tempfile, subprocess, uuid, json, warnings
os.environ.setdefault("LLMOPS_PROGRESS", "0")
warnings.filterwarnings("ignore")
import numpy as np

def pct(xs, q): return float(np.percentile(np.array(xs) * 1000, q))

def cpu_name():
    out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    return next((l.split(":", 1)[1].strip() for l in out.splitlines() if l.startswith("Model name")), "unknown CPU")

def bare_insert(st, rows):
    "The baseline: `rows` inserted by plain SQLAlchemy in one write transaction of `st`, none of the ratings' write rules."
    t = st.table("ratings")
    enc = lambda r: {k: json.dumps(v) if isinstance(v, (dict, list)) else v for k, v in r.items()}   # JSON columns as text, as the store writes them
    with st.write() as conn: conn.execute(t.insert(), [enc(r) for r in rows])

def key_latency(d, n=400):
    import pandas as pd
    from llmops_nb.store import Store
    from llmops_nb.ratings import Ratings
    from llmops_nb.rater import RaterState
    st = Store(f"sqlite:///{d}/keys.db")
    R = Ratings(st)
    df = pd.DataFrame(dict(prompt=[f"Question {i}: explain item {i} in a few words." for i in range(2 * n)],
                           output=[f"An answer of moderate length for item {i}. " * 4 for i in range(2 * n)], model="m"))
    sync, bg, base = [], [], []
    s = RaterState(df.iloc[:n], "scale", "bench-sync", ratings=R)
    for i in range(n):
        t = time.perf_counter(); s.key(str(i % 5 + 1)); sync.append(time.perf_counter() - t)
    b = RaterState(df.iloc[n:], "scale", "bench-bg", ratings=R, background=True)
    for i in range(n):
        t = time.perf_counter(); b.key(str(i % 5 + 1)); b.futures[-1].result(); bg.append(time.perf_counter() - t)
    row = R.rows_for(dict(prompt="p", output="o"), 3, "scale", "base")[0]
    for i in range(n):
        r = dict(row, uid=uuid.uuid4().hex)
        t = time.perf_counter(); bare_insert(st, [r]); base.append(time.perf_counter() - t)
    return sync, bg, base

def bulk(d, n=10_000):
    from llmops_nb.store import Store
    from llmops_nb.ratings import Ratings, Scale
    import llmops_nb.agreement   # adds Ratings.agreement
    st = Store(f"sqlite:///{d}/bulk.db"); R = Ratings(st)
    recs = [dict(item=dict(prompt=f"q{i // 4}", output=f"o{i // 4}"), value=i % 5 + 1, schema=Scale(5), annotator=f"a{i % 4}") for i in range(n)]
    t = time.perf_counter(); R.add_many(recs); ours = n / (time.perf_counter() - t)
    rows = [r for rec in recs for r in R.rows_for(**rec)]
    st2 = Store(f"sqlite:///{d}/bulk2.db")
    t = time.perf_counter(); bare_insert(st2, rows); base = n / (time.perf_counter() - t)
    return R, ours, base

def agreement(R):
    import krippendorff
    from sklearn.metrics import cohen_kappa_score
    from statsmodels.stats.inter_rater import fleiss_kappa, aggregate_raters
    t = time.perf_counter(); ag = R.agreement(); ours = time.perf_counter() - t
    f = R.to_frame()
    m = f.assign(u=f.item_key).pivot(index="annotator", columns="u", values="value").to_numpy(dtype=float)
    t = time.perf_counter()
    krippendorff.alpha(reliability_data=m, level_of_measurement="nominal"); krippendorff.alpha(reliability_data=m, level_of_measurement="ordinal")
    fleiss_kappa(aggregate_raters(m.T.astype(int))[0]); cohen_kappa_score(m[0], m[1])
    ref = time.perf_counter() - t
    return ag, ours, ref

if __name__ == "__main__":
    d = tempfile.mkdtemp()
    print(f"CPU: {cpu_name()}, {os.cpu_count()} cores")
    sync, bg, base = key_latency(d)
    print(f"key press -> committed, background (the widget): p50 {pct(bg, 50):.2f} ms, p95 {pct(bg, 95):.2f} ms (goal p95 <= 20 ms)")
    print(f"key press -> committed, synchronous:            p50 {pct(sync, 50):.2f} ms, p95 {pct(sync, 95):.2f} ms")
    print(f"bare SQLAlchemy insert of one row (baseline):  p50 {pct(base, 50):.2f} ms, p95 {pct(base, 95):.2f} ms; "
          f"ratio background/bare p50 {pct(bg, 50) / pct(base, 50):.2f}")
    R, ours, b = bulk(d)
    print(f"bulk import: add_many {ours:,.0f} ratings/s vs bare SQLAlchemy executemany {b:,.0f} rows/s (ratio {ours / b:.2f})")
    ag, ours, ref = agreement(R)
    print(f"agreement on {len(R.to_frame()):,} ratings: Ratings.agreement() {ours * 1000:.0f} ms (store read + all measures) "
          f"vs reference libraries on the in-memory matrix {ref * 1000:.0f} ms (ratio {ours / ref:.1f})")
    print(ag.to_string(index=False, float_format=lambda x: f"{x:.4f}"))
