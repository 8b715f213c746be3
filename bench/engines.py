"""llama.cpp and torch engines side by side, in one process, on the same prompts and GGUF files (issue 13).

1. One prompt (64 new tokens, greedy), SmolLM2 and Gemma 3: `generate(engine="auto")` against llama-cpp-python's own
   `Llama.create_completion` on the same file and prompt text (goal >= 0.9x: the wrapper costs <= 10%), and against the
   torch engine on the same model (goal >= 3.5x).
2. The 32 bench prompts of bench/generate.py on SmolLM2: `auto` against the better of llama.cpp (one prompt at a time)
   and the batched torch engine (goal >= 0.9x of the better).
3. Gemma 3 load: seconds from nothing to the first generated token through `load_model` + `generate`, and peak RSS
   against the file size, each measured in a fresh child process (goal <= 2 s, <= 1.5x).
Prints tok/s and ratios; absolute times on a shared 2-core machine are noisy.
"""
import os, sys, json, time, subprocess, statistics, warnings
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
warnings.filterwarnings("ignore")
from llmops_nb.models import load_model
from llmops_nb.generate import generate
from llmops_nb.llamacpp import llamacpp_model, open_llama

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import PROMPTS                                   # the 32 bench prompts
sys.path.pop(0)
N_NEW, REPS = 64, 5
ONE = {"smollm2-135m-instruct": "Explain photosynthesis to a ten-year-old.", "gemma3-270m": "The history of the Roman empire in a few sentences:"}

def best(*fs):
    "The best tok/s of each of `fs` (each returns (tokens, seconds)) over REPS rounds, run in turn so that they share the machine's moods."
    runs = [[] for _ in fs]
    for _ in range(REPS):
        for r, f in zip(runs, fs): n, s = f(); r.append(n / s)
    return [max(r) for r in runs]

def direct(name, text):
    "llama-cpp-python on its own: create_completion on the same file, same rendered prompt, greedy, 64 tokens."
    llm, _ = open_llama(load_model(name).gguf_path, 2048)
    def once():
        t = time.perf_counter()
        r = llm.create_completion(text, max_tokens=N_NEW, temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
        return r["usage"]["completion_tokens"], time.perf_counter() - t
    return once

def ours(name, prompt, engine):
    "generate() end to end (load_model, render, tokenize, generate, decode), timed from the call to its return."
    def once():
        t = time.perf_counter(); g = generate(name, prompt, max_new_tokens=N_NEW, store=False, engine=engine)[0]
        return g.tokens_out, time.perf_counter() - t
    return once

def load_child(name):
    "(seconds to first token, peak RSS bytes, file bytes) of a fresh process that loads `name` and generates."
    code = ("import time, json; t = time.perf_counter()\n"
            "from llmops_nb.models import load_model; from llmops_nb.generate import generate\n"
            f"lm = load_model({name!r}); generate(lm, 'Hello', max_new_tokens=1, store=False)\n"
            "hwm = next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"   # ru_maxrss keeps the forking parent's peak across exec
            "print(json.dumps(dict(s=time.perf_counter() - t, rss=hwm, size=lm.gguf_path.stat().st_size)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])

if __name__ == "__main__":
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores")
    for name, p in ONE.items():
        text = llamacpp_model(name).render(p)
        ours(name, p, "auto")(); torch_eng = "transformers" if name.startswith("gemma") else "fast"
        ours(name, p, torch_eng)()                                               # warm: open the file, load the torch copy
        a, d, t = best(ours(name, p, "auto"), direct(name, text), ours(name, p, torch_eng))
        print(f"{name} one prompt: auto {a:.1f} tok/s · direct Llama {d:.1f} ({a / d:.2f}x, goal >= 0.9) · torch {t:.1f} ({a / t:.2f}x, goal >= 3.5)")
    sm = load_model("smollm2-135m-instruct")
    runs = {}
    for eng in ("auto", "llama.cpp", "fast"):
        generate(sm, PROMPTS[:2], max_new_tokens=4, store=False, engine=eng)    # warm
        t = time.perf_counter(); gs = generate(sm, PROMPTS, max_new_tokens=N_NEW, store=False, engine=eng)
        runs[eng] = sum(g.tokens_out for g in gs) / (time.perf_counter() - t)
    b = max(runs["llama.cpp"], runs["fast"])
    print(f"32 prompts: auto {runs['auto']:.1f} tok/s · llama.cpp one at a time {runs['llama.cpp']:.1f} · torch batched {runs['fast']:.1f} "
          f"· auto / better {runs['auto'] / b:.2f}x (goal >= 0.9)")
    ld = [load_child("gemma3-270m") for _ in range(3)]
    s, rss, size = statistics.median(x["s"] for x in ld), statistics.median(x["rss"] for x in ld), ld[0]["size"]
    print(f"gemma3-270m fresh process to first token: {s:.2f} s (goal <= 2) · peak RSS {rss / 1e6:.0f} MB for a {size / 1e6:.0f} MB file ({rss / size:.2f}x, goal <= 1.5)")
