"""`topic-tagger`: argument parsing and output formatting only; the work happens elsewhere."""

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from classifier import coverage
from classifier.cli_archive import add_archive_command, run_tag_archive
from classifier.cli_queue import add_queue_commands, run_queue
from classifier.cli_registry import add_registry_commands, model_key, run_labels, run_models
from classifier.cluster import training_backend
from classifier.data import Corpus, load_corpus, merge_corrections
from classifier.datacheck import Floors, check_data_folder, format_report
from classifier.documents import Document, Refused, read_jsonl_documents
from classifier.errors import TaggerError
from classifier.extract import main_text
from classifier.labelstore import default_location, open_label_store
from classifier.options import TagOptions
from classifier.rollup import ROLLUP_CHOICES, WHOLE
from classifier.tagger import Tagger
from classifier.taxonomy import Taxonomy, load_taxonomy
from classifier.train import TrainingOptions
from classifier.workflow import evaluate_model, train_and_publish

_SHOWN_WARNINGS = 5
_TAG_BATCH = 256  # documents per scoring pass: one vectorisation and one product each


Handler = Callable[[argparse.Namespace], int]
ExtraCommands = dict[str, tuple[Callable[[Any], None], Handler]]


def default_models() -> str:
    """The model registry: TOPIC_TAGGER_MODEL_DIR, else models/."""
    return os.environ.get("TOPIC_TAGGER_MODEL_DIR") or "models"


def build_parser(extra_commands: ExtraCommands | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="topic-tagger", description="Topic tags for news text.")
    commands = parser.add_subparsers(dest="command", required=True)

    train = commands.add_parser("train", help="train a model and publish it as the current version")
    train.add_argument("data", nargs="+", help=".jsonl, .csv or folder of labelled examples")
    train.add_argument(
        "--test", nargs="+", help="held-out data to report metrics on (never trained on)"
    )
    train.add_argument("--taxonomy", help="taxonomy JSON; labels outside it are refused")
    train.add_argument(
        "--out", default=default_models(), help="model registry folder (default: %(default)s)"
    )
    train.add_argument(
        "--holdout", type=float, default=0.1, help="share held out for metrics without --test"
    )
    train.add_argument(
        "--budget", type=float, default=120.0, help="seconds for the hyperparameter search"
    )
    train.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    train.add_argument(
        "--params",
        type=_params,
        help="fixed hyperparameters instead of the search, as JSON with C, ngram_range, min_df"
        " (and secondary_weight, 0-1: how much a label after the first counts; characters,"
        " [low, high]: character n-grams beside the words)",
    )
    train.add_argument("--jobs", type=int, default=2, help="parallel jobs (default: %(default)s)")
    train.add_argument(
        "--rollup",
        choices=ROLLUP_CHOICES,
        default=WHOLE,
        help="how paragraph scores make article scores (default: whole text)",
    )
    train.add_argument("--strict", action="store_true", help="refuse data with any invalid record")
    train.add_argument(
        "--stored-labels", action="store_true", help="merge the label store's labels"
    )
    train.add_argument("--label-store", help="SQLite path or PostgreSQL URL (default: see README)")
    train.add_argument(
        "--tolerance",
        type=float,
        default=0.01,
        help="promote unless micro-F1 on --test drops by more than this",
    )
    train.add_argument("--force", action="store_true", help="promote without comparing")
    train.add_argument(
        "--scheduler", help="run the search's folds on this Dask cluster, tcp://HOST:8786"
    )

    evaluate = commands.add_parser("eval", help="score a model on labelled data")
    evaluate.add_argument("data", nargs="+")
    evaluate.add_argument("--model", default=default_models(), help="model or registry folder")
    evaluate.add_argument("--json", action="store_true", help="one JSON object on stdout")

    tag = commands.add_parser(
        "tag", help="tag a text or HTML file, stdin, or each document of a .jsonl file"
    )
    tag.add_argument("input", nargs="?", default="-", help="file to tag, or - for stdin")
    tag.add_argument("--model", default=default_models(), help="model or registry folder")
    tag.add_argument("--top-k", type=int, default=None, help="at most this many tags (1-100)")
    tag.add_argument(
        "--threshold", type=float, default=None, help="one score bar for every tag (0-1)"
    )
    tag.add_argument(
        "--depth", type=int, default=1, help="1: topics; 2: also subtopics under each (default 1)"
    )
    tag.add_argument(
        "--any-language", action="store_true", help="tag text that is not English anyway"
    )
    check = commands.add_parser("check-data", help="validate a training data folder")
    check.add_argument("folder", help="folder with taxonomy.json, train/ and test/")
    check.add_argument(
        "--min-per-topic", type=int, default=150, help="fail below this many examples per topic"
    )
    check.add_argument(
        "--min-per-subtopic",
        type=int,
        default=150,
        help="fail below this many examples per level-2 topic (hierarchical taxonomies)",
    )
    check.add_argument(
        "--min-region-share",
        type=float,
        default=0.08,
        help="fail when a region holds less than this share of examples (where set)",
    )
    check.add_argument(
        "--max-opening-share",
        type=float,
        default=0.005,
        help="fail when more than this share of examples open with the same three words",
    )
    check.add_argument("--table", help="write the coverage table here (Markdown)")
    add_registry_commands(commands)
    add_archive_command(commands)
    add_queue_commands(commands)
    for add_command, _ in (extra_commands or {}).values():
        add_command(commands)
    return parser


def main(argv: Sequence[str] | None = None, extra_commands: ExtraCommands | None = None) -> int:
    """Run one command and return the exit status; other packages may add commands."""
    args = build_parser(extra_commands).parse_args(argv)
    handlers: dict[str, Handler] = {
        "train": run_train,
        "eval": run_eval,
        "tag": run_tag,
        "check-data": run_check_data,
        "labels": run_labels,
        "models": run_models,
        "tag-archive": run_tag_archive,
        "queue": run_queue,
        **{name: handler for name, (_, handler) in (extra_commands or {}).items()},
    }
    try:
        return handlers[args.command](args)
    except TaggerError as error:
        # one line, whatever the message holds (database drivers add line breaks)
        print(f"topic-tagger: error: {' '.join(str(error).split())}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("topic-tagger: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 1


def run_train(args: argparse.Namespace) -> int:
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else None
    corpus = _load(args.data, taxonomy=taxonomy, strict=args.strict)
    if args.stored_labels:
        with open_label_store(args.label_store or default_location()) as store:
            corpus = merge_corrections(corpus, store.examples(), taxonomy)
        _stderr(corpus.warnings[-1])
    test = (
        _load(args.test, taxonomy=taxonomy, strict=args.strict, evaluation=True)
        if args.test
        else None
    )
    options = TrainingOptions(
        folds=args.folds,
        budget_seconds=args.budget,
        n_jobs=args.jobs,
        rollup=args.rollup,
        fixed_params=args.params,
    )
    with training_backend(args.scheduler):  # the same choice as a local run, made on a cluster
        result = train_and_publish(
            corpus,
            args.out,
            test_corpus=test,
            taxonomy=taxonomy,
            options=options,
            holdout=args.holdout,
            progress=_stderr,
            tolerance=args.tolerance,
            force=args.force,
            key=model_key(),
        )
    metrics = result.metrics
    summary = ", ".join(
        f"{key} {metrics[key]:.4f}"
        for key in ("accuracy", "micro_f1", "macro_f1")
        if key in metrics
    )
    print(
        f"trained {result.model_dir} ({result.report.mode}, {result.report.examples} examples, "
        f"{result.report.seconds:.0f}s; params {result.report.params}); held-out {summary}"
    )
    print(result.decision)
    return 0 if result.promoted else 3


def run_eval(args: argparse.Namespace) -> int:
    tagger = Tagger.load(args.model, key=model_key())
    corpus = _load(args.data, taxonomy=tagger.model.taxonomy, evaluation=True)
    metrics = evaluate_model(tagger.model, corpus.examples)
    metrics["model"] = tagger.version
    if args.json:
        print(json.dumps(metrics, sort_keys=True))
    else:
        _print_report(metrics, sys.stdout)
    return 0


def run_tag(args: argparse.Namespace) -> int:
    tagger = Tagger.load(args.model, key=model_key())
    options = TagOptions(
        top_k=args.top_k, threshold=args.threshold, depth=args.depth, any_language=args.any_language
    )
    if args.input != "-" and Path(args.input).suffix == ".jsonl":
        return _tag_archive(tagger, args.input, options)
    raw = _read_text(args.input)
    is_html = args.input != "-" and Path(args.input).suffix.lower() in (".html", ".htm")
    text = main_text(raw) if is_html else raw
    result = tagger.tag(text, options)
    output = {
        "model": tagger.version,
        "language": result.language,
        "tags": [t.to_dict() for t in result.tags],
        "paragraphs": [
            {
                "start": p.start,
                "end": p.end,
                "skipped": p.skipped,
                "tags": [t.to_dict() for t in p.tags],
            }
            for p in result.paragraphs
        ],
    }
    if is_html:
        output["text"] = text
    print(json.dumps(output, indent=2, ensure_ascii=False))
    return 0


def _tag_archive(tagger: Tagger, path: str, options: TagOptions) -> int:
    """One JSON line per document, in order, tagged a batch at a time; refusals on stderr."""
    refused = tagged = 0
    batch: list[Document] = []

    def flush() -> None:
        results = tagger.tag_documents([d.text for d in batch], options, paragraphs=False)
        for document, result in zip(batch, results, strict=True):
            record = {"id": document.id, **document.extra}
            record["language"] = result.language
            record["tags"] = [t.to_dict() for t in result.tags]
            print(json.dumps(record, ensure_ascii=False))
        batch.clear()

    progress = tqdm(desc="tagging", unit="doc", disable=None, file=sys.stderr)
    for item in read_jsonl_documents(path):
        if isinstance(item, Refused):
            refused += 1
            _stderr(f"refused: {item.source}: {item.reason}")
            continue
        batch.append(item)
        tagged += 1
        if len(batch) == _TAG_BATCH:
            flush()
        progress.update()
    if batch:
        flush()
    progress.close()
    _stderr(f"{tagged} documents tagged, {refused} refused, model {tagger.version}")
    return 1 if refused else 0


def run_check_data(args: argparse.Namespace) -> int:
    floors = Floors(
        per_topic=args.min_per_topic,
        per_subtopic=args.min_per_subtopic,
        region_share=args.min_region_share,
        opening_share=args.max_opening_share,
    )
    report = check_data_folder(args.folder, floors)
    print("\n".join(format_report(report)))
    if args.table:
        table = coverage.format_table(
            report.coverage, load_taxonomy(Path(args.folder) / "taxonomy.json")
        )
        Path(args.table).write_text(
            "# Coverage of the training data\n\n" + "\n".join(table) + "\n", encoding="utf-8"
        )
        _stderr(f"coverage table written to {args.table}")
    for problem in report.problems:
        _stderr(f"problem: {problem}")
    if not report.passed:
        _stderr(f"topic-tagger: check-data failed with {len(report.problems)} problems")
        return 1
    return 0


def _params(raw: str) -> dict[str, Any]:
    """Parse --params: a JSON object with C, ngram_range, min_df and maybe secondary_weight."""
    try:
        params = json.loads(raw)
    except json.JSONDecodeError as error:
        raise argparse.ArgumentTypeError(f"not JSON: {error}") from None
    if not isinstance(params, dict) or not {"C", "ngram_range", "min_df"} <= set(params):
        raise argparse.ArgumentTypeError("give a JSON object with C, ngram_range and min_df")
    weight = params.get("secondary_weight", 1.0)
    if not isinstance(weight, int | float) or not 0 < weight <= 1:
        raise argparse.ArgumentTypeError("secondary_weight must be a number above 0, at most 1")
    params["ngram_range"] = tuple(params["ngram_range"])
    characters = params.get("characters")
    if characters is not None:
        if not _is_span(characters):
            raise argparse.ArgumentTypeError(
                "characters must be [low, high]: 1 <= low <= high <= 8"
            )
        params["characters"] = tuple(characters)
    return params


def _is_span(value: Any) -> bool:
    """Whether a value is an n-gram length range [low, high] that a vectorizer can use."""
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value)
        and 1 <= value[0] <= value[1] <= 8
    )


def _read_text(source: str) -> str:
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
    except OSError as error:
        raise TaggerError(f"{source}: cannot read ({error.strerror})") from error
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise TaggerError(f"{source}: not UTF-8 (byte {error.start})") from error


def _load(
    paths: Sequence[str],
    *,
    taxonomy: Taxonomy | None,
    strict: bool = False,
    evaluation: bool = False,
) -> Corpus:
    corpus = load_corpus(
        paths,
        taxonomy=taxonomy,
        strict=strict,
        deduplicate=not evaluation,
        keep_empty_text=evaluation,
    )
    _show_warnings(corpus)
    return corpus


def _show_warnings(corpus: Corpus) -> None:
    for warning in corpus.warnings[:_SHOWN_WARNINGS]:
        _stderr(f"warning: {warning}")
    if len(corpus.warnings) > _SHOWN_WARNINGS:
        _stderr(f"warning: … and {len(corpus.warnings) - _SHOWN_WARNINGS} more")


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print_report(metrics: dict[str, Any], out: TextIO) -> None:
    out.write(f"model {metrics['model']}, tagged as served: {metrics['served_as']}\n")
    keys = ("documents", "accuracy", "top1_accuracy", "top1_main", "micro_f1", "macro_f1")
    for key in (*keys, "micro_precision", "micro_recall"):
        if key in metrics:
            value = metrics[key]
            out.write(
                f"{key:16} {value:.4f}\n" if isinstance(value, float) else f"{key:16} {value}\n"
            )
    out.write(f"\n{'label':40} {'prec':>6} {'rec':>6} {'f1':>6} {'support':>8}\n")
    for label, row in sorted(metrics["per_label"].items(), key=lambda item: -item[1]["support"]):
        out.write(
            f"{label[:40]:40} {row['precision']:6.3f} {row['recall']:6.3f} "
            f"{row['f1']:6.3f} {row['support']:8d}\n"
        )


if __name__ == "__main__":
    sys.exit(main())
