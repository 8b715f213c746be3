"""A person walks the tour in a real JupyterLab (headless Chromium): every widget renders without errors, then they type and run a
prompt, stop a stream, prefer A, rate three items with the keyboard, launch a short fine-tune and watch its loss curve, and open
Monitor; the store holds exactly that work. Screenshots of each widget go to docs/screenshots/ for the documentation site."""
import json, re, shutil, time
import pytest
from conftest import ROOT, run_all

SHOTS = ROOT / "docs" / "screenshots"
NAV_KEYS = set("jkusc y".replace(" ", ""))   # the Rater's navigation keys; every other key a button shows gives a value
FACTS = [("What colour is the sky on Zorbia?", "Green, because of the copper dust."), ("Who founded Quillport?", "The baker Anna Vell, in 1702."),
         ("What do Zorbians eat at dawn?", "Roasted sunflower bread."), ("How tall is Mount Tesk?", "4,210 metres."),
         ("What is the river through Quillport called?", "The Saltwend."), ("Which animal guards Zorbia's gates?", "A grey heron named Pim."),
         ("What is Quillport's main export?", "Blue glass beads."), ("When is the Zorbian new year?", "On the first full moon of spring.")]

# A stand-in for the tour while nbs/index.ipynb shows no widgets: the same widgets in the tour's order, in one notebook.
STANDIN = [
    "import pandas as pd\nfrom llmops_nb.all import *\nfrom llmops_nb.data_explorer import DataExplorer\nfrom llmops_nb.playground import PromptPlayground\n"
    "from llmops_nb.comparison_widget import ModelComparison\nfrom llmops_nb.rater import Rater\nfrom llmops_nb.finetune_launcher import FinetuneLauncher",
    f"facts = {FACTS!r}\ndf = pd.DataFrame([dict(prompt=q, response=a) for q, a in facts] * 2 + [dict(prompt='Mail me', response='at ann@example.com')])\n"
    "DataExplorer(df, text='response')",
    "PromptPlayground(['smollm2-135m-instruct'], template='Answer briefly: {{ question }}')",
    "ModelComparison(['tiny-random', 'smollm2-135m-instruct'], prompts=[q for q, a in facts[:3]], references=[a for q, a in facts[:3]], max_new_tokens=12)",
    "Rater(pd.DataFrame(dict(prompt=[q for q, a in facts[:4]], output=[a for q, a in facts[:4]])), 'scale', annotator='tourist')",
    "FinetuneLauncher(data=df.iloc[:16], base='smollm2-135m-instruct')",
]

# What identifies each widget's root element in the page: (CSS selector of the root, something only that widget has inside it)
WIDGETS = {
    "data_explorer": ("Duplicates", "Select matching"),
    "prompt_playground": ("Save version", "Run on data"),
    "model_comparison": ("Prefer A", "Prefer B"),
    "rater": (".llmops-rater",),
    "finetune_launcher": ("Compare with base", "Launch"),
}
WIDGET_OUT = ".jp-OutputArea-output:has(> .lm-Widget)"

def widget(page, name):
    "The output element of widget `name` (the first one in the notebook)."
    loc = page.locator(WIDGET_OUT)
    for sig in WIDGETS[name]:
        loc = loc.filter(has=page.locator(sig)) if sig.startswith(".") else loc.filter(has=page.get_by_text(sig, exact=True))
    return loc.first

def button(root, name):
    return root.get_by_role("button", name=name, exact=True)

def labelled(root, label, tag="input"):
    "The `tag` of the ipywidget whose description is `label`."
    return root.locator(f".widget-inline-hbox:has(> label:text-is('{label}')) {tag}").first

def shoot(loc, name):
    "Save a screenshot of `loc` as docs/screenshots/NAME.png."
    SHOTS.mkdir(parents=True, exist_ok=True)
    loc.scroll_into_view_if_needed()
    loc.screenshot(path=str(SHOTS / f"{name}.png"), animations="disabled")

def wait_text(loc, pattern, timeout=120):
    "Wait until the inner text of `loc` matches the regex `pattern`; returns the text."
    pat = re.compile(pattern)
    loc.page.wait_for_function("([el, p]) => new RegExp(p).test(el.innerText)", arg=[loc.element_handle(), pattern], timeout=timeout * 1000)
    t = loc.inner_text(); assert pat.search(t), t
    return t

# --- acting as a person on each widget ---

def use_playground(page, pg):
    "Type a prompt and a question, run it to the end; then run a long one and stop its stream."
    tpl = pg.get_by_placeholder("Write the prompt; {{ variable }} makes a field")
    tpl.click(); tpl.press("Control+a"); tpl.press_sequentially("Answer in one short sentence: {{ question }}")
    q = labelled(pg, "question", "textarea")
    q.wait_for()
    q.click(); q.press_sequentially("What is the capital of France?")
    status = pg.locator(".widget-hbox:has(button:text-is('Run')) .widget-html").first
    out = pg.locator("pre").first
    button(pg, "Run").click()
    wait_text(status, r"^\s*done\s*$", 300)
    ran = out.inner_text()
    assert ran.strip(), "the playground ran but showed no output"
    stats = wait_text(pg, r"\d+ tokens · [\d.]+ s · [\d.]+ tok/s")
    readout = labelled(pg, "max tokens", ".widget-readout")   # a long answer, so there is a stream to stop
    readout.click(); readout.press("Control+a"); readout.press_sequentially("1024"); readout.press("Enter")
    q.click(); q.press("Control+a"); q.press_sequentially("Count from 1 to 1000, one number per line, and say nothing else.")
    button(pg, "Run").click()
    page.wait_for_function("([s, o]) => s.innerText.trim() === 'running' && o.innerText.trim().length > 0",
                           arg=[status.element_handle(), out.element_handle()], timeout=300_000)
    button(pg, "Stop").click()
    wait_text(status, r"^\s*stopped\s*$", 120)
    wait_text(pg, r"tokens · .* · cancelled")
    return ran

def use_comparison(page, mc):
    "Press Prefer A on the first prompt."
    button(mc, "Prefer A").click()
    return wait_text(mc, r"saved rating \S+: A for prompt \d+")

def use_rater(page, rt, n=3):
    "Rate `n` items with the keyboard: click the widget, then press one value key per item; returns the keys pressed."
    rt.locator(".llmops-rater .bar").first.click()
    keys = []
    for k in range(1, n + 1):
        vals = [b for b in rt.locator(".llmops-rater [data-key]").evaluate_all("bs => bs.map(b => b.dataset.key)") if b not in NAV_KEYS]
        key = vals[(k + 2) % len(vals)]
        keys.append(key); page.keyboard.press(key)
        page.wait_for_function("""([r, k]) => r.innerText.includes(`rated ${k} ·`) && r.querySelector('[data-role=status]').dataset.state === 'saved'""",
                               arg=[rt.locator(".llmops-rater").first.element_handle(), k], timeout=60_000)
    return keys

TRACE_POINTS = "el => Math.max(0, ...Array.from(el.querySelectorAll('.js-plotly-plot')).flatMap(g => (g.data || []).map(t => (t.x || []).length)))"

def use_launcher(page, fl, timeout=900):
    "Set a short run (1 epoch, batch 2), press Launch, watch the loss curve gain points, and wait for the job to finish."
    for k, v in (("epochs", "1"), ("batch_size", "2"), ("save_steps", "100")):
        f = labelled(fl, k); f.fill(v); f.press("Enter")
    wait_text(fl, r"\d+ rows · \d+ steps")
    before = fl.evaluate(TRACE_POINTS)
    button(fl, "Launch").click()
    wait_text(fl, r"step \d+/\d+ · (queued|running)", 120)
    fl.page.wait_for_function(f"el => ({TRACE_POINTS})(el) >= 1", arg=fl.element_handle(), timeout=timeout * 1000)
    first = fl.evaluate(TRACE_POINTS)
    fl.page.wait_for_function(f"([el, n]) => ({TRACE_POINTS})(el) > n", arg=[fl.element_handle(), first], timeout=timeout * 1000)
    moved = fl.evaluate(TRACE_POINTS)
    done = wait_text(fl, r"step (\d+)/\1 · done|· failed|· stopped", timeout)
    return before, first, moved, done

# --- the test ---

def tour_notebook(lab):
    "The tour, copied into a fresh folder that JupyterLab serves (so its store is fresh and the repo untouched)."
    d = lab.folder("tour")
    return lab.notebook(d / "index.ipynb", STANDIN)

def ratings_jobs(db):
    from llmops_nb.store import Store
    s = Store(f"sqlite:///{db}")
    return s.rows("ratings"), s.rows("jobs")

def test_tour_as_a_person(lab):
    nb = tour_notebook(lab)
    page = lab.open(nb, width=1280, height=1400)
    t0 = time.perf_counter()
    run_all(page, timeout=900)
    ran_s = time.perf_counter() - t0
    page.wait_for_function("document.querySelectorAll(\"%s\").length >= %d" % (WIDGET_OUT, len(WIDGETS)), timeout=60_000)
    text = page.evaluate("document.body.innerText")
    assert "Error displaying widget" not in text
    roots = {n: widget(page, n) for n in WIDGETS}
    for n, w in roots.items(): assert w.count() == 1, f"{n} did not render"
    db = nb.parent / ".llmops" / "llmops.db"
    r0, j0 = ratings_jobs(db)
    for n, w in roots.items(): shoot(w, n)
    acts = {}
    try:
        acts["playground"] = use_playground(page, roots["prompt_playground"])
        acts["comparison"] = use_comparison(page, roots["model_comparison"])
        acts["rater"] = use_rater(page, roots["rater"])
        acts["launcher"] = use_launcher(page, roots["finetune_launcher"])
    except Exception:
        shot = ROOT / "tests" / "_artifacts"; shot.mkdir(exist_ok=True)
        page.screenshot(path=str(shot / "tour_failed.png"), full_page=True)
        raise
    for n in ("prompt_playground", "model_comparison", "rater", "finetune_launcher"): shoot(roots[n], n)
    cells = page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets.map(c => c.model.type)")
    errors, xss = list(page.errors), page.evaluate("window.__xss")
    page.close()
    print(f"tour ran in {ran_s:.0f} s; acts: {acts}")
    assert errors == [], errors                           # no JavaScript console errors
    assert xss is None
    assert len(cells) == len(STANDIN)                     # no key press reached the notebook
    r1, j1 = ratings_jobs(db)
    new = [r for r in r1 if r["id"] not in {r["id"] for r in r0}]
    pair = [r for r in new if r["schema"] == "pairwise"]
    rated = [r for r in new if r["schema"] != "pairwise"]
    assert len(new) == 4 and len(pair) == 1 and len(rated) == 3, new
    assert json.loads(pair[0]["value"]) == "a" and json.loads(pair[0]["models"])[0] == "tiny-random"
    assert [json.loads(r["value"]) for r in rated] == [int(k) for k in acts["rater"]]
    assert {r["annotator"] for r in rated} == {"tourist"}
    jobs = [j for j in j1 if j["id"] not in {j["id"] for j in j0}]
    assert len(jobs) == 1 and jobs[0]["status"] == "done", jobs
    before, first, moved, done = acts["launcher"]
    assert moved > first >= 1 and "done" in done
