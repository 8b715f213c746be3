"""LoRA SFT on SmolLM2: llmops_nb's job (trl's SFTTrainer) against the usual notebook recipe (HF Trainer + peft, pad to max length, fp32), same run.

Both train one pass over the same 512 instruction examples of varied length (a fixed number of real tokens, printed), each in
its own process (one after the other) so peak RSS and time are its own; then the same fp32 evaluation scores both adapters on
32 held-out examples. Times cover loading the model, preparing the data and training; real tokens per CPU-second are reported
beside real tokens per second because this machine is shared.
For each seed both recipes see the same batches in the same order (the job's row order and sampler seed) from the same
initial adapter, so the eval-loss ratio compares the recipes, not the luck of the order: with one pass over 512 rows the
order alone moves the eval loss by several per cent (the job scored 0.443, 0.440 and 0.473 with three seeds). The
figures are the medians over the seeds.
The usual recipe pads every row to the longest example (the smallest max length that holds them all, its most favourable case).
`BENCH_EXAMPLES` sets the number of training examples (default 512), `BENCH_SEEDS` the seeds (default 0,1,2),
`BENCH_PRECISION` the job's precision (auto, bf16 or fp32; default auto).
"""
import os, sys
# bench/profile.py would shadow the standard library's `profile`: keep this folder off sys.path
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import json, time, random, resource, statistics, subprocess, tempfile
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("TRANSFORMERS_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
SMOL, BS, LR, R = "smollm2-135m-instruct", 8, 3e-4, 16
WORDS = ("alpha bravo cedar delta ember fjord granite harbor indigo juniper kelp lumen mosaic nectar onyx prism quartz "
         "raven saffron tundra umber velvet willow xenon yarrow zephyr").split()

def examples(n=512 + 32, seed=0):
    "Instruction rows of varied length (40 to about 110 tokens) whose response is learnable from the prompt (its words reversed, upper-cased)."
    rng = random.Random(seed); out = []
    for i in range(n):
        k = max(1, int(rng.choice([1, 2, 3, 4, 6, 8, 11]) * rng.uniform(0.7, 1.3)))
        ws = [rng.choice(WORDS) for _ in range(k)]
        out.append(dict(prompt="Reverse and shout: " + " ".join(ws), response=" ".join(w.upper() for w in reversed(ws))))
    return out

def split(n):
    "(the first `n` rows for training, 32 held-out rows, their real tokens, the longest row's tokens rounded up to 8), the same in every process."
    from llmops_nb.models import load_tokenizer
    from llmops_nb.finetune import encode_row
    tok, _ = load_tokenizer(SMOL)
    rows = examples(n + 32); train, held = rows[:n], rows[n:]
    lens = [len(encode_row(tok, r, "instruction", 10 ** 4)[0]) for r in rows]
    return train, held, sum(lens[:n]), -(-max(lens) // 8) * 8

def eval_loss(adapter, held, maxlen) -> float:
    "Mean loss per response token of `held` under SmolLM2 + `adapter`, in fp32."
    import torch, peft, transformers
    from llmops_nb.models import _resolve, load_tokenizer
    from llmops_nb.finetune import encode_row
    tok, _ = load_tokenizer(SMOL)
    m = peft.PeftModel.from_pretrained(transformers.AutoModelForCausalLM.from_pretrained(str(_resolve(SMOL)[0]), dtype=torch.float32), str(adapter)).eval()
    tot = n = 0
    with torch.no_grad():
        for r in held:
            ids, lab = encode_row(tok, r, "instruction", maxlen)
            out = m(input_ids=torch.tensor([ids]), labels=torch.tensor([lab]))
            k = sum(l != -100 for l in lab[1:]); tot += out.loss.item() * k; n += k
    return tot / n

def job_config(train, out, maxlen, seed):
    "The job's config: LoRA r=16 on every projection, lr 3e-4, batch 8, one pass, linear decay to 0 without warmup, no eval split."
    from llmops_nb.finetune import FinetuneConfig
    return FinetuneConfig(SMOL, train, name="bench-ours", output_dir=str(out), epochs=1, batch_size=BS, learning_rate=LR, lora_r=R, lora_alpha=2 * R,
                          lora_dropout=0.0, max_length=maxlen, eval_split=0.0, save_steps=10 ** 6, warmup_steps=0, seed=seed,
                          precision=os.environ.get("BENCH_PRECISION", "auto"))

def ours(train, out, maxlen, seed):
    "This package's job in this process: trl's SFTTrainer, response-only loss on the labelled positions, padding-free random batches whose attention runs row by row, bf16 where the CPU has it."
    from llmops_nb.train import train as run
    cfg = job_config(train, out, maxlen, seed)
    run(cfg)
    recs = [json.loads(l) for l in (out/"metrics.jsonl").read_text().splitlines()]
    return out/"adapter", train_dtype(cfg.precision), next(r["loss"] for r in recs if "loss" in r)

def train_dtype(precision="auto"):
    from llmops_nb.finetune import train_dtype as td
    return td(precision)

def baseline(train, out, maxlen, seed):
    "The usual notebook recipe: Trainer + peft, every row padded to max length, fp32 (labels on the response, as ours); the job's row order, seed and initial adapter."
    import torch, peft, transformers
    from llmops_nb.models import _resolve, load_tokenizer
    from llmops_nb.finetune import DEFAULT_TARGETS
    from llmops_nb.train import job_rows
    tok, _ = load_tokenizer(SMOL)
    m = transformers.AutoModelForCausalLM.from_pretrained(str(_resolve(SMOL)[0]), dtype=torch.float32)
    transformers.set_seed(seed)                      # as the job does before trl adds the adapter
    m = peft.get_peft_model(m, peft.LoraConfig(r=R, lora_alpha=2 * R, lora_dropout=0.0, target_modules=DEFAULT_TARGETS["llama"], task_type="CAUSAL_LM"))
    class DS(torch.utils.data.Dataset):
        def __init__(self, rows): self.e = [e for _, e in job_rows(tok, job_config(rows, out, maxlen, seed))[0]]   # the job's rows, in its order
        def __len__(self): return len(self.e)
        def __getitem__(self, i):
            ids, lab = self.e[i]; pad = maxlen - len(ids)
            return dict(input_ids=torch.tensor(ids + [tok.pad_token_id] * pad), attention_mask=torch.tensor([1] * len(ids) + [0] * pad),
                        labels=torch.tensor(lab + [-100] * pad))
    args = transformers.TrainingArguments(str(out/"trainer"), per_device_train_batch_size=BS, learning_rate=LR, num_train_epochs=1, lr_scheduler_type="linear",
                                          save_strategy="no", report_to=[], logging_steps=1, use_cpu=True, disable_tqdm=True, seed=seed, data_seed=seed)
    tr = transformers.Trainer(model=m, args=args, train_dataset=DS(train))
    tr.train()
    m.save_pretrained(str(out/"adapter"))
    return out/"adapter", "fp32", next(r["loss"] for r in tr.state.log_history if "loss" in r)

def child(recipe, n, seed):
    "Train with `recipe` in this process; its wall and CPU seconds cover loading the model, preparing the data and training."
    train, held, used, maxlen = split(n)
    out = Path(tempfile.mkdtemp())/recipe
    ru = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
    t, c = time.perf_counter(), ru()
    adapter, dt, first = (ours if recipe == "ours" else baseline)(train, out, maxlen, seed)
    secs, cpu = time.perf_counter() - t, ru() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(dict(recipe=recipe, seed=seed, rows=len(train), real_tokens=used, padded_to=maxlen, secs=secs, cpu_s=cpu, tok_s=used / secs,
                                      tok_cpu_s=used / cpu, peak_rss_mb=peak, first_loss=first, eval_loss=eval_loss(adapter, held, maxlen), dtype=dt)), flush=True)

def run_one(recipe, n, seed):
    "The RESULT record of `recipe` trained in a fresh process."
    log = Path(tempfile.mkdtemp())/f"{recipe}-{seed}.log"
    subprocess.run([sys.executable, __file__, recipe, str(n), str(seed)], stdout=open(log, "w"), stderr=subprocess.STDOUT)
    out = log.read_text(); line = [l for l in out.splitlines() if l.startswith("RESULT ")]
    assert line, out[-3000:]
    return json.loads(line[0][7:])

def main():
    n, seeds = int(os.environ.get("BENCH_EXAMPLES", 512)), [int(s) for s in os.environ.get("BENCH_SEEDS", "0,1,2").split(",")]
    cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Model name")), "?")
    ratio = {k: [] for k in ("tok_s", "tok_cpu_s", "peak_rss_mb", "eval_loss")}
    for seed in seeds:
        o, b = run_one("ours", n, seed), run_one("baseline", n, seed)    # one after the other: each has the machine to itself
        for k in ratio: ratio[k].append(o[k] / b[k])
        print(f"seed {seed}: first-step loss (same batch, same initial adapter) ours {o['first_loss']:.4f} vs baseline {b['first_loss']:.4f}; "
              f"real tok/s {o['tok_s']:.1f} ({o['dtype']}, {o['secs']:.0f} s) vs {b['tok_s']:.1f} (fp32, pad to {b['padded_to']}, {b['secs']:.0f} s) = {o['tok_s'] / b['tok_s']:.2f}x; "
              f"per CPU-s {o['tok_cpu_s']:.1f} vs {b['tok_cpu_s']:.1f} = {o['tok_cpu_s'] / b['tok_cpu_s']:.2f}x; "
              f"peak RSS {o['peak_rss_mb']:.0f} vs {b['peak_rss_mb']:.0f} MB = {o['peak_rss_mb'] / b['peak_rss_mb']:.2f}x; "
              f"eval loss {o['eval_loss']:.4f} vs {b['eval_loss']:.4f} = {o['eval_loss'] / b['eval_loss']:.3f}x", flush=True)
    med = {k: statistics.median(v) for k, v in ratio.items()}
    print(f"CPU: {cpu}, {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load average {os.getloadavg()[0]:.1f}; "
          f"{n} rows, {o['real_tokens']} real tokens; medians over seeds {seeds}:")
    print(f"real tokens/s {med['tok_s']:.2f}x (goal >= 2x), real tokens per CPU-second {med['tok_cpu_s']:.2f}x, "
          f"peak RSS {med['peak_rss_mb']:.2f}x (goal <= 1x), eval loss {med['eval_loss']:.3f}x (goal <= 1.02x)")

if __name__ == "__main__":
    if len(sys.argv) > 1: child(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
    else: main()
