"`import llmops_nb` is fast and pulls in no heavy library."
import subprocess, sys, json

HEAVY = ["torch", "transformers", "datasets", "faiss", "peft", "accelerate", "trl"]

def _probe(stmt):
    code = f"import sys, time; t=time.perf_counter(); {stmt}; dt=time.perf_counter()-t; import json; print(json.dumps([dt, sorted(m for m in {HEAVY!r} if m in sys.modules)]))"
    return json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)

def test_import_package_is_light_and_fast():
    times = []
    for _ in range(3):
        dt, heavy = _probe("import llmops_nb")
        assert heavy == []
        times.append(dt)
    assert min(times) < 0.3, times

def test_layers_import_without_heavy_libraries():
    for mod in ["core", "store", "models", "generate", "cli"]:
        dt, heavy = _probe(f"import llmops_nb.{mod}")
        assert heavy == [], (mod, heavy)
