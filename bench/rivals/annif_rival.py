"""Annif (tfidf, svc, omikuji backends) on one corpus: projects trained with the `annif` CLI,
used in-process for scoring and latency."""

from __future__ import annotations

import os
import urllib.parse
from pathlib import Path

from rivals_common import (
    BIN,
    NLTK_DIR,
    THRESHOLD_GRID,
    VALIDATION_FRACTION,
    VALIDATION_SEED,
    choose_threshold,
    decide,
    even_sample,
    log,
    rounded,
    run_measured,
    score,
    summarize_runs,
    time_calls,
    tree_bytes,
    validation_split,
)

# Annif: the backends with their own default parameters, the same analyzer for all.
ANNIF_BACKENDS = ("tfidf", "svc", "omikuji")
ANNIF_ANALYZER = "snowball(english)"
ANNIF_LANGUAGE = "en"
ANNIF_SUGGEST_LIMIT = 10  # Annif's default limit; the threshold is chosen on validation
ANNIF_TRAIN_JOBS = 2
LABEL_URI = "http://example.org/label/{}"


class Annif:
    """Annif projects in a private data folder, trained with the `annif` CLI and used in-process."""

    def __init__(self, work: Path) -> None:
        self.root = work / "annif"
        self.datadir = self.root / "data"
        self.config_path = self.root / "projects.cfg"
        self.log_path = self.root / "annif.log"
        self.datadir.mkdir(parents=True)
        self.projects: dict[str, dict] = {}
        self.env = {
            **os.environ,
            "ANNIF_PROJECTS": str(self.config_path),
            "ANNIF_DATADIR": str(self.datadir),
            "NLTK_DATA": str(NLTK_DIR),
        }
        # Annif's default config reads these at import time
        os.environ["ANNIF_PROJECTS"] = str(self.config_path)
        os.environ["ANNIF_DATADIR"] = str(self.datadir)
        self._app = None
        self._loaded: dict = {}
        self._registries: list = []
        self.vocab_seconds: dict[str, float] = {}

    def add_project(self, project_id: str, backend: str, vocab: str) -> dict:
        config = {
            "name": project_id,
            "language": ANNIF_LANGUAGE,
            "backend": backend,
            "analyzer": ANNIF_ANALYZER,
            "vocab": vocab,
        }
        self.projects[project_id] = config
        lines = []
        for pid, cfg in self.projects.items():
            lines.append(f"[{pid}]")
            lines.extend(f"{key}={value}" for key, value in cfg.items())
            lines.append("")
        self.config_path.write_text("\n".join(lines), encoding="utf-8")
        return config

    def cli(self, *args) -> dict:
        return run_measured([BIN / "annif", *args], self.log_path, env=self.env)

    def load_vocab(self, vocab: str, labels: list[str]) -> None:
        path = self.root / f"{vocab}-vocab.tsv"
        path.write_text(
            "".join(f"<{label_uri(label)}>\t{label}\n" for label in labels), encoding="utf-8"
        )
        # load-vocab needs the vocabulary named by some project in the configuration
        self.add_project(f"{vocab}-vocabholder", "dummy", vocab)
        run = self.cli("load-vocab", vocab, path, "--language", ANNIF_LANGUAGE)
        self.vocab_seconds[vocab] = run["wall_seconds"]

    def write_corpus(self, docs: list[dict], path: Path) -> Path:
        """Annif's TSV document corpus: text on one line, TAB, subject URIs in <>."""
        with path.open("w", encoding="utf-8") as handle:
            for doc in docs:
                text = " ".join(doc["text"].split())
                uris = " ".join(f"<{label_uri(label)}>" for label in doc["labels"])
                handle.write(f"{text}\t{uris}\n")
        return path

    def train(self, project_id: str, corpus_path: Path) -> dict:
        return self.cli("train", project_id, corpus_path, "--jobs", str(ANNIF_TRAIN_JOBS))

    def project(self, project_id: str):
        """The project loaded in this process (after its training is over)."""
        if project_id not in self._loaded:
            import annif
            import annif.registry

            if self._app is None:
                self._app = annif.create_flask_app("annif.default_config.Config")
                self._app.config["PROJECTS_CONFIG_PATH"] = str(self.config_path)
                self._app.config["DATADIR"] = str(self.datadir)
                self._app.app_context().push()
            # A fresh registry reads the configuration as it is now (it grows as we go).
            # Registries are kept alive: Annif keys its per-registry state by id().
            registry = annif.registry.AnnifRegistry(str(self.config_path), str(self.datadir), False)
            self._registries.append(registry)
            project = registry.get_project(project_id)
            project.initialize()
            by_id = {}
            subjects = project.subjects
            for index in range(len(subjects)):
                try:
                    by_id[index] = label_from_uri(subjects[index].uri)
                except IndexError:  # deprecated or excluded subject
                    continue
            self._loaded[project_id] = (project, by_id)
        return self._loaded[project_id]

    def suggest(self, project_id: str, texts: list[str], batch: int = 32):
        """Best-first (label, score) lists, at most ANNIF_SUGGEST_LIMIT a document."""
        from annif.corpus import Document

        project, by_id = self.project(project_id)
        out = []
        for start in range(0, len(texts), batch):
            chunk = texts[start : start + batch]
            result = project.suggest([Document(text=t) for t in chunk]).filter(
                limit=ANNIF_SUGGEST_LIMIT, threshold=0.0
            )
            for index in range(len(chunk)):
                out.append([(by_id[s.subject_id], s.score) for s in result[index]])
        return out

    def backend_defaults(self, backend: str) -> dict:
        import annif.backend

        cls = annif.backend.get_backend(backend)
        return {
            **annif.backend.backend.AnnifBackend.DEFAULT_PARAMETERS,
            **getattr(cls, "DEFAULT_PARAMETERS", {}),
        }


def label_uri(label: str) -> str:
    return LABEL_URI.format(urllib.parse.quote(label, safe=""))


def label_from_uri(uri: str) -> str:
    return urllib.parse.unquote(uri.rsplit("/", 1)[-1])


# Files Annif keeps beside a model that are training caches, not needed to serve it.
ANNIF_TRAINING_CACHES = {"omikuji-train.txt"}


def bench_annif(annif_runner: Annif, backend: str, corpus: dict, work: Path, mode: dict) -> dict:
    name = corpus["name"]
    multilabel = corpus["multilabel"]
    project_id = f"{name}-{backend}"
    folder = work / f"annif-{name}"
    folder.mkdir(exist_ok=True)
    train_tsv = folder / "train.tsv"
    if not train_tsv.exists():
        annif_runner.write_corpus(corpus["train"], train_tsv)

    selection = {"threshold": None, "how": "top-1 (single-label)"}
    if multilabel:
        fit_docs, val_docs = validation_split(corpus["train"])
        fit_tsv = folder / "fit.tsv"
        if not fit_tsv.exists():
            annif_runner.write_corpus(fit_docs, fit_tsv)
        val_id = f"{project_id}-val"
        annif_runner.add_project(val_id, backend, name)
        log(f"Annif {project_id}: training on {len(fit_docs)} documents to choose a threshold")
        val_run = annif_runner.train(val_id, fit_tsv)
        suggestions = annif_runner.suggest(val_id, [d["text"] for d in val_docs])
        chosen = choose_threshold([d["labels"] for d in val_docs], suggestions, corpus["labels"])
        selection = {
            **chosen,
            "how": (
                f"grid {THRESHOLD_GRID[0]}..{THRESHOLD_GRID[-1]} step 0.01, best micro-F1 on "
                f"a {VALIDATION_FRACTION:.0%} validation split of train (seed "
                f"{VALIDATION_SEED}; {len(fit_docs)} fit / {len(val_docs)} validation docs); "
                "labels with score >= threshold, else the best one"
            ),
            "validation_train_seconds": rounded(val_run["wall_seconds"], 3),
        }
        log(
            f"Annif {project_id}: threshold {chosen['threshold']} "
            f"(validation micro-F1 {chosen['validation_micro_f1']})"
        )

    config = annif_runner.add_project(project_id, backend, name)
    runs = []
    for repeat in range(mode["repeats"]):
        log(f"Annif {project_id}: training {repeat + 1}/{mode['repeats']}")
        runs.append(annif_runner.train(project_id, train_tsv))

    threshold = selection["threshold"] or 0.0
    log(f"Annif {project_id}: evaluating on {len(corpus['test'])} test documents")
    suggestions = annif_runner.suggest(project_id, [d["text"] for d in corpus["test"]])
    predicted = [decide(s, multilabel, threshold) for s in suggestions]
    metrics = score([d["labels"] for d in corpus["test"]], predicted, corpus["labels"], multilabel)

    def tag(text: str) -> list[str]:
        return decide(annif_runner.suggest(project_id, [text])[0], multilabel, threshold)

    texts = [d["text"] for d in even_sample(corpus["test"], mode["latency_docs"])]
    latency = time_calls(tag, texts, mode["repeats"])
    sizes = tree_bytes(annif_runner.datadir / "projects" / project_id)
    model_bytes = sum(
        size
        for file, size in sizes["files"].items()
        if Path(file).name not in ANNIF_TRAINING_CACHES
    )
    vocab_sizes = tree_bytes(annif_runner.datadir / "vocabs" / name)
    return {
        "system": f"annif-{backend}",
        "corpus": name,
        "settings": {
            "project_config": config,
            "backend_parameters": annif_runner.backend_defaults(backend),
            "train_command": f"annif train {project_id} train.tsv --jobs {ANNIF_TRAIN_JOBS}",
            "suggest_limit": ANNIF_SUGGEST_LIMIT,
            "prediction": selection,
            "vocabulary": f"{len(corpus['labels'])} subjects, URIs {LABEL_URI}",
        },
        "metrics": metrics,
        "timings": {
            **summarize_runs(runs),
            "load_vocab_seconds": rounded(annif_runner.vocab_seconds.get(name), 3),
            "latency_per_document": latency,
        },
        "model": {
            "model_bytes": model_bytes,
            "training_cache_bytes": sizes["total_bytes"] - model_bytes,
            "vocab_bytes": vocab_sizes["total_bytes"],
            **sizes,
        },
    }
