"""Write `llmops_nb/samples/instructions.jsonl`: the tour's sample dataset, written for this project (templated facts,
arithmetic, unit conversions, definitions and made-up product facts), with planted exact and near duplicates and fake PII.
Deterministic: `python tools/make_sample.py` writes the same bytes every time. The data is CC0 / public domain."""
import json, random
from pathlib import Path

CAPITALS = [("France", "Paris"), ("Germany", "Berlin"), ("Italy", "Rome"), ("Spain", "Madrid"), ("Portugal", "Lisbon"),
            ("Japan", "Tokyo"), ("Canada", "Ottawa"), ("Australia", "Canberra"), ("Brazil", "Brasília"), ("Egypt", "Cairo"),
            ("Kenya", "Nairobi"), ("India", "New Delhi"), ("Norway", "Oslo"), ("Sweden", "Stockholm"), ("Finland", "Helsinki"),
            ("Poland", "Warsaw"), ("Greece", "Athens"), ("Turkey", "Ankara"), ("Mexico", "Mexico City"), ("Peru", "Lima"),
            ("Chile", "Santiago"), ("Argentina", "Buenos Aires"), ("Ireland", "Dublin"), ("Austria", "Vienna"),
            ("Hungary", "Budapest"), ("Vietnam", "Hanoi"), ("Thailand", "Bangkok"), ("Morocco", "Rabat"), ("Ghana", "Accra"),
            ("New Zealand", "Wellington"), ("Switzerland", "Bern"), ("Denmark", "Copenhagen"), ("Belgium", "Brussels"),
            ("Netherlands", "Amsterdam"), ("Czechia", "Prague"), ("Romania", "Bucharest"), ("Iceland", "Reykjavík"),
            ("South Korea", "Seoul"), ("Indonesia", "Jakarta"), ("Colombia", "Bogotá")]
DEFINITIONS = [
    ("a prime number", "a whole number greater than 1 whose only divisors are 1 and itself"),
    ("photosynthesis", "the process by which plants use light, water and carbon dioxide to make sugar and oxygen"),
    ("a noun", "a word that names a person, place, thing or idea"),
    ("a verb", "a word that describes an action or a state"),
    ("gravity", "the force that pulls masses towards each other"),
    ("a triangle", "a flat shape with three straight sides and three angles"),
    ("evaporation", "the change of a liquid into a gas at its surface"),
    ("an island", "a piece of land surrounded by water on all sides"),
    ("a mammal", "a warm-blooded animal that has hair and feeds its young with milk"),
    ("a comet", "a small icy body that grows a glowing tail when it passes near the Sun"),
    ("an algorithm", "a finite list of precise steps that solves a problem"),
    ("a synonym", "a word that means the same or nearly the same as another word"),
    ("an antonym", "a word that means the opposite of another word"),
    ("a fraction", "a number that represents part of a whole, written as one number over another"),
    ("a volcano", "an opening in the Earth's crust through which molten rock, ash and gas escape"),
    ("inflation", "a general rise in prices over time, so money buys less"),
    ("a habitat", "the natural home of an animal or plant"),
    ("a continent", "one of the large land masses of the Earth, such as Africa or Asia"),
    ("friction", "the force that resists one surface sliding over another"),
    ("a metaphor", "a figure of speech that describes something as if it were something else"),
    ("a database", "an organised collection of data that a program can store and query"),
    ("a compiler", "a program that translates source code into machine code"),
    ("a histogram", "a chart that shows how often values fall into each of several ranges"),
    ("an average", "the sum of a list of numbers divided by how many numbers there are"),
    ("a pendulum", "a weight hung from a fixed point so that it can swing freely"),
]
UNITS = [("kilometres", "metres", 1000), ("metres", "centimetres", 100), ("kilograms", "grams", 1000), ("hours", "minutes", 60),
         ("minutes", "seconds", 60), ("litres", "millilitres", 1000), ("days", "hours", 24), ("weeks", "days", 7)]
# made-up facts, so a fine-tune has something to learn that no base model knows
PRODUCTS = ["Zorblat", "Quintaro", "Mevlin", "Tarsk", "Olvane", "Brindle", "Cazimo", "Feltro", "Grunwick", "Hollast",
            "Ipsena", "Jorvik", "Kelmar", "Lunova", "Mirth", "Nexola", "Orrin", "Pellam", "Quorra", "Rivolt"]
COLOURS = ["teal", "amber", "crimson", "indigo", "olive", "silver", "coral", "ivory", "jade", "plum"]

def rows(seed: int = 0) -> list:
    "The sample rows: prompt, response, category."
    rnd, out = random.Random(seed), []
    add = lambda p, r, c: out.append(dict(prompt=p, response=r, category=c))
    for country, city in CAPITALS: add(f"What is the capital of {country}?", f"The capital of {country} is {city}.", "geography")
    seen = set()
    while len(seen) < 70:
        a, b, op = rnd.randint(2, 99), rnd.randint(2, 99), rnd.choice("+-×")
        if (a, b, op) in seen: continue
        seen.add((a, b, op))
        v = a + b if op == "+" else a - b if op == "-" else a * b
        add(f"What is {a} {op} {b}?", f"{a} {op} {b} = {v}.", "arithmetic")
    while len(seen) < 120:
        big, small, f = rnd.choice(UNITS); n = rnd.randint(2, 40)
        if (big, n) in seen: continue
        seen.add((big, n))
        add(f"How many {small} are in {n} {big}?", f"{n} {big} is {n * f:,} {small}.", "units")
    for term, d in DEFINITIONS: add(f"Define {term} in one sentence.", f"{term[0].upper() + term[1:]} is {d}.", "definitions")
    for i, p in enumerate(PRODUCTS):
        code, colour, year = 100 + (i * 37) % 900, COLOURS[i % len(COLOURS)], 2001 + (i * 7) % 23
        add(f"What is the part code of the {p} widget?", f"The {p} widget has part code {p[:3].upper()}-{code}.", "products")
        add(f"What colour is the {p} widget?", f"The {p} widget is {colour}.", "products")
        add(f"When was the {p} widget first made?", f"The {p} widget was first made in {year}.", "products")
    words = ["planet", "river", "garden", "window", "lantern", "harbour", "meadow", "pencil", "ladder", "violin",
             "blanket", "compass", "forest", "kettle", "mirror", "orchard", "saddle", "thunder", "velvet", "whistle"]
    for w in words: add(f"Spell the word '{w}' backwards.", f"'{w}' backwards is '{w[::-1]}'.", "words")
    for w in words[:15]: add(f"How many letters are in the word '{w}'?", f"The word '{w}' has {len(w)} letters.", "words")
    # fake personal data (reserved example domains, 555-01xx numbers, a well-known test card number)
    pii = [("Write a short reply to jane.doe@example.com confirming the meeting.", "Hi Jane, the meeting on Friday at 10:00 is confirmed."),
           ("Summarise: call Tom on 555-010-4477 about the invoice.", "Tom needs a call about the invoice."),
           ("Reformat this contact: Ana Silva, ana.silva@example.org, (555) 012-3456.", "Name: Ana Silva. Email: ana.silva@example.org. Phone: (555) 012-3456."),
           ("Is this a valid test card number: 4111 1111 1111 1111?", "Yes, 4111 1111 1111 1111 passes the Luhn check; it is a well-known test number."),
           ("Draft a one-line out-of-office note that gives bob@example.net as the contact.", "I am away until Monday; please write to bob@example.net."),
           ("Extract the phone number from: 'Reach the front desk at +1 555-019-2020.'", "The phone number is +1 555-019-2020.")]
    for p, r in pii: add(p, r, "pii")
    # planted exact duplicates (same text after case and whitespace normalisation) and near duplicates (one word changed)
    for i in (0, 45, 130, 170): d = dict(out[i]); d["prompt"] = "  " + d["prompt"].upper() if i == 45 else d["prompt"]; out.append(d)
    near = [("Explain in two sentences why the sky looks blue on a clear day and red at sunset.",
             "Air scatters blue light more than red, so the sky looks blue. At sunset light crosses more air and the blue is scattered away, leaving red."),
            ("Explain in two sentences why the sky looks blue on a clear afternoon and red at sunset.",
             "Air scatters blue light more than red, so the sky looks blue. At sunset light crosses more air and the blue is scattered away, leaving red."),
            ("Give three tips for writing a clear email to a colleague about a delayed project deadline.",
             "State the new date first, explain the cause in one sentence, and say what you need from them."),
            ("Give three tips for writing a clear email to a colleague about a delayed project deadline today.",
             "State the new date first, explain the cause in one sentence, and say what you need from them.")]
    for p, r in near: add(p, r, "advice")
    rnd.shuffle(out)
    return out

if __name__ == "__main__":
    dest = Path(__file__).resolve().parents[1] / "llmops_nb" / "samples" / "instructions.jsonl"
    dest.parent.mkdir(parents=True, exist_ok=True)
    rs = rows()
    dest.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rs), encoding="utf-8")
    print(f"wrote {len(rs)} rows to {dest}")
