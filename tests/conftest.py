"Shared set-up for the integration tests: offline, quiet, and a throwaway LLMOPS_HOME."
import os, sys, subprocess
from pathlib import Path
import pytest

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ["LLMOPS_PROGRESS"] = "0"
ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

@pytest.fixture()
def home(tmp_path, monkeypatch):
    "A fresh LLMOPS_HOME (and so a fresh SQLite store) for one test."
    monkeypatch.setenv("LLMOPS_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LLMOPS_DB_URL", raising=False)
    return tmp_path / "home"

def free_port() -> int:
    "A free TCP port on 127.0.0.1."
    import socket
    with socket.socket() as s: s.bind(("127.0.0.1", 0)); return s.getsockname()[1]

def run_cli(*args, env=None, timeout=600):
    "Run the installed `llmops-nb` console script; returns the CompletedProcess."
    return subprocess.run([str(BIN / "llmops-nb"), *args], capture_output=True, text=True, env=env or os.environ.copy(), timeout=timeout)
