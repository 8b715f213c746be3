"""A person walks the tour in a real JupyterLab (headless Chromium): every widget renders without errors, then they type and run a
prompt, stop a stream, prefer A, rate three items with the keyboard, launch a short fine-tune and watch its loss curve, and open
Monitor; the store holds exactly that work. Screenshots of each widget go to tests/_artifacts/screenshots/; `make screenshots` copies them into nbs/screenshots/, where the documentation site takes them from."""
import json, re, shutil, time
from pathlib import Path
from conftest import ROOT, run_all, screenshot

SHOTS = ROOT / "tests" / "_artifacts" / "screenshots"
NAV_KEYS = set("jkusc y".replace(" ", ""))   # the Rater's navigation keys; every other key a button shows gives a value
WIDGETS = {   # name: texts (or a CSS selector) only that widget's output holds; the first output in the notebook that has them all
    "data_explorer": ("Duplicates", "Select matching"),
    "playground": ("Save version", "Run on data"),
    "model_comparison": ("Prefer A", "Prefer B"),
    "rater": (".llmops-rater",),
    "finetune_launcher": ("Compare with base", "Launch"),
    "studio": ("Fine-tune", "Selection → Playground"),
    "monitor": ("Refresh", "auto-refresh", "!Selection → Playground"),   # "!": not inside Studio
}
WIDGET_OUT = ".jp-OutputArea-output:has(> .lm-Widget)"

def widget(page, name):
    "The output element of widget `name` (the first one in the notebook)."
    loc = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").locator(WIDGET_OUT)   # in the notebook shown
    for sig in WIDGETS[name]:
        if sig.startswith("!"): loc = loc.filter(has_not=page.get_by_text(sig[1:], exact=True))
        else: loc = loc.filter(has=page.locator(sig)) if sig.startswith(".") else loc.filter(has=page.get_by_text(sig, exact=True))
    return loc.first

def button(root, name):
    return root.get_by_role("button", name=name, exact=True)

def labelled(root, label, tag="input"):
    "The `tag` of the ipywidget whose description is `label`."
    return root.locator(f".widget-inline-hbox:has(> label:text-is('{label}')) {tag}").first

def shoot(loc, name):
    "Save a screenshot of `loc` as tests/_artifacts/screenshots/NAME.png (`make screenshots` copies them into nbs/screenshots/ for the docs)."
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

def use_playground(page, pg, field="prompt"):
    "Type a prompt into the `field` box and run it to the end; then ask for a long story and stop its stream. Returns the two outputs."
    q = labelled(pg, field, "textarea")
    q.click(); q.press("Control+a"); q.press_sequentially("What is the capital of France?")
    status = pg.locator(".widget-hbox:has(button:text-is('Run')) .widget-html").first
    stats = pg.locator(".widget-hbox:has(button:text-is('Run')) + .widget-html").first     # the line under Run: tokens, seconds, tok/s
    before = stats.inner_text()
    button(pg, "Run").click()
    page.wait_for_function("([s, t, b]) => s.innerText.trim() === 'done' && t.innerText !== b", arg=[status.element_handle(), stats.element_handle(), before], timeout=300_000)
    ran = pg.locator("pre").first.inner_text()
    assert ran.strip(), "the playground ran but showed no output"
    wait_text(stats, r"\d+ tokens · [\d.]+ s · [\d.]+ tok/s")
    system = pg.get_by_placeholder("system message (optional)")
    system.click(); system.press("Control+a"); system.press("Delete")          # no "answer in one sentence": a long answer to stop
    readout = labelled(pg, "max tokens", ".widget-readout")
    readout.click(); readout.press("Control+a"); readout.press_sequentially("1024"); readout.press("Enter")
    q.click(); q.press("Control+a"); q.press_sequentially("Write a long story about a dragon who learns to fly.")
    before = stats.inner_text()
    button(pg, "Run").click()
    page.wait_for_function("""([pg, s, t, b]) => { const o = pg.querySelector('pre'), st = s.innerText.trim();
        return (st === 'running' && o && o.innerText.trim().length > 0) || (['done', 'error'].includes(st) && t.innerText !== b); }""",
                           arg=[pg.element_handle(), status.element_handle(), stats.element_handle(), before], timeout=300_000)
    assert status.inner_text().strip() == "running", f"the long answer ended before Stop could be pressed: {pg.inner_text()[-500:]}"
    button(pg, "Stop").click()
    wait_text(status, r"^\s*stopped\s*$", 120)
    wait_text(stats, r"tokens · .* · cancelled")
    return ran, pg.locator("pre").first.inner_text()[:200]

def use_comparison(page, mc):
    "Press Prefer A on the prompt shown."
    button(mc, "Prefer A").click()
    return wait_text(mc, r"saved rating \S+: A for prompt \d+")

def _rater_pos(rt):
    return tuple(map(int, re.search(r"item (\d+) of (\d+)", rt.inner_text()).groups()))

def use_rater(page, rt, n=3):
    "Click the Rater, then rate `n` items with the keyboard (going back first when every item is rated); returns [(item, key)]."
    r = rt.locator(".llmops-rater").first
    r.locator(".bar").first.click()
    i, total = _rater_pos(r)
    while total - i + 1 < n: page.keyboard.press("k"); wait_text(r, f"item {i - 1} of {total}"); i -= 1
    pressed = []
    for k in range(n):
        i, total = _rater_pos(r)
        keys = r.locator("[data-key]").evaluate_all("bs => bs.map(b => [b.dataset.key, b.classList.contains('on')])")
        free = [key for key, on in keys if key not in NAV_KEYS and not on]   # a value this item does not have yet: the change shows
        key = free[k % len(free)]
        page.keyboard.press(key); pressed.append((i, key))
        page.wait_for_function("""([r, i, key]) => { const b = r.querySelector(`[data-key="${key}"]`), s = r.querySelector('[data-role=status]');
            return (!r.innerText.includes(`item ${i} of`) || (b && b.classList.contains('on'))) && s && s.dataset.state === 'saved'; }""",
                               arg=[r.element_handle(), i, key], timeout=60_000)
    return pressed

CURVE = "el => { const g = el.querySelector('.js-plotly-plot'), t = g && g.data && g.data[0]; return t ? [t.name, (t.x || []).length] : [null, 0]; }"

def use_launcher(page, fl, max_steps=10, timeout=1200):
    "Check the form asks for a short run, press Launch, watch the new job's loss curve gain points, and wait for the job to finish."
    est = wait_text(fl, r"\d+ rows · \d+ steps")
    steps = int(re.search(r"(\d+) steps", est).group(1))
    assert 1 < steps <= max_steps, f"the launcher's form asks for {steps} steps; the tour should keep its fine-tune short"
    old = fl.evaluate(CURVE)[0]
    button(fl, "Launch").click()
    wait_text(fl, r"step \d+/(\d+|\?) · (queued|running)", 120)
    page.wait_for_function(f"([el, old]) => {{ const [n, k] = ({CURVE})(el); return n !== old && k >= 1; }}", arg=[fl.element_handle(), old], timeout=timeout * 1000)
    name, first = fl.evaluate(CURVE)
    page.wait_for_function(f"([el, k]) => ({CURVE})(el)[1] > k", arg=[fl.element_handle(), first], timeout=timeout * 1000)
    moved = fl.evaluate(CURVE)[1]
    done = wait_text(fl, r"step (\d+)/\1 · done|· failed|· stopped", timeout)
    return name, first, moved, steps, done

def use_monitor(page, studio, mon, calls):
    "Open the Monitor tab of Studio; press Refresh on the Monitor and see it count `calls` calls."
    studio.get_by_role("tab", name="Monitor").click()
    wait_text(studio, r"\d+ calls · updated", 120)
    mon.locator("button:has-text('Refresh')").first.click()
    return wait_text(mon, rf"\b{calls} calls · updated", 120)

# --- the test ---

def tour_notebook(lab):
    "The tour, copied into a fresh folder that JupyterLab serves: its kernel's store is `.llmops/` there, and the repo is untouched."
    d = lab.folder("tour")
    return Path(shutil.copy(ROOT / "nbs" / "index.ipynb", d / "index.ipynb"))

def store_rows(db):
    from llmops_nb.store import Store
    s = Store(f"sqlite:///{db}")
    return {t: s.rows(t) for t in ("ratings", "jobs", "calls")}

def new_rows(before, after):
    return {t: [r for r in after[t] if r["id"] not in {o["id"] for o in before[t]}] for t in after}

def test_tour_as_a_person(lab):
    nb = tour_notebook(lab)
    ncells = len(json.loads(nb.read_text())["cells"])
    page = lab.open(nb, width=1280, height=1400)
    t0 = time.perf_counter()
    run_all(page, timeout=2400)
    ran_s = time.perf_counter() - t0
    text = page.evaluate("document.body.innerText")
    assert "Error displaying widget" not in text
    roots = {n: widget(page, n) for n in WIDGETS}
    missing = [n for n, w in roots.items() if w.count() != 1]
    assert not missing, f"these widgets did not render: {missing}"
    db = nb.parent / ".llmops" / "llmops.db"
    before = store_rows(db)
    acts, t1 = {}, time.perf_counter()
    try:
        for n in ("data_explorer", "studio"): shoot(roots[n], n)
        acts["playground"] = use_playground(page, roots["playground"])
        acts["comparison"] = use_comparison(page, roots["model_comparison"])
        acts["rater"] = use_rater(page, roots["rater"])
        acts["launcher"] = use_launcher(page, roots["finetune_launcher"])
        for n in ("playground", "model_comparison", "rater", "finetune_launcher"): shoot(roots[n], n)
        acts["monitor"] = use_monitor(page, roots["studio"], roots["monitor"], len(store_rows(db)["calls"]))
        shoot(roots["monitor"], "monitor")
    except Exception:
        screenshot(page, "tour_failed")
        raise
    acted_s = time.perf_counter() - t1
    cells = page.evaluate("window.jupyterapp.shell.currentWidget.content.widgets.length")
    errors, xss = list(page.errors), page.evaluate("window.__xss")
    page.close()
    print(f"\ntour ran in JupyterLab in {ran_s:.0f} s; the person's actions took {acted_s:.0f} s; {acts}")
    assert errors == [], errors                           # no JavaScript console errors
    assert xss is None
    assert cells == ncells                                # no key press reached the notebook (a, b would add cells)
    new = new_rows(before, store_rows(db))
    # the ratings: exactly the three keyboard ratings and the one Prefer A
    pref = [r for r in new["ratings"] if r["annotator"] == "user"]
    rated = [r for r in new["ratings"] if r["annotator"] != "user"]
    assert len(new["ratings"]) == 4 and len(pref) == 1 and len(rated) == 3, new["ratings"]
    assert pref[0]["schema"] == "pairwise" and json.loads(pref[0]["value"]) == "a"
    assert json.loads(pref[0]["models"]) == ["smollm2-135m-instruct", "gemma3-270m"]
    want = [("tie" if key == "t" else r["left"] if key == "a" else {"a": "b", "b": "a"}[r["left"]]) for (i, key), r in zip(acts["rater"], rated)]
    assert [json.loads(r["value"]) for r in rated] == want, (acts["rater"], rated)
    assert {r["annotator"] for r in rated} == {"tour"} and all(r["schema"] == "pairwise" for r in rated)
    old = {r["id"]: r for r in before["ratings"]}
    assert all(r["supersedes"] in old and old[r["supersedes"]]["item_key"] == r["item_key"] for r in rated)   # re-rated: each replaces the tour's own rating
    # the job: exactly the one launched, finished, with the curve that was watched
    name, first, moved, steps, done = acts["launcher"]
    assert len(new["jobs"]) == 1 and new["jobs"][0]["status"] == "done", new["jobs"]
    assert name == f"{new['jobs'][0]['name']} train" and moved > first >= 1 and "done" in done
    # the calls: the playground's answer and its stopped stream
    assert sorted(c["finish_reason"] for c in new["calls"])[0:1] == ["cancelled"] and len(new["calls"]) == 2, new["calls"]
    assert any("capital of France" in c["prompt"] and c["output"].strip() for c in new["calls"])
