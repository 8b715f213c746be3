"Several processes writing to one SQLite store at once: every row lands, no error surfaces."
import multiprocessing as mp, time
from llmops_nb.store import Store

def _writer(url, n, wid, q):
    try:
        st = Store(url)
        for i in range(n): st.insert("calls", dict(ts=time.time(), model=f"w{wid}", prompt_hash=f"{wid}-{i}", tokens_in=i))
        q.put(None)
    except Exception as e: q.put(repr(e))

def test_four_processes_500_inserts_each(tmp_path):
    url = f"sqlite:///{tmp_path}/c.db"   # fresh file: the writers also race to create the schema
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    ps = [ctx.Process(target=_writer, args=(url, 500, w, q)) for w in range(4)]
    for p in ps: p.start()
    errors = [q.get(timeout=300) for _ in ps]
    for p in ps: p.join(60)
    assert errors == [None] * 4
    st = Store(url)
    assert st.count("calls") == 2000
    assert all(st.count("calls", model=f"w{w}") == 500 for w in range(4))
    assert st.version == len(__import__("llmops_nb.store", fromlist=["MIGRATIONS"]).MIGRATIONS)

def test_failed_batch_writes_nothing(tmp_path):
    st = Store(f"sqlite:///{tmp_path}/f.db")
    rows = [dict(ts=1.0, model="m", prompt_hash="a"), dict(ts=2.0, model=None, prompt_hash="b")]
    try: st.insert("calls", rows)
    except Exception: pass
    else: raise AssertionError("a NOT NULL violation should raise")
    assert st.count("calls") == 0
