"""llama.cpp and torch engines side by side, in one process, on the same prompts and GGUF files (issue 13).

1. Load and memory: Gemma 3 from `load_model` to its first generated token (and from a fresh process, imports included), and that
   process's peak RSS (`VmHWM`) against the file size; each run in its own child process, median of REPS
   (goal <= 2 s, <= 1.5x).
2. One prompt (64 new tokens, greedy), SmolLM2 and Gemma 3: `generate(engine="auto")`, timed end to end, against a plain
   `llama_cpp.Llama` of the same file and context calling `create_completion` on the same prompt text (goal >= 0.9x: the
   wrapper costs <= 10%), rounds interleaved; then, after every llama.cpp round (torch's OpenMP threads keep spinning for
   a while after each call and would take the cores from llama.cpp's), the torch engine on the same model (goal >= 3.5x).
3. The 32 bench prompts of bench/generate.py on SmolLM2 (and Gemma 3 with --gemma-many): `auto` against the better of
   llama.cpp one prompt at a time and the batched torch engine (goal >= 0.9x of the better).
Medians over REPS runs (default 3). Prints tok/s, ratios, the CPU and the load average: absolute times on a shared
machine are noisy, the ratios less so.   python bench/engines.py [--reps N] [--gemma-many]
"""
import os, sys, json, time, subprocess, statistics, warnings
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
warnings.filterwarnings("ignore")
from llmops_nb.models import load_model
from llmops_nb.generate import generate, pick_engine
from llmops_nb.llamacpp import llamacpp_model, _threads

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from generate import PROMPTS                                   # the 32 bench prompts
sys.path.pop(0)
N_NEW = 64
REPS = int(sys.argv[sys.argv.index("--reps") + 1]) if "--reps" in sys.argv else 3
ONE = {"smollm2-135m-instruct": "Explain photosynthesis to a ten-year-old.", "gemma3-270m": "The history of the Roman empire in a few sentences:"}
TORCH = {"smollm2-135m-instruct": "fast", "gemma3-270m": "transformers"}   # the torch engine each model runs on
med = statistics.median

def rounds(*fs, reps=REPS):
    "Median tok/s of each of `fs` (each returns (tokens, seconds)) over `reps` rounds, run in turn so they share the machine's moods."
    runs = [[] for _ in fs]
    for _ in range(reps):
        for r, f in zip(runs, fs): n, s = f(); r.append(n / s)
    return [med(r) for r in runs]

def direct(name, text):
    "A plain `llama_cpp.Llama` of the same file, context and threads: create_completion on the same rendered prompt, greedy."
    import llama_cpp
    eng = llamacpp_model(name)
    llm = llama_cpp.Llama(model_path=str(eng.gguf_path), n_ctx=eng.llama()[0].n_ctx(), n_threads=_threads(), n_threads_batch=_threads(), verbose=False)
    def once():
        t = time.perf_counter()
        r = llm.create_completion(text, max_tokens=N_NEW, temperature=0.0, top_k=0, top_p=1.0, min_p=0.0, repeat_penalty=1.0)
        return r["usage"]["completion_tokens"], time.perf_counter() - t
    return once

def ours(name, prompts, engine):
    "generate() end to end (load_model, render, tokenize, generate, decode), timed from the call to its return."
    def once():
        t = time.perf_counter(); gs = generate(name, prompts, max_new_tokens=N_NEW, store=False, engine=engine)
        return sum(g.tokens_out for g in gs), time.perf_counter() - t
    return once

def load_child(name):
    "(seconds to first token, peak RSS bytes, file bytes) of a fresh process that loads `name` and generates."
    code = ("import time, json; t = time.perf_counter()\n"
            "from llmops_nb.models import load_model; from llmops_nb.generate import generate\n"
            "t1 = time.perf_counter()\n"
            f"lm = load_model({name!r}); generate(lm, 'Hello', max_new_tokens=1, store=False)\n"
            "hwm = next(int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM'))\n"   # ru_maxrss keeps the forking parent's peak across exec
            "print(json.dumps(dict(s=time.perf_counter() - t, load=time.perf_counter() - t1, rss=hwm, size=lm.gguf_path.stat().st_size, loaded=lm.loaded)))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])

def many(name):
    "32 prompts: (auto, llama.cpp one at a time, torch batched) tok/s, medians."
    for eng in ("auto", "llama.cpp", TORCH[name]): generate(name, PROMPTS[:2], max_new_tokens=4, store=False, engine=eng)   # warm
    auto_is = pick_engine(load_model(name), "auto", len(PROMPTS))[0]
    a, l, t = rounds(ours(name, PROMPTS, "auto"), ours(name, PROMPTS, "llama.cpp"), ours(name, PROMPTS, TORCH[name]))
    b = max(l, t)
    print(f"| {name}, 32 prompts × {N_NEW} | `auto` ({auto_is}) {a:.1f} tok/s · llama.cpp one at a time {l:.1f} · torch batched ({TORCH[name]}) {t:.1f} "
          f"| auto / better **{a / b:.2f}×** | ≥ 0.9× |", flush=True)

if __name__ == "__main__":
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    print(f"CPU: {cpu}, {os.cpu_count()} cores; load average at start {os.getloadavg()}; medians of {REPS}", flush=True)
    print("| run | figures | ratio | goal |\n|---|---|---|---|")
    ld = [load_child("gemma3-270m") for _ in range(REPS)]
    s, rss, size = med(x["s"] for x in ld), med(x["rss"] for x in ld), ld[0]["size"]
    runs = ", ".join(f"{x['s']:.2f}" for x in ld)
    lo = med(x["load"] for x in ld)
    print(f"| Gemma 3, `load_model` to first token (package imported) | {lo:.2f} s (runs {', '.join(format(x['load'], '.2f') for x in ld)}) | | ≤ 2 s |")
    print(f"| Gemma 3, fresh process to first token (Python start and imports included) | {s:.2f} s (runs {runs}) | | |")
    print(f"| Gemma 3, peak RSS of that process | {rss / 1e6:.0f} MB for a {size / 1e6:.0f} MB file, torch copy loaded: {ld[0]['loaded']} | **{rss / size:.2f}×** | ≤ 1.5× |", flush=True)
    one = {}
    for name, p in ONE.items():
        text = llamacpp_model(name).render(p)
        ours(name, p, "auto")(); d = direct(name, text); d()                     # warm: open the file, first decode
        one[name] = rounds(ours(name, p, "auto"), d)
    for name, p in ONE.items():                                                  # torch after every llama.cpp round
        ours(name, p, TORCH[name])()                                             # warm: load the torch copy
        (t,) = rounds(ours(name, p, TORCH[name]))
        a, d = one[name]
        print(f"| {name}, one prompt × {N_NEW}: `auto` vs `llama_cpp.Llama` | {a:.1f} vs {d:.1f} tok/s | **{a / d:.2f}×** | ≥ 0.9× |")
        print(f"| {name}, one prompt × {N_NEW}: `auto` vs torch ({TORCH[name]}) | {a:.1f} vs {t:.1f} tok/s | **{a / t:.2f}×** | ≥ 3.5× |", flush=True)
    many("smollm2-135m-instruct")
    if "--gemma-many" in sys.argv: many("gemma3-270m")
    print(f"load average at end {os.getloadavg()}")
