"Store faults met by a real user: damaged and foreign files, unusable paths, a silent server, and PostgreSQL stopped while `compare` writes."
import os, sys, json, socket, sqlite3, subprocess, threading
from pathlib import Path
import pytest
from conftest import run_cli
from echo_server import echo_server

def _one_error_line(r, code=2) -> str:
    assert r.returncode == code, (r.returncode, r.stdout, r.stderr)
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    return lines[0]

def test_corrupted_database_is_refused_before_any_work(home):
    from llmops_nb.store import Store
    from llmops_nb.core import InputError
    db = home / "llmops.db"
    st = Store(f"sqlite:///{db}")
    st.insert("calls", [dict(ts=1.0, model="m", prompt_hash=f"h{i}", prompt="p" * 400, output="o" * 400) for i in range(500)])
    st.engine.dispose()
    con = sqlite3.connect(db); con.execute("PRAGMA wal_checkpoint(TRUNCATE)"); con.close()
    with open(db, "r+b") as f: f.seek(db.stat().st_size // 2); f.write(b"\xde\xad\xbe\xef" * 1024)   # a damaged page mid-file
    with pytest.raises(InputError, match="is corrupted .quick_check: .*restore it from a backup"): Store(f"sqlite:///{db}")
    line = _one_error_line(run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "2", "hi"))
    assert "llmops.db' is corrupted" in line

@pytest.mark.parametrize("setup,msg", [
    (lambda h: (h.mkdir(parents=True), (h / "llmops.db").write_text("hello, not a database\n" * 20)), "is not a SQLite database"),
    (lambda h: (h.parent.mkdir(parents=True, exist_ok=True), h.write_text("a file")), "is a file, not a folder; point LLMOPS_HOME"),
    (lambda h: (h / "llmops.db").mkdir(parents=True), "llmops.db' is a directory; point LLMOPS_DB_URL at a file inside it"),
])
def test_unusable_store_paths_are_one_line(home, setup, msg):
    setup(home)
    line = _one_error_line(run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "2", "hi"))
    assert msg in line, line

def test_foreign_sqlite_file_is_left_alone(home, tmp_path):
    from llmops_nb.store import Store
    f = tmp_path / "app.db"
    con = sqlite3.connect(f); con.execute("CREATE TABLE invoices (n INTEGER)"); con.commit(); con.close()
    before = f.read_bytes()
    r = run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "2", "hi", env={**os.environ, "LLMOPS_DB_URL": f"sqlite:///{f}"})
    assert "belongs to another application (tables: invoices)" in _one_error_line(r)
    assert f.read_bytes() == before and not Path(f"{f}-wal").exists()
    assert Store(f"sqlite:///{f}", adopt=True).count("calls") == 0

def test_tilde_in_sqlite_url_is_expanded(home, tmp_path):
    env = {**os.environ, "HOME": str(tmp_path), "LLMOPS_DB_URL": "sqlite:///~/stores/x.db"}
    r = run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "2", "hi", env=env)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "stores" / "x.db").exists() and not Path("~").exists()

def test_silent_server_times_out(home):
    "A server that accepts connections and never answers: the open gives up after LLMOPS_DB_CONNECT_TIMEOUT seconds."
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(16)
    held = []
    threading.Thread(target=lambda: [held.append(srv.accept()) for _ in range(16)], daemon=True).start()
    url = f"postgresql+psycopg2://u@127.0.0.1:{srv.getsockname()[1]}/db"
    env = {**os.environ, "LLMOPS_DB_URL": url, "LLMOPS_DB_CONNECT_TIMEOUT": "2"}
    r = run_cli("generate", "-m", "tiny-random", "--max-new-tokens", "2", "hi", env=env, timeout=120)   # a hang fails here
    line = _one_error_line(r)
    assert "could not open the store" in line and "timeout expired" in line and "LLMOPS_DB_CONNECT_TIMEOUT" in line, line
    assert r.stdout == ""
    srv.close()

def test_driver_hint_names_psycopg3(home):
    import sqlalchemy as sa
    r = run_cli("generate", "-m", "tiny-random", "hi", env={**os.environ, "LLMOPS_DB_URL": "postgresql://u@127.0.0.1:1/db"})
    line = _one_error_line(r)
    if sa.engine.make_url("postgresql://").get_driver_name() == "psycopg":   # SQLAlchemy 2.1
        try: import psycopg  # noqa: F401
        except ImportError: assert 'pip install "psycopg[binary]"' in line and "postgresql+psycopg2://" in line, line

def test_postgres_stopped_while_compare_writes(home, tmp_path):
    "The second model's request stops PostgreSQL: every output is still printed and reported, and the next open writes the journal."
    from pg import PgServer
    from llmops_nb.store import Store, journal_path
    from llmops_nb.models import tiny_random_path
    pg = PgServer().start()
    try:
        stopped, lock = [], threading.Lock()
        def halt(model):
            with lock:
                if not stopped: pg.halt(); stopped.append(model)
        with echo_server(on_request=halt) as url:
            data = tmp_path / "q.csv"; data.write_text("q\nThe fox\nParis is\n")
            third = str(tiny_random_path())     # runs after the stop: its cache read and its writes fail
            env = {**os.environ, "LLMOPS_DB_URL": pg.url}
            r = run_cli("compare", "--models", f"tiny-random,openai:{url}#ok,{third}", "--data", str(data), "--prompt-column", "q",
                        "--max-new-tokens", "4", "--out", str(tmp_path / "r.html"), env=env, timeout=300)
        assert stopped == ["ok"]
        assert r.returncode == 0, r.stderr
        assert "kept in" in r.stderr and "journal.jsonl" in r.stderr, r.stderr
        for m in ("tiny-random", "openai:", third): assert m in r.stdout, r.stdout
        assert "Hello there" in (tmp_path / "r.html").read_text()
        entries = [json.loads(l) for l in journal_path().read_text().splitlines() if l.strip()]
        assert {e["op"] for e in entries} == {"insert", "update"}
        pg.resume()
        st = Store(pg.url)   # replays the journal
        run = st.rows("runs", kind="comparison")[-1]
        assert run["status"] == "done" and st.count("calls", run_id=run["id"]) == 6
        assert journal_path().read_text().strip() == ""
    finally: pg.stop()
