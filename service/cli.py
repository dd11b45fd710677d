"""`topic-tagger`: the classifier's commands plus `serve`, which only the service can offer."""

import argparse
import sys
from collections.abc import Sequence

from classifier import Tagger, cli_main, open_label_store
from service.config import ConfigError, Settings

# Settings a flag may give (each also has its TOPIC_TAGGER_ variable; secrets have only that).
SERVE_FLAGS = {
    "model_dir": ("--model", "model or registry folder (default: models)"),
    "workers": ("--workers", "gunicorn workers (default: 2)"),
    "threads": ("--threads", "threads per worker, over 1 keeps connections alive (default: 1)"),
    "max_batch": ("--max-batch", "documents or labels per batch request (default: 100)"),
    "max_body_bytes": ("--max-body-bytes", "largest request body (default: 1000000)"),
    "reload_seconds": ("--reload-seconds", "how often workers look for a new model (default: 2)"),
    "protect_reads": ("--protect-reads", "require the token to read too (true/false)"),
    "data_dir": ("--data-dir", "folder of the SQLite label store (default: data)"),
    "database_url": ("--database-url", "postgresql:// URL of a shared label store"),
    "cookie_secure": ("--cookie-secure", "editors' page cookie over HTTPS only (default: true)"),
}


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser(
        "serve",
        help="run the HTTP service under gunicorn",
        description="Flags override their TOPIC_TAGGER_ environment variables; the token and "
        "the model key are read from the environment only.",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    for name, (flag, text) in SERVE_FLAGS.items():
        serve.add_argument(flag, dest=name, help=text)


def run_serve(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env(**{name: getattr(args, name) for name in SERVE_FLAGS})
    except ConfigError as error:
        print(f"topic-tagger: error: {error}", file=sys.stderr)
        return 2
    Tagger.load(settings.model_dir, key=settings.model_key)  # fail now, with the reason
    with open_label_store(settings.label_store_location) as store:
        store.count()  # an unreachable database or unwritable folder: say so before serving
    from service.server import serve  # gunicorn is only needed when serving

    serve(settings, args.host, args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `topic-tagger` console script."""
    return cli_main(argv, extra_commands={"serve": (add_serve_command, run_serve)})


if __name__ == "__main__":
    sys.exit(main())
