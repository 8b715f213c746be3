"""Benchmark the prompt layer, in one run.

- Widget draw: building `PromptPlayground` on two model names, before any model library is imported.
- Streaming overhead: single-prompt tok/s of `generate` called directly vs a playground run (background thread,
  a listener per token updating the widgets), greedy, 64 new tokens on smollm2-135m-instruct; ratio printed.
- Sandbox cost: sandboxed, budgeted `PromptTemplate.render` vs a plain `jinja2.Template.render` (renders/s, ratio), on 3 and on 2,000 loop items.
- Registry: `save` of 200 distinct versions, re-saving identical content, and `get` by tag (ms per op).
The direct runs go first, so the main thread has used torch: libgomp then runs more OpenMP threads than CPUs and
throttles spin-waiting, which costs the background thread ~1/3 of its speed (see nbs/11_playground.ipynb).
Absolute times on shared machines are noisy; ratios are what to watch.
"""
import os, sys
# bench/profile.py (named by issue 3) would shadow the standard library's `profile`: keep this folder off sys.path
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]
import os, sys, time, tempfile, statistics, warnings
os.environ.setdefault("HF_HUB_OFFLINE", "1"); os.environ.setdefault("LLMOPS_PROGRESS", "0")
warnings.filterwarnings("ignore")

def widget_draw(st):
    t = time.perf_counter()
    from llmops_nb.playground import PromptPlayground
    pg = PromptPlayground(["smollm2-135m-instruct", "tiny-random"], "Answer briefly: {{ question }}", store=st)
    dt = time.perf_counter() - t
    return dt, "torch" in sys.modules, pg

def streaming(pg, n_new=64, reps=3):
    from llmops_nb.models import load_model
    from llmops_nb.generate import generate
    lm = load_model("smollm2-135m-instruct")
    q = "Write a short story about a lighthouse keeper."
    generate(lm, [q], max_new_tokens=4, store=False)   # warm-up
    direct, widget = [], []
    pg.field["question"].value = q; pg.max_new_tokens.value = n_new
    for _ in range(reps):
        g = generate(lm, [q], max_new_tokens=n_new, store=False)[0]; direct.append(g.tokens_out / g.latency)
        pg.run_button.click(); pg.state.thread.join()
        g = pg.state.generation; widget.append(g.tokens_out / g.latency)
    return statistics.median(direct), statistics.median(widget)

def render_cost(n=5000, docs=("one doc", "another doc", "a third")):
    "Renders/s of a sandboxed, budgeted `PromptTemplate` and of a plain `jinja2.Template` on a loop over `docs`."
    import jinja2
    from llmops_nb.prompts import PromptTemplate
    src = "Summarise for {{ audience }} in {{ n }} words:\n{% for d in docs %}- {{ d }}\n{% endfor %}"
    vals = dict(audience="a child", n=20, docs=list(docs))
    t = PromptTemplate(src, system="You are concise."); plain = jinja2.Template(src)
    a = time.perf_counter()
    for _ in range(n): t.render(**vals)
    ours = n / (time.perf_counter() - a)
    a = time.perf_counter()
    for _ in range(n): plain.render(**vals)
    base = n / (time.perf_counter() - a)
    return ours, base

def registry_ops(st, n=200):
    from llmops_nb.prompts import PromptRegistry
    reg = PromptRegistry(st)
    a = time.perf_counter()
    for i in range(n): reg.save("bench", f"Version {i}: {{{{ x }}}}", tags="prod" if i % 10 == 0 else ())
    save = (time.perf_counter() - a) / n
    a = time.perf_counter()
    for i in range(50): reg.save("bench", f"Version {i}: {{{{ x }}}}")
    resave = (time.perf_counter() - a) / 50
    a = time.perf_counter()
    for _ in range(50): reg.get("bench", tag="prod")
    get = (time.perf_counter() - a) / 50
    return save, resave, get, reg.get("bench").version

if __name__ == "__main__":
    from llmops_nb.store import Store
    st = Store(f"sqlite:///{tempfile.mkdtemp()}/bench.db")
    dt, torch_loaded, pg = widget_draw(st)
    print(f"widget draw: {dt * 1000:.0f} ms (incl. importing the playground), torch imported: {torch_loaded}")
    ours, base = render_cost()
    print(f"render: sandboxed PromptTemplate {ours:,.0f}/s vs plain jinja2 {base:,.0f}/s (ratio {ours / base:.2f})")
    ours, base = render_cost(50, [f"doc {i} " * 20 for i in range(2000)])
    print(f"render, 2,000-item loop: sandboxed PromptTemplate {ours:,.0f}/s vs plain jinja2 {base:,.0f}/s (ratio {ours / base:.2f})")
    save, resave, get, last = registry_ops(st)
    print(f"registry: save new version {save * 1000:.1f} ms, re-save same content {resave * 1000:.1f} ms, get by tag {get * 1000:.1f} ms; {last} versions")
    d, w = streaming(pg)
    print(f"streaming smollm2 single prompt: direct {d:.1f} tok/s, playground {w:.1f} tok/s (ratio {w / d:.2f})")
