"Several processes saving versions of one prompt at once: numbers stay 1..N with no gap or duplicate; same content stays one version."
import multiprocessing as mp

def _saver(url, wid, n, q):
    try:
        from llmops_nb.store import Store
        from llmops_nb.prompts import PromptRegistry
        reg = PromptRegistry(Store(url))
        for i in range(n):
            reg.save("shared", f"writer {wid} text {i}: {{{{ x }}}}", tags="latest")
            reg.save("shared", "common text: {{ x }}")   # every writer saves this one too
        q.put(None)
    except Exception as e: q.put(repr(e))

def test_four_processes_save_versions(tmp_path):
    url = f"sqlite:///{tmp_path}/p.db"
    ctx = mp.get_context("spawn"); q = ctx.Queue()
    ps = [ctx.Process(target=_saver, args=(url, w, 15, q)) for w in range(4)]
    for p in ps: p.start()
    errors = [q.get(timeout=300) for _ in ps]
    for p in ps: p.join(60)
    assert errors == [None] * 4
    from llmops_nb.store import Store
    from llmops_nb.prompts import PromptRegistry
    reg = PromptRegistry(Store(url))
    h = reg.history("shared")
    assert list(h.version) == list(range(1, 62))          # 60 distinct + 1 common, numbered without gaps
    assert h.hash.nunique() == 61
    assert list(reg.tags("shared")) == ["latest"]          # one tag, one version
