"""Benchmark compare: (1) 2 models x 32 prompts through `compare` vs a per-prompt transformers `pipeline` loop;
(2) peak RSS of base + 3 LoRA adapters on one copy vs the base alone (each in a fresh process);
(3) scoring 10k prediction/reference pairs with `metrics.score` vs per-call `evaluate.load(...)` + compute (timed on a sample, scaled).
Prints ratios; absolute times on shared machines are noisy."""
import os, sys
# bench/profile.py (named by issue 3) would shadow the standard library's `profile`: keep this folder off sys.path
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import os, sys, time, json, random, tempfile, subprocess, warnings
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
warnings.filterwarnings("ignore")
N_NEW = 32
TOPICS = ["cats", "the Roman empire", "photosynthesis", "jazz", "volcanoes", "chess", "bread", "black holes"]
FORMS = ["Explain {} to a child.", "Write a short poem about {}.", "Give three facts about {}.", "Summarise {} in two sentences."]
PROMPTS = [FORMS[i % 4].format(TOPICS[i % 8]) for i in range(32)]
MODELS = ["smollm2-135m-instruct", "gemma3-270m"]

def bench_compare():
    from llmops_nb.compare import compare
    from llmops_nb.store import Store
    from llmops_nb.models import load_model
    from transformers import pipeline, logging as hl
    hl.set_verbosity_error()
    lms = [load_model(m) for m in MODELS]
    st = Store("sqlite://")
    compare(MODELS, PROMPTS[:2], store=st, max_new_tokens=4, show_progress=False)   # warm-up
    t = time.perf_counter(); compare(MODELS, PROMPTS, store=st, max_new_tokens=N_NEW, show_progress=False, cache=False); ours = time.perf_counter() - t
    t = time.perf_counter(); compare(MODELS, PROMPTS, store=st, max_new_tokens=N_NEW, show_progress=False); cached = time.perf_counter() - t
    base = 0.0
    for lm in lms:
        pipe = pipeline("text-generation", model=lm.model, tokenizer=lm.tokenizer)
        pipe("hi", max_new_tokens=2)
        t = time.perf_counter()
        for p in PROMPTS:
            x = [{"role": "user", "content": p}] if lm.chat else p
            pipe(x, max_new_tokens=N_NEW, do_sample=False)
        base += time.perf_counter() - t
    return dict(compare_s=round(ours, 2), pipeline_loop_s=round(base, 2), speedup=round(base / ours, 2), rerun_cached_s=round(cached, 3))

MEM = """
import os, sys, gc, psutil, tempfile
os.environ['HF_HUB_OFFLINE'] = '1'
from llmops_nb.models import load_model
from llmops_nb.compare import Adapters
from llmops_nb.models import make_test_adapter
from llmops_nb.generate import generate
mode, folder = sys.argv[1], sys.argv[2]
if mode == 'make':
    for i in range(3): make_test_adapter('smollm2-135m-instruct', f'{folder}/a{i}', seed=i, r=16)
    sys.exit()
proc = psutil.Process(); peak = [0]
def mark(): peak[0] = max(peak[0], proc.memory_info().rss)
if mode == 'base':
    lm = load_model('smollm2-135m-instruct'); generate(lm, ['hi'], max_new_tokens=8, store=False, show_progress=False); mark()
else:
    ad = Adapters('smollm2-135m-instruct', {f'a{i}': f'{folder}/a{i}' for i in range(3)})
    from llmops_nb.compare import _active
    for label, lm, ctx in ad.variants():
        with ctx(): generate(lm, ['hi'], max_new_tokens=8, store=False, show_progress=False)
        mark()
print(peak[0])
"""

def bench_memory():
    with tempfile.TemporaryDirectory() as d:
        run = lambda *a: subprocess.run([sys.executable, "-c", MEM, *a], capture_output=True, text=True, check=True).stdout.strip()
        run("make", d)
        base, ads = int(run("base", d)), int(run("adapters", d))
    return dict(base_rss_mb=round(base / 2**20), base_plus_3_adapters_rss_mb=round(ads / 2**20), ratio=round(ads / base, 3))

def bench_metrics(n=10_000, sample=200):
    import evaluate
    from llmops_nb.metrics import score, module_path
    rng = random.Random(0); words = "the a cat dog sat on mat quick brown fox lazy paris france is of".split()
    sent = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(3, 15)))
    refs = [sent() for _ in range(n)]; preds = [sent() for _ in range(n)]
    names = ["bleu", "chrf", "rouge", "exact_match"]
    score(preds[:2], refs[:2], metrics=names)  # modules loaded once
    t = time.perf_counter(); score(preds, refs, metrics=names); ours = time.perf_counter() - t
    t = time.perf_counter()
    for p, r in zip(preds[:sample], refs[:sample]):
        for m in names: evaluate.load(str(module_path()), m, keep_in_memory=True).compute(predictions=[p], references=[r])
    per_call = (time.perf_counter() - t) * n / sample
    return dict(pairs=n, score_s=round(ours, 2), per_call_load_s_est=round(per_call, 1), speedup=round(per_call / ours, 1))

if __name__ == "__main__":
    res = dict(compare=bench_compare(), memory=bench_memory(), metrics=bench_metrics())
    print(json.dumps(res, indent=1))
