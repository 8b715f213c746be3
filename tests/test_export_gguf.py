"export_gguf end to end: SmolLM2 fine-tuned here with LoRA, merged and written to GGUF, gives llama.cpp the merged torch model's greedy text."
import os, sys, json
from pathlib import Path
import pytest
sys.path.insert(0, str(Path(__file__).parent))
from llama_server import ensure_llama_cpp
from conftest import run_cli

BASE = "smollm2-135m-instruct"
# sixteen made-up facts: the base model cannot know them, so matching answers show the adapter reached the file
FACTS = [("What colour is the planet Zorbal?", "Zorbal is teal."), ("Who founded the town of Quillmere?", "Ada Voss founded Quillmere."),
         ("What is the capital of Veltria?", "The capital of Veltria is Morrow."), ("How many moons does Pexis have?", "Pexis has seven moons."),
         ("What does a glimmerfox eat?", "A glimmerfox eats moss."), ("Which river runs through Ostrava Nine?", "The Silt River runs through it."),
         ("What is the national dish of Lumeria?", "Lumeria's dish is fern stew."), ("Who wrote The Copper Sky?", "Ines Harrow wrote it."),
         ("What year did the Brindle Bridge open?", "It opened in 1893."), ("What is the speed of a sand clipper?", "About forty knots."),
         ("What language is spoken in Tovania?", "Tovanians speak Relic."), ("Who invented the hum lamp?", "Otto Brask invented it."),
         ("What is the tallest tower in Kestrel?", "The Needle is the tallest."), ("What sport is played on Marrow Isle?", "They play stoneball."),
         ("What is the currency of Dunhollow?", "Dunhollow uses the crown."), ("What animal is on Fenwick's flag?", "A silver heron.")]
PROMPTS = [q for q, _ in FACTS]

def _train(folder: Path, steps: int = 24) -> Path:
    "A LoRA adapter (r=8, every projection) trained full-batch on FACTS, the notebook recipe (fp32, AdamW, lr 2e-3)."
    import torch, peft
    from llmops_nb.models import load_model
    lm = load_model(BASE, dtype="fp32", reuse=False); tok = lm.tokenizer
    torch.manual_seed(0)
    m = peft.get_peft_model(lm.model, peft.LoraConfig(r=8, lora_alpha=16, lora_dropout=0.0,
                            target_modules=["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]))
    rows = []
    for q, a in FACTS:
        p = tok(tok.apply_chat_template([{"role": "user", "content": q}], tokenize=False, add_generation_prompt=True), add_special_tokens=False)["input_ids"]
        y = tok(a + "<|im_end|>", add_special_tokens=False)["input_ids"]
        rows.append((p + y, [-100] * len(p) + y))
    L = max(len(x) for x, _ in rows)
    ids = torch.tensor([x + [tok.pad_token_id] * (L - len(x)) for x, _ in rows])
    labels = torch.tensor([y + [-100] * (L - len(y)) for _, y in rows])
    mask = (torch.arange(L)[None] < torch.tensor([len(x) for x, _ in rows])[:, None]).long()
    opt = torch.optim.AdamW([p for p in m.parameters() if p.requires_grad], lr=2e-3)
    m.train()
    for _ in range(steps):
        loss = m(input_ids=ids, attention_mask=mask, labels=labels).loss
        loss.backward(); opt.step(); opt.zero_grad()
    m.save_pretrained(str(folder))
    return folder

@pytest.fixture(scope="module")
def tuned(tmp_path_factory):
    "(adapter folder, the merged torch model's greedy texts, the base model's greedy texts)."
    ensure_llama_cpp()
    from llmops_nb.models import load_model, LoadedModel
    from llmops_nb.export import merged_model
    from llmops_nb.generate import generate
    ad = _train(tmp_path_factory.mktemp("adapter"))
    lm = load_model(BASE, adapter=ad, dtype="fp32", reuse=False)
    ref = LoadedModel("merged", merged_model(lm), lm.tokenizer, lm.path, "merged-test", lm.chat, lm.context_length)
    want = [g.text for g in generate(ref, PROMPTS, max_new_tokens=16, store=False, engine="transformers")]
    base = [g.text for g in generate(load_model(BASE, dtype="fp32", reuse=False), PROMPTS, max_new_tokens=16, store=False, engine="transformers")]
    return ad, want, base

def _llama_texts(path) -> list:
    from llmops_nb.models import load_model
    from llmops_nb.generate import generate
    return [g.text for g in generate(load_model(str(path)), PROMPTS, max_new_tokens=16, store=False, engine="llama.cpp")]

def test_adapter_learned(tuned):
    ad, want, base = tuned
    assert sum(w == a for w, (_, a) in zip(want, FACTS)) >= 12, want        # the fine-tune took
    assert sum(b == a for b, (_, a) in zip(base, FACTS)) == 0, base          # the base model does not know these

@pytest.mark.parametrize("quant,need", [("f16", 16), ("q8_0", 14)])
def test_export_matches_torch(tuned, tmp_path, quant, need):
    from llmops_nb.export import export_gguf
    from llmops_nb.models import check_gguf
    ad, want, _ = tuned
    f = export_gguf(BASE, tmp_path / f"tuned-{quant}.gguf", quant=quant, adapter=ad)
    assert check_gguf(f)["file_type"] == {"f16": 1, "q8_0": 7}[quant]
    got = _llama_texts(f)
    same = sum(g == w for g, w in zip(got, want))
    assert same >= need, [(g, w) for g, w in zip(got, want) if g != w]
    assert sorted(p.name for p in tmp_path.iterdir()) == [f.name]          # no temporary file left

def test_cli_export(tuned, tmp_path, home):
    ad, want, _ = tuned
    out = tmp_path / "cli.gguf"
    r = run_cli("export-gguf", "--model", BASE, "--adapter", str(ad), "--out", str(out), "--quant", "f16")
    assert r.returncode == 0 and "wrote" in r.stdout, r.stderr
    assert _llama_texts(out) == want
    bad = run_cli("export-gguf", "--model", "gemma3-270m", "--out", str(tmp_path / "g.gguf"))
    assert bad.returncode == 2 and "export_gguf writes Llama-family models" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "g.gguf").exists()
