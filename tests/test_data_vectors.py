"Tests of llmops_nb.vectors with the real packaged MiniLM and real faiss."
import os
os.environ["HF_HUB_OFFLINE"] = "1"; os.environ["LLMOPS_PROGRESS"] = "0"
import numpy as np, pytest
from llmops_nb.core import InputError
from llmops_nb.vectors import embed, VectorIndex, contamination

TRAIN = ["How do I reset my password?", "The delivery arrived two days late.", "What is the refund policy for damaged items?",
         "Our office is closed on public holidays.", "The app crashes when I upload a photo."]

def test_contamination_finds_paraphrases():
    ev = ["How can I reset my password?", "Can I get a refund if an item arrives broken?", "What colour is the sky on Mars?"]
    c = contamination(TRAIN, ev, threshold=0.75)
    assert c.eval_row.tolist()[:1] == [0] and 2 not in c.eval_row.tolist()
    assert (c.score >= 0.75).all()

def test_save_load_and_retriever(tmp_path):
    ix = VectorIndex(TRAIN)
    ix.save(tmp_path/"ix")
    ix2 = VectorIndex.load(tmp_path/"ix")
    q = "the program fails when adding a picture"
    assert ix2.search(q, k=1).row.tolist() == [4] == ix.search(q, k=1).row.tolist()
    r = ix2.retriever(k=2)
    assert r(q)[0] == TRAIN[4] and len(r(q)) == 2 and TRAIN[4] in r.context(q)
    with pytest.raises(InputError): VectorIndex.load(tmp_path)

def test_embed_is_batch_invariant():
    a = embed(TRAIN, batch_size=2)
    b = np.vstack([embed([t]) for t in TRAIN])
    assert np.allclose(a, b, atol=1e-5)
