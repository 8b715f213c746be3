"The store on a real PostgreSQL server: migrations, concurrent writers, and generation records."
import multiprocessing as mp
import pytest
from pg import PgServer
from llmops_nb.store import Store, MIGRATIONS
from test_store_concurrency import _writer

@pytest.fixture(scope="module")
def pg():
    srv = PgServer().start()
    yield srv
    srv.stop()

def test_migrations_and_concurrent_writers(pg):
    ctx = mp.get_context("spawn"); q = ctx.Queue()
    ps = [ctx.Process(target=_writer, args=(pg.url, 500, w, q)) for w in range(4)]
    for p in ps: p.start()
    errors = [q.get(timeout=300) for _ in ps]
    for p in ps: p.join(60)
    assert errors == [None] * 4
    st = Store(pg.url)
    assert st.engine.dialect.name == "postgresql"
    assert st.version == len(MIGRATIONS)
    assert st.count("calls") == 2000

def test_generate_records_into_postgres(pg):
    from llmops_nb.generate import generate
    st = Store(pg.url)
    n = st.count("calls", model="tiny-random")
    gs = generate("tiny-random", ["a", "b", "c"], max_new_tokens=4, store=st)
    assert [g.call_id is not None for g in gs] == [True] * 3
    assert st.count("calls", model="tiny-random") == n + 3
    assert "***" not in repr(st) and "postgres@127.0.0.1" in repr(st)

def test_password_never_in_repr():
    st = Store.__new__(Store); st.url = "postgresql://bob:hunter2@db/x"
    assert "hunter2" not in repr(st)
