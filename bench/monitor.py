"""Benchmark the monitor on a store of 100k calls: `load_calls` (the columns it needs, prompt labels joined) against the
naive `Store.frame('calls')` (every column, text included), then `refresh()` with nothing new, `refresh()` after 100 new calls
(read incrementally) against a full reload, and `report()`.
Prints ratios; absolute times on shared machines are noisy."""
import os, sys
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import time, tempfile
import numpy as np
from llmops_nb.store import Store
from llmops_nb.monitor import MonitorState, load_calls

N = int(os.environ.get("N", 100_000))

def fill(st, n):
    r = np.random.default_rng(0); t0 = 1_795_000_000.0
    for b in range(0, n, 20_000):
        m = min(20_000, n - b)
        st.insert("calls", [dict(ts=t0 + (b + i) * 0.5, model=f"m{i % 3}", backend="fast", prompt_hash=f"{b + i:064x}",
                                 prompt="a prompt of some length " * 8, output="an output " * 20, tokens_in=int(r.integers(20, 200)),
                                 tokens_out=int(r.integers(1, 64)), latency=float(r.uniform(0.1, 2)), ttft=0.05) for i in range(m)])

def best(f, k=3):
    ts = []
    for _ in range(k): t = time.perf_counter(); f(); ts.append(time.perf_counter() - t)
    return min(ts)

if __name__ == "__main__":
    st = Store(f"sqlite:///{tempfile.mkdtemp()}/bench.db"); fill(st, N)
    naive = best(lambda: st.frame("calls"))
    ours = best(lambda: load_calls(st))
    s = MonitorState(st, window="1h")
    noop = best(lambda: s.refresh())
    def add_and_refresh():
        st.insert("calls", [dict(ts=2e9, model="m0", backend="fast", prompt_hash="n", tokens_in=5, tokens_out=5, latency=0.1)] * 100)
        t = time.perf_counter(); s.refresh(); return time.perf_counter() - t
    inc = min(add_and_refresh() for _ in range(3))
    full = best(lambda: s.refresh(force=True))
    rep = best(lambda: s.report(), k=1)
    print(f"{N:,} calls: Store.frame {naive:.2f} s, load_calls {ours:.2f} s ({naive / ours:.1f}x faster); "
          f"refresh with nothing new {noop * 1000:.1f} ms; after 100 new calls {inc * 1000:.0f} ms against {full:.2f} s for a full reload ({full / inc:.0f}x); "
          f"report() {rep:.2f} s ({rep / naive:.2f}x a Store.frame)")
