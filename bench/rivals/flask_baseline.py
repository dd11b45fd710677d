"""A plain "Flask + scikit-learn" topic tagger: the simplest service one would write by hand.

Train (writes a joblib file):

    python flask_baseline.py train TRAIN.jsonl MODEL.joblib

Serve (gunicorn, sync workers), the model named by FLASK_BASELINE_MODEL:

    FLASK_BASELINE_MODEL=MODEL.joblib gunicorn -w 2 -b 127.0.0.1:8001 flask_baseline:app

    POST /tag   {"text": "..."}  ->  {"label": "sport"}
    GET  /health                 ->  {"ok": true}

The pipeline is TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True) + LinearSVC() with
scikit-learn's defaults otherwise; there is no tuning, on purpose.
"""

from __future__ import annotations

import json
import os
import sys


def build_pipeline():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    return make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True), LinearSVC())


def train(train_jsonl: str, model_path: str) -> dict:
    import joblib

    texts, labels = [], []
    with open(train_jsonl, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                doc = json.loads(line)
                texts.append(doc["text"])
                labels.append(doc["labels"][0])
    pipeline = build_pipeline()
    pipeline.fit(texts, labels)
    joblib.dump(pipeline, model_path)
    return {"documents": len(texts), "classes": sorted(set(labels))}


def create_app(model_path: str | None = None):
    import joblib
    from flask import Flask, jsonify, request

    pipeline = joblib.load(model_path or os.environ["FLASK_BASELINE_MODEL"])
    application = Flask(__name__)

    @application.post("/tag")
    def tag():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict) or not isinstance(payload.get("text"), str):
            return jsonify(error='send JSON {"text": "..."}'), 400
        label = pipeline.predict([payload["text"]])[0]
        return jsonify(label=str(label))

    @application.get("/health")
    def health():
        return jsonify(ok=True)

    return application


if os.environ.get("FLASK_BASELINE_MODEL"):
    app = create_app()

if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "train":
        print(json.dumps(train(sys.argv[2], sys.argv[3])))
    else:
        raise SystemExit(__doc__)
