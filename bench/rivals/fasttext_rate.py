"""fastText's per-document tagging rate on one core, for bench/batch.py (rivals' venv).

    bench/.rivals/venv/bin/python bench/rivals/fasttext_rate.py TRAIN.txt TEXTS.json MODEL.bin OUT.json

TRAIN.txt is fastText's supervised format; TEXTS.json a list of documents. The model is
trained once (with the settings bench/rivals/run_rivals.py starts its search from) and saved to
MODEL.bin; every call then times one pass over the documents, one predict call each, as a
service answering one request at a time would. bench/batch.py alternates these passes with
its own, so that both feel the same machine.
"""

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from timing import items_per_second, pin_to_one_core


def main(train: str, texts_path: str, model_path: str, out: str) -> None:
    import fasttext

    pin_to_one_core()
    if Path(model_path).exists():
        model = fasttext.load_model(model_path)
    else:
        model = fasttext.train_supervised(
            input=train, epoch=25, lr=0.5, wordNgrams=2, dim=100, thread=1, seed=0, verbose=0
        )
        model.save_model(model_path)
    texts = [" ".join(t.split()) for t in json.loads(Path(texts_path).read_text())]

    def one_by_one(batch):
        for text in batch:
            model.predict(text, k=1)

    rate = items_per_second(one_by_one, texts, 1)
    Path(out).write_text(json.dumps({"docs_per_second": rate}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
