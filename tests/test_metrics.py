"Shipped metrics equal sacrebleu and rouge-score run directly, offline, to the last digit."
import os, random, subprocess, sys
import pytest

def _pairs(n=300, seed=0):
    rng = random.Random(seed)
    words = "the a cat dog sat ran on over mat log quick brown fox lazy Paris France capital is of and to".split()
    sent = lambda: " ".join(rng.choice(words) for _ in range(rng.randint(1, 14)))
    refs = [sent() for _ in range(n)]
    preds = [r if rng.random() < 0.2 else sent() for r in refs]
    preds[3] = refs[3] + "\nsecond line"; refs[4] = "line one\nline two"
    return preds, refs

def test_equal_to_sacrebleu_and_rouge_score():
    import sacrebleu
    from rouge_score import rouge_scorer
    from llmops_nb.metrics import score
    preds, refs = _pairs()
    s = score(preds, refs, metrics=["bleu", "chrf", "rouge", "exact_match"])
    assert s["bleu"] == sacrebleu.corpus_bleu(preds, [refs]).score
    assert s["chrf"] == sacrebleu.corpus_chrf(preds, [refs]).score
    sc = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL", "rougeLsum"])
    per = [sc.score(r, p) for p, r in zip(preds, refs)]
    for t in ["rouge1", "rouge2", "rougeL", "rougeLsum"]:
        assert s[t] == sum(x[t].fmeasure for x in per) / len(per), t
    assert s["exact_match"] == sum(p.strip() == r.strip() for p, r in zip(preds, refs)) / len(preds)
    assert 0 < s["bleu"] < 100 and 0 < s["rouge1"] < 1

def test_items_equal_sentence_scores():
    import sacrebleu
    from llmops_nb.metrics import score
    preds, refs = _pairs(40, seed=1)
    s = score(preds, refs, metrics=["bleu", "chrf"], items=True)
    assert s["bleu_items"] == [sacrebleu.sentence_bleu(p, [r]).score for p, r in zip(preds, refs)]
    assert s["chrf_items"] == [sacrebleu.sentence_chrf(p, [r]).score for p, r in zip(preds, refs)]

def test_loaded_by_path_offline_and_not_by_name():
    code = ("import evaluate, llmops_nb.metrics as m\n"
            "mod = m.load_metric('rouge'); print(type(mod).__name__, mod.config_name)\n"
            "try: evaluate.load('rouge'); print('LOADED BY NAME')\n"
            "except Exception as e: print('by name fails:', type(e).__name__)\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd="/", timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
    assert "LlmopsMetric rouge" in r.stdout and "by name fails" in r.stdout and "LOADED BY NAME" not in r.stdout

@pytest.mark.parametrize("kw,msg", [
    (dict(predictions=["a", "b"], references=["a"]), "predictions has 2 items but references has 1"),
    (dict(predictions=["a"], references=[]), "references is empty"),
    (dict(predictions=["a", "b"], references=["a", ""]), "reference 1 is empty"),
    (dict(predictions=["a"], references=["a"], metrics=["meteor"]), "unknown metric 'meteor'; available offline: bleu, chrf, rouge, exact_match, contains, length, perplexity, latency, throughput"),
])
def test_bad_input(kw, msg):
    from llmops_nb.metrics import score
    from llmops_nb.core import InputError
    with pytest.raises(InputError) as e: score(**kw)
    assert msg in str(e.value)

def test_perplexity_with_smollm2():
    from llmops_nb.metrics import score
    from llmops_nb.models import load_model
    s = score(["Paris is the capital of France.", "capital France the of Paris is."], metrics=["perplexity"], model=load_model("smollm2-135m-instruct"), items=True)
    a, b = s["perplexity_items"]
    assert 1 < a < b, s
