"""Benchmark of llmops_nb.data.profile on 1M synthetic rows (~200 chars) with planted exact and near duplicates and PII.

Prints: wall time of `profile` (no embeddings) and its ratio to a straightforward row-by-row pandas implementation
(run on a subsample and extrapolated linearly, as said in the output); near-duplicate recall and precision on the
planted pairs; MiniLM embedding rows/s (on a subsample, extrapolated to 100k rows); faiss query p50 at 100k vectors.
Usage: python bench/profile.py [--rows N] [--baseline-rows N] [--embed-rows N] [--model NAME]
"""
import os, sys, re, json, time, argparse, hashlib, itertools
# this file is called profile.py: keep its folder off sys.path so it does not shadow the standard library's `profile`
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
import numpy as np, pandas as pd

WORDS_RE = re.compile(r"Ġ([a-z]{3,11})$")

def vocabulary(tok) -> np.ndarray:
    "English-like words: the whole-word entries of the tokenizer's vocabulary (so the text is plausible to a BPE tokenizer)."
    return np.array(sorted({m.group(1) for t in tok.get_vocab() if (m := WORDS_RE.match(t))}))

def luhn_digit(d: str) -> str:
    s = sum(int(c) for c in d[-2::-2]) + sum(sum(divmod(2 * int(c), 10)) for c in d[-1::-2])
    return str((10 - s % 10) % 10)

def make_rows(n: int, vocab: np.ndarray, seed: int = 0):
    "(texts, near_pairs, exact_pairs, pii_rows): n rows of ~200 chars; 2% exact copies, 2% near copies (1-2 word substitutions), ~2% PII."
    rng = np.random.default_rng(seed)
    p = 1.0 / np.arange(1, len(vocab) + 1) ** 1.05; p /= p.sum()
    perm = rng.permutation(len(vocab)); V = vocab[perm]
    nw = rng.integers(24, 33, n)
    W = rng.choice(len(V), size=(n, 36), p=p)
    texts = [(" ".join(V[W[i, :nw[i]]])).capitalize() + "." for i in range(n)]
    idx = rng.permutation(np.arange(n // 10, n))
    n_ex = n_nr = n // 50
    exact_src, exact_dst = rng.integers(0, n // 10, n_ex), idx[:n_ex]
    near_src, near_dst = rng.integers(0, n // 10, n_nr), idx[n_ex:n_ex + n_nr]
    for s, d in zip(exact_src, exact_dst):            # same text after normalising case and whitespace
        t = texts[s]; texts[d] = t.upper() if d % 2 else t.replace(" ", "  ", 3)
    for s, d in zip(near_src, near_dst):              # 1-2 words replaced by other words, punctuation changed
        w = texts[s].rstrip(".").split(" ")
        for j in rng.choice(len(w), 1 + d % 2, replace=False):
            new = V[rng.integers(len(V))]
            while new.lower() == w[j].lower(): new = V[rng.integers(len(V))]
            w[j] = new
        texts[d] = " ".join(w) + ("!" if d % 3 else ".")
    rest = idx[n_ex + n_nr:]
    kinds = dict(email=n // 100, phone=n // 200, card=n // 500, secret=n // 500)
    pii, k0 = {}, 0
    for kind, k in kinds.items():
        rows = rest[k0:k0 + k]; k0 += k; pii[kind] = rows
        for r in rows:
            if kind == "email": s = f"mail {V[r % len(V)]}.{r}@example.com"
            elif kind == "phone": s = f"call 415-555-{r % 10000:04d}"
            elif kind == "card":
                d = "4" + "".join(str(x) for x in rng.integers(0, 10, 14)); d += luhn_digit(d)
                s = f"card {d[:4]} {d[4:8]} {d[8:12]} {d[12:]}"
            else: s = f"key sk-{''.join(rng.choice(list('abcdefghijklmnopqrstuvwxyz0123456789'), 32))}" if r % 2 else f"aws AKIA{''.join(rng.choice(list('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'), 16))}"
            w = texts[r].split(" "); texts[r] = " ".join(w[:-6]) + " " + s + "."
    # a planted near copy may have been overwritten by PII or exact copies; keep only pairs still intact
    return texts, list(zip(near_src.tolist(), near_dst.tolist())), list(zip(exact_src.tolist(), exact_dst.tolist())), pii

def baseline(texts, tok, pat):
    "A straightforward pandas implementation: row-wise apply for lengths, hashes, regexes, tokens, MinHash LSH in Python."
    df = pd.DataFrame({"text": texts})
    df["chars"] = df.text.apply(len)
    df["words"] = df.text.apply(lambda s: len(s.split()))
    df["empty"] = df.text.apply(lambda s: not s.strip())
    df["norm"] = df.text.apply(lambda s: hashlib.md5(" ".join(s.lower().split()).encode()).hexdigest())
    dup = df.norm.duplicated().sum()
    for k, rx in pat.items(): df[k] = df.text.apply(lambda s: bool(re.search(rx, s)))
    df["tokens"] = df.text.apply(lambda s: len(tok(s)["input_ids"]))
    rng = np.random.default_rng(0)
    A = rng.integers(1, 2**61 - 1, 64, dtype=np.uint64) | np.uint64(1); B = rng.integers(0, 2**61 - 1, 64, dtype=np.uint64)
    def minhash(s):
        w = re.sub(r"[^\w\s]", "", s.lower()).split()
        sh = {hash(" ".join(w[i:i + 2])) for i in range(max(1, len(w) - 1))}
        h = np.array(list(sh), dtype=np.int64).astype(np.uint64)
        return (h[:, None] * A + B).min(0)
    sigs = df.text.apply(minhash)
    buckets = {}
    for i, s in enumerate(sigs):
        for b in range(16): buckets.setdefault((b, s[b * 4:(b + 1) * 4].tobytes()), []).append(i)
    cand = {(g[0], j) for g in buckets.values() if len(g) > 1 for j in g[1:]}
    return dup, len(cand)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--baseline-rows", type=int, default=20_000)
    ap.add_argument("--embed-rows", type=int, default=1_000)
    ap.add_argument("--model", default="smollm2-135m-instruct")
    ap.add_argument("--no-embed", action="store_true")
    a = ap.parse_args()
    from llmops_nb.data import profile, tokenizer_for, PII_PATTERNS
    tok, ctx, _ = tokenizer_for(a.model)
    t = time.perf_counter(); texts, near, exact, pii = make_rows(a.rows, vocabulary(tok)); gen = time.perf_counter() - t
    print(f"generated {len(texts):,} rows, mean {np.mean([len(s) for s in texts[:10000]]):.0f} chars, in {gen:.1f}s "
          f"(planted: {len(exact):,} exact copies, {len(near):,} near copies, {sum(len(v) for v in pii.values()):,} PII rows)")
    df = pd.DataFrame({"text": texts})
    t = time.perf_counter(); p = profile(df, text="text", model=a.model); wall = time.perf_counter() - t
    print(f"profile of {a.rows:,} rows (tokens with {a.model}): {wall:.1f}s   steps: {json.dumps(p.timings)}")
    print(f"  exact duplicates {p.exact_duplicates:,}, near duplicates {p.near_duplicates:,} in {len(p.near_clusters):,} clusters, "
          f"tokens median {p.tokens['median']:g} p95 {p.tokens['p95']:g}, PII rows " + ", ".join(f"{k} {v['rows']:,}" for k, v in p.pii.items()))
    # near-duplicate recall / precision on planted pairs (pairs are counted between distinct texts)
    cl, grp = p.arrays["near_cluster"], p.arrays["exact_group"]
    pii_rows = set(itertools.chain.from_iterable(v.tolist() for v in pii.values()))
    family = np.arange(a.rows)
    for s, d in exact: family[d] = s
    for s, d in near: family[d] = family[s]
    planted = [(s, d) for s, d in near if s not in pii_rows and d not in pii_rows]
    recall = np.mean([cl[s] >= 0 and cl[s] == cl[d] for s, d in planted])
    found = tp = 0
    for c in p.near_clusters:
        f = family[np.array(c)]
        found += len(c) * (len(c) - 1) // 2
        tp += sum(k * (k - 1) // 2 for k in np.unique(f, return_counts=True)[1])
    precision = tp / max(1, found)
    print(f"near duplicates: recall {recall:.4f} on {len(planted):,} planted pairs, precision {precision:.4f} on {found:,} found pairs "
          f"(goal ≥ 0.9 each: {'met' if recall >= 0.9 and precision >= 0.9 else 'NOT met'})")
    m = min(a.baseline_rows, a.rows)
    t = time.perf_counter(); baseline(texts[:m], tok, PII_PATTERNS); tb = time.perf_counter() - t
    tb_full = tb * a.rows / m
    print(f"baseline (pandas .apply row by row: lengths, md5 of normalised text, {len(PII_PATTERNS)} regexes, tokenizer call per row, "
          f"Python MinHash LSH): {tb:.1f}s on {m:,} rows, extrapolated linearly to {tb_full:.0f}s for {a.rows:,}")
    print(f"RATIO profile vs baseline: {tb_full / wall:.1f}x faster (goal ≥ 5x); wall {wall:.1f}s (goal ≤ 60s: {'met' if wall <= 60 else 'NOT met'})")
    if a.no_embed: return
    from llmops_nb.vectors import embed, VectorIndex
    sub = texts[:a.embed_rows]
    for dt in ("fp32", "bf16"):
        embed(sub[:64], dtype=dt)  # load the model
        t = time.perf_counter(); Ed = embed(sub, dtype=dt); te = time.perf_counter() - t
        if dt == "fp32": E = Ed
        rps = len(sub) / te
        print(f"embedding (MiniLM-L6 {dt}, batch 64, {os.cpu_count()} cores): {rps:.0f} rows/s measured on {len(sub):,} rows; "
              f"extrapolated to 100k rows: {1e5 / rps / 60:.1f} min" + (f"; min cosine to fp32 {float((E * Ed).sum(1).min()):.5f}" if dt == "bf16" else ""))
    rng = np.random.default_rng(1)
    reps = int(np.ceil(100_000 / len(E)))
    V = np.tile(E, (reps, 1))[:100_000] + rng.normal(0, 0.05, (100_000, E.shape[1])).astype(np.float32)
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    for kind in ("flat", "auto"):
        ix = VectorIndex(vectors=V, kind=kind)
        q = E[rng.integers(0, len(E), 200)]
        lat = []
        for v in q:
            t = time.perf_counter(); ix.index.search(v[None], 10); lat.append(time.perf_counter() - t)
        print(f"faiss query p50 at 100k vectors ({ix.kind}): {np.median(lat) * 1e3:.2f} ms (p95 {np.percentile(lat, 95) * 1e3:.2f} ms)"
              + ("; vectors = real embeddings of the subsample tiled with noise" if kind == "flat" else ""))

if __name__ == "__main__": main()
