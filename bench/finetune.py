"""LoRA SFT on SmolLM2: llmops_nb's job (trl's SFTTrainer) against the usual notebook recipe (HF Trainer + peft, pad to max length, fp32), same run.

Both train one pass over the same 512 instruction examples of varied length (a fixed number of real tokens, printed), each in
its own process (run side by side) so peak RSS is its own; then the same fp32 evaluation scores both adapters on 32 held-out
examples. Times cover loading the model, preparing the data and training; real tokens per CPU-second are reported beside
real tokens per second because this machine is shared.
The usual recipe pads every row to the longest example (the smallest max length that holds them all, its most favourable case).
`BENCH_EXAMPLES` sets the number of training examples (default 512), `BENCH_PRECISION` the job's precision (auto, bf16 or fp32; default auto).
"""
import os, sys
# bench/profile.py would shadow the standard library's `profile`: keep this folder off sys.path
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import json, time, random, resource, subprocess, tempfile
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

def ours(train, out, maxlen):
    "This package's job in this process: trl's SFTTrainer, response-only loss, length-grouped batches, bf16 where the CPU has it."
    from llmops_nb.finetune import FinetuneConfig
    from llmops_nb.train import train as run
    cfg = FinetuneConfig(SMOL, train, name="bench-ours", output_dir=str(out), epochs=1, batch_size=BS, learning_rate=LR, lora_r=R, lora_alpha=2 * R,
                         lora_dropout=0.0, max_length=maxlen, eval_split=0.0, save_steps=10 ** 6, warmup_steps=0,
                         precision=os.environ.get("BENCH_PRECISION", "auto"))
    run(cfg)
    last = [json.loads(l) for l in (out/"metrics.jsonl").read_text().splitlines()][-1]
    return out/"adapter", last["elapsed"], train_dtype(cfg.precision)

def train_dtype(precision="auto"):
    from llmops_nb.finetune import train_dtype as td
    return td(precision)

def baseline(train, out, maxlen):
    "The usual notebook recipe: Trainer + peft, every row padded to max length, fp32 (labels on the response, as ours)."
    import torch, peft, transformers
    from llmops_nb.models import _resolve, load_tokenizer
    from llmops_nb.finetune import encode_row, DEFAULT_TARGETS
    tok, _ = load_tokenizer(SMOL)
    m = transformers.AutoModelForCausalLM.from_pretrained(str(_resolve(SMOL)[0]), dtype=torch.float32)
    m = peft.get_peft_model(m, peft.LoraConfig(r=R, lora_alpha=2 * R, lora_dropout=0.0, target_modules=DEFAULT_TARGETS["llama"], task_type="CAUSAL_LM"))
    class DS(torch.utils.data.Dataset):
        def __init__(self, rows): self.e = [encode_row(tok, r, "instruction", maxlen) for r in rows]
        def __len__(self): return len(self.e)
        def __getitem__(self, i):
            ids, lab = self.e[i]; pad = maxlen - len(ids)
            return dict(input_ids=torch.tensor(ids + [tok.pad_token_id] * pad), attention_mask=torch.tensor([1] * len(ids) + [0] * pad),
                        labels=torch.tensor(lab + [-100] * pad))
    args = transformers.TrainingArguments(str(out/"trainer"), per_device_train_batch_size=BS, learning_rate=LR, num_train_epochs=1, lr_scheduler_type="linear",
                                          save_strategy="no", report_to=[], logging_steps=10, use_cpu=True, disable_tqdm=True, seed=0)
    t = time.perf_counter()
    transformers.Trainer(model=m, args=args, train_dataset=DS(train)).train()
    secs = time.perf_counter() - t
    m.save_pretrained(str(out/"adapter"))
    return out/"adapter", secs, "fp32"

def child(recipe, n):
    "Train with `recipe` in this process; its wall and CPU seconds cover loading the model, preparing the data and training."
    train, held, used, maxlen = split(n)
    out = Path(tempfile.mkdtemp())/recipe
    ru = lambda: (lambda r: r.ru_utime + r.ru_stime)(resource.getrusage(resource.RUSAGE_SELF))
    t, c = time.perf_counter(), ru()
    adapter, _, dt = (ours if recipe == "ours" else baseline)(train, out, maxlen)
    secs, cpu = time.perf_counter() - t, ru() - c
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("RESULT " + json.dumps(dict(recipe=recipe, rows=len(train), real_tokens=used, padded_to=maxlen, secs=secs, cpu_s=cpu, tok_s=used / secs,
                                      tok_cpu_s=used / cpu, peak_rss_mb=peak, eval_loss=eval_loss(adapter, held, maxlen), dtype=dt)), flush=True)

def main():
    n = int(os.environ.get("BENCH_EXAMPLES", 512))
    cpu = next((l.split(":", 1)[1].strip() for l in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines() if l.startswith("Model name")), "?")
    res = {}
    # both at once, so both meet the same load from the rest of the machine; the one that ends first leaves the other more CPU
    # (this favours the baseline, which is slower); tokens per CPU-second do not depend on the load
    logs = {r: Path(tempfile.mkdtemp())/f"{r}.log" for r in ("baseline", "ours")}
    ps = {r: subprocess.Popen([sys.executable, __file__, r, str(n)], stdout=open(logs[r], "w"), stderr=subprocess.STDOUT) for r in logs}
    for recipe, p in ps.items():
        p.wait(); out = logs[recipe].read_text()
        line = [l for l in out.splitlines() if l.startswith("RESULT ")]
        assert line, out[-3000:]
        res[recipe] = json.loads(line[0][7:]); print(res[recipe], flush=True)
    b, o = res["baseline"], res["ours"]
    print(f"CPU: {cpu}, {os.cpu_count()} cores, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS')}, load average {os.getloadavg()[0]:.1f}; "
          f"{o['rows']} rows, {o['real_tokens']} real tokens")
    print(f"real tokens/s: ours {o['tok_s']:.1f} ({o['dtype']}, {o['secs']:.0f} s) vs baseline {b['tok_s']:.1f} (fp32, pad to {b['padded_to']}, {b['secs']:.0f} s) = {o['tok_s'] / b['tok_s']:.2f}x")
    print(f"real tokens per CPU-second: ours {o['tok_cpu_s']:.1f} ({o['cpu_s']:.0f} CPU-s) vs baseline {b['tok_cpu_s']:.1f} ({b['cpu_s']:.0f} CPU-s) = {o['tok_cpu_s'] / b['tok_cpu_s']:.2f}x")
    print(f"peak RSS: ours {o['peak_rss_mb']:.0f} MB vs baseline {b['peak_rss_mb']:.0f} MB = {o['peak_rss_mb'] / b['peak_rss_mb']:.2f}x")
    print(f"eval loss: ours {o['eval_loss']:.4f} vs baseline {b['eval_loss']:.4f} = {o['eval_loss'] / b['eval_loss']:.3f}x")

if __name__ == "__main__":
    if len(sys.argv) > 1: child(sys.argv[1], int(sys.argv[2]))
    else: main()
