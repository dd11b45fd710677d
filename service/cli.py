"""`topic-tagger`: the classifier's commands plus `serve`, which only the service can offer."""

import argparse
import sys
from collections.abc import Sequence

from classifier import Tagger, cli_main
from service.config import ConfigError, Settings


def add_serve_command(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the HTTP service under gunicorn")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default: %(default)s)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    serve.add_argument(
        "--model", help="model or registry folder (default: TOPIC_TAGGER_MODEL_DIR or models)"
    )
    serve.add_argument(
        "--workers", type=int, help="gunicorn workers (default: TOPIC_TAGGER_WORKERS or 2)"
    )


def run_serve(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env(model_dir=args.model, workers=args.workers)
    except ConfigError as error:
        print(f"topic-tagger: error: {error}", file=sys.stderr)
        return 2
    Tagger.load(settings.model_dir)  # fail now, with the reason, rather than serve nothing
    from service.server import serve  # gunicorn is only needed when serving

    serve(settings, args.host, args.port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `topic-tagger` console script."""
    return cli_main(argv, extra_commands={"serve": (add_serve_command, run_serve)})


if __name__ == "__main__":
    sys.exit(main())
