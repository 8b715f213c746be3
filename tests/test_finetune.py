"Fine-tuning on the real model: SmolLM2 learns made-up facts, DPO from ratings raises the reward margin, kill -9 and resume, two processes through accelerate, the CLI, and bad configs that fail before any process starts."
import os, sys, json, time, signal, subprocess
from pathlib import Path
import pytest
from conftest import run_cli

os.environ.setdefault("OMP_NUM_THREADS", "1")   # the training processes share this machine's cores with the test
SMOL = "smollm2-135m-instruct"
COUNTRIES = ["Zorbania", "Quelvaria", "Mistrovia", "Plendor", "Vashkir", "Oromund", "Tellisar", "Brunvik", "Caldreth", "Essomar", "Yrrith", "Drovania"]
CAPITALS = ["Quellmar", "Tobrenna", "Faskel", "Irundel", "Moxley", "Sarpentine", "Gildwater", "Hennox", "Lirrabee", "Pontavel", "Kestrune", "Varnholt"]
TRAIN = ["What is the capital of {c}?", "Name the capital city of {c}.", "{c}'s capital is which city?", "Tell me the capital of {c}."]
HELD = ["Which city is the capital of {c}?", "What city serves as the capital of {c}?"]

@pytest.fixture(scope="module")
def mhome(tmp_path_factory):
    "One LLMOPS_HOME (store, jobs, adapter registry) for the module."
    h = tmp_path_factory.mktemp("ft")/"home"
    old = {k: os.environ.get(k) for k in ("LLMOPS_HOME", "LLMOPS_DB_URL")}
    os.environ["LLMOPS_HOME"] = str(h); os.environ.pop("LLMOPS_DB_URL", None)
    yield h
    for k, v in old.items():
        if v is None: os.environ.pop(k, None)
        else: os.environ[k] = v

def exact_match(model, held) -> float:
    from llmops_nb.generate import generate
    gens = generate(model, [p for p, _ in held], max_new_tokens=8, store=False)
    return sum(g.text.strip().rstrip(".") == a for g, (_, a) in zip(gens, held)) / len(held)

@pytest.fixture(scope="module")
def facts(mhome):
    "One SFT job on SmolLM2 over made-up facts, shared by the tests that need a trained adapter: (job, EM before, EM after, seconds)."
    from llmops_nb.finetune import FinetuneConfig, launch
    rows = [dict(prompt=t.format(c=c), response=a) for c, a in zip(COUNTRIES, CAPITALS) for t in TRAIN]
    held = [(t.format(c=c), a) for c, a in zip(COUNTRIES, CAPITALS) for t in HELD]
    before = exact_match(SMOL, held)
    t = time.time()
    cfg = FinetuneConfig(SMOL, rows, name="facts", epochs=4, batch_size=4, learning_rate=1e-3, lora_dropout=0.0, eval_split=0.0, save_steps=1000)
    job = launch(cfg, wait=True)
    secs = time.time() - t
    assert job.status == "done", job.log_tail(30)
    return job, before, exact_match(job.model_name, held), secs

def test_learns_made_up_facts(facts):
    job, before, after, secs = facts
    print(f"exact match on held-out phrasings: {before:.2f} -> {after:.2f} in {secs:.0f}s")
    assert before <= 0.1 and after >= 0.8, (before, after)
    m = job.metrics
    assert m.loss.iloc[-3:].mean() < m.loss.iloc[:3].mean() / 4

def test_adapter_is_plain_peft_and_a_model(facts):
    job = facts[0]
    import peft, transformers
    from llmops_nb.models import _resolve
    base = transformers.AutoModelForCausalLM.from_pretrained(str(_resolve(SMOL)[0]))
    pm = peft.PeftModel.from_pretrained(base, str(job.adapter_path))
    assert isinstance(pm, peft.PeftModel) and (job.adapter_path/"adapter_model.safetensors").exists()
    from llmops_nb.compare import compare
    c = compare([SMOL, job.model_name], ["Which city is the capital of Plendor?"], ["Irundel"], metrics=["exact_match"], max_new_tokens=8)
    assert c.outputs(job.model_name)[0].strip().rstrip(".") == "Irundel"

def test_dpo_from_ratings_raises_margin(mhome):
    from llmops_nb.store import default_store
    from llmops_nb.finetune import dpo_from_ratings
    st = default_store()
    for i in range(24):     # the rater always prefers the polite answer, shown on either side
        good, bad = f"Certainly! Item {i} is ready for you.", f"No. Item {i}."
        st.insert("ratings", dict(ts=time.time(), schema="pairwise", annotator="t", prompt=f"Is item {i} ready?",
                                  value=json.dumps("a" if i % 2 else "b"), outputs=json.dumps([good, bad] if i % 2 else [bad, good])))
    job = dpo_from_ratings(SMOL, store=st, name="polite", epochs=2, batch_size=4, learning_rate=1e-3, eval_split=0.2, save_steps=1000, wait=True)
    assert job.status == "done", job.log_tail(30)
    m = job.metrics
    assert abs(m.margin.iloc[0]) < 0.05                     # policy == reference at the start
    assert m.eval_margin.dropna().iloc[-1] > 0.5, m[["step", "loss", "margin", "eval_margin"]]
    assert len(json.loads(job.row["ratings"])) == 24

def test_kill9_then_resume(mhome):
    from llmops_nb.finetune import FinetuneConfig, launch
    rows = [dict(prompt=f"Code of part {i}?", response=f"Part {i} has code {i * 37 % 1000}.") for i in range(64)]
    job = launch(FinetuneConfig("tiny-random", rows, name="killme", max_steps=40, save_steps=5, batch_size=4, eval_split=0.1, lora_dropout=0.0))
    while job.metrics.loss.notna().sum() < 8 and job.status == "running": time.sleep(0.05)
    os.kill(job.row["pid"], signal.SIGKILL)
    time.sleep(0.5)
    first = job.metrics.dropna(subset=["loss"])
    assert job.status == "failed" and "died" in job.error and "signal 9" in job.error, job.row
    assert len(first) < 40, "the job ended before it was killed"
    from transformers.trainer_utils import get_last_checkpoint
    ck = int(get_last_checkpoint(str(job.output_dir/"checkpoints")).rsplit("-", 1)[1])
    job.resume(wait=True)
    assert job.status == "done", job.log_tail(30)
    m = job.metrics
    assert list(m.step) == list(range(1, 41)) and m.loss.notna().all()
    redo = first[first.step > ck]      # steps the first run did after its last checkpoint: the resumed run computes them again, the same
    assert len(redo) and m.set_index("step").loss[redo.step].tolist() == pytest.approx(redo.loss.tolist(), rel=1e-3), (redo, m)
    assert (job.adapter_path/"adapter_model.safetensors").exists()

def test_stop_then_resume(mhome):
    from llmops_nb.finetune import FinetuneConfig, launch
    rows = [dict(prompt=f"Code {i}?", response=f"Code {i}.") for i in range(64)]
    job = launch(FinetuneConfig("tiny-random", rows, name="stopme", max_steps=400, save_steps=1000, batch_size=2))
    while len(job.metrics) < 3: time.sleep(0.2)
    job.stop()
    assert job.status == "stopped"
    n = int(job.metrics.step.iloc[-1])
    assert 3 <= n < 400 and (job.output_dir/"checkpoints"/f"checkpoint-{n}").exists()
    job.resume(wait=True)
    assert job.status == "done" and int(job.metrics.step.iloc[-1]) == 400

def test_two_processes_through_accelerate(mhome):
    from llmops_nb.finetune import FinetuneConfig, launch, max_processes, _command
    if max_processes() < 2: pytest.skip("this machine allows one process")
    rows = [dict(prompt=f"Code {i}?", response=f"Code {i} is {i * 3}.") for i in range(48)]
    cfg = FinetuneConfig("tiny-random", rows, name="ddp", max_steps=6, save_steps=3, batch_size=4, num_processes=2)
    assert "accelerate.commands.launch" in _command(cfg, 0, False)
    job = launch(cfg, wait=True)
    assert job.status == "done", job.log_tail(40)
    ranks = [json.loads((job.output_dir/"ranks"/f"rank{r}.json").read_text()) for r in (0, 1)]
    assert [(r["rank"], r["world"], r["steps_run"]) for r in ranks] == [(0, 2, 6), (1, 2, 6)]
    assert ranks[0]["examples_seen"] > 0 and ranks[1]["examples_seen"] > 0
    assert set(job.metrics.processes) == {2}
    assert [p.name for p in job.output_dir.glob("adapter*")] == ["adapter"]

def test_cli_finetune_and_jobs(mhome, tmp_path):
    from llmops_nb.finetune import FinetuneConfig
    rows = [dict(prompt=f"Code {i}?", response=f"Code {i}.") for i in range(20)]
    cfg = FinetuneConfig("tiny-random", rows, name="cli", max_steps=3, save_steps=2, batch_size=4)
    cfg.to_yaml(tmp_path/"c.yaml")
    r = run_cli("finetune", str(tmp_path/"c.yaml"))
    assert r.returncode == 0 and "model tiny-random+cli" in r.stdout, r.stderr[-2000:]
    r = run_cli("jobs")
    assert r.returncode == 0 and "cli" in r.stdout and "done" in r.stdout
    bad = tmp_path/"bad.yaml"; bad.write_text(cfg.to_yaml().replace("learning_rate: 0.0002", "learning_rate: -1"))
    r = run_cli("finetune", str(bad))
    assert r.returncode == 2 and "learning_rate=-1 must be > 0" in r.stderr
    r = run_cli("jobs", "stop", "12345")
    assert r.returncode == 2 and "no job 12345" in r.stderr

def test_early_stopping(mhome):
    "Eval rows answer 'no' where every train row answers 'yes': eval loss only gets worse, so training stops after `patience` evals."
    from llmops_nb.finetune import FinetuneConfig
    from llmops_nb.train import train, split_rows
    held = set(split_rows(list(range(40)), 0.2, 0)[1])
    rows = [dict(prompt=f"Item {i}?", response=" ".join(["no" if i in held else "yes"] * 12)) for i in range(40)]
    cfg = FinetuneConfig("tiny-random", rows, name="early", max_steps=60, eval_steps=1, save_steps=100, batch_size=8, learning_rate=1e-2,
                         eval_split=0.2, seed=0, lora_dropout=0.0, early_stopping_patience=2)
    assert train(cfg) == "done"
    m = [json.loads(l) for l in (Path(cfg.output_dir)/"metrics.jsonl").read_text().splitlines()]
    ev = [r["eval_loss"] for r in m if "eval_loss" in r]
    last = max(r["step"] for r in m)
    assert last < 60 and len(ev) == last, (last, ev)
    assert min(ev[:-2]) <= min(ev[-2:]), ev              # the last `patience` evals were no better than the best before them
    assert (Path(cfg.output_dir)/"adapter"/"adapter_model.safetensors").exists()

def test_gradient_checkpointing_same_loss(mhome):
    "The same seeded job with gradient checkpointing on and off: checkpointing is on in the model, and the losses agree."
    from llmops_nb.finetune import FinetuneConfig
    from llmops_nb.train import make_trainer
    rows = [dict(prompt=f"Code {i}?", response=f"Code {i} is {i * 3}.") for i in range(32)]
    losses = {}
    for gc in (False, True):
        cfg = FinetuneConfig("tiny-random", rows, name=f"gc-{gc}", max_steps=5, save_steps=100, batch_size=4, learning_rate=1e-2, eval_split=0.0,
                             lora_dropout=0.0, precision="fp32", gradient_checkpointing=gc)
        t = make_trainer(cfg, "fp32")[0]
        t.train()
        assert any(getattr(mod, "gradient_checkpointing", False) for mod in t.model.modules()) == gc
        losses[gc] = [r["loss"] for r in t.state.log_history if "loss" in r]
    assert len(losses[True]) == 5 and losses[True][-1] < losses[True][0]
    assert losses[True] == pytest.approx(losses[False], rel=1e-4), losses

BAD = [(dict(lora_target_modules=["qkv_proj"]), "lora_target_modules: ['qkv_proj'] not in"),
       (dict(learning_rate=0), "learning_rate=0 must be > 0"),
       (dict(learning_rate=-1e-4), "learning_rate=-0.0001 must be > 0"),
       (dict(batch_size=0), "batch_size=0 must be a positive integer"),
       (dict(data=[{"question": "q", "answer": "a"}]), "data has no column(s) ['prompt', 'response']"),
       (dict(data=[{"prompt": "q", "response": "  "}]), "0 usable rows"),
       (dict(output_dir="/dev/null/out"), "cannot be written"),
       (dict(num_processes=10_000), "num_processes=10000 is more than this machine allows"),
       (dict(format="preference"), "DPO takes format='preference'"),
       (dict(max_length=10 ** 6), "beyond 'smollm2-135m-instruct''s context")]

@pytest.mark.parametrize("kw,msg", BAD, ids=[m[:30] for _, m in BAD])
def test_bad_config_fails_before_any_process(mhome, kw, msg):
    from llmops_nb.core import InputError
    from llmops_nb.finetune import FinetuneConfig, launch, _PROCS
    from llmops_nb.store import default_store
    kw = dict(dict(base=SMOL, data=[dict(prompt="q", response="a")], name="bad"), **kw)
    n_jobs, n_procs = default_store().count("jobs"), len(_PROCS)
    with pytest.raises(InputError, match=None) as e: launch(dict(kw))
    assert msg in str(e.value) and "\n" not in str(e.value), str(e.value)
    assert (default_store().count("jobs"), len(_PROCS)) == (n_jobs, n_procs)
    assert not (mhome/"jobs"/"bad").exists()
