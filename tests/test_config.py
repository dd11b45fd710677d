"""Settings from the environment and from flags: a flag wins, a bad value is one clear line."""

import re
import subprocess
import sys

import pytest

from service.config import ConfigError, Settings
from tests.conftest import PROJECT, TOKEN

CLI = [sys.executable, "-m", "service.cli"]


def test_a_flag_overrides_its_environment_variable():
    environ = {"TOPIC_TAGGER_MODEL_DIR": "from-env", "TOPIC_TAGGER_WORKERS": "3"}
    assert Settings.from_env(environ).model_dir == "from-env"
    flagged = Settings.from_env(environ, model_dir="from-flag", workers="5")
    assert (flagged.model_dir, flagged.workers) == ("from-flag", 5)


EVERY_SETTING = [
    ("workers", "3", 3),
    ("max_batch", "7", 7),
    ("max_body_bytes", "4096", 4096),
    ("reload_seconds", "0", 0),
    ("protect_reads", "true", True),
    ("data_dir", "somewhere", "somewhere"),
    ("database_url", "postgresql://x@y/z", "postgresql://x@y/z"),
    ("model_dir", "elsewhere", "elsewhere"),
    ("cookie_secure", "false", False),
]


@pytest.mark.parametrize(("name", "raw", "value"), EVERY_SETTING)
def test_every_setting_from_both_places(name, raw, value):
    environ = {"TOPIC_TAGGER_TOKEN": TOKEN}
    from_env = Settings.from_env({**environ, f"TOPIC_TAGGER_{name.upper()}": raw})
    from_flag = Settings.from_env(environ, **{name: raw})
    assert getattr(from_env, name) == getattr(from_flag, name) == value


BAD = [
    ("workers", "two", "must be a whole number, not 'two'"),
    ("workers", "0", "must be at least 1"),
    ("max_batch", "0", "must be at least 1"),
    ("max_body_bytes", "10", "must be at least 1024"),
    ("reload_seconds", "-1", "must be 0 (off) or more"),
    ("protect_reads", "maybe", "must be true or false"),
    ("database_url", "mysql://x", "must be a postgresql:// URL"),
    ("cookie_secure", "maybe", "must be true or false"),
]


@pytest.mark.parametrize(("name", "raw", "message"), BAD)
def test_a_bad_value_names_where_it_came_from(name, raw, message):
    variable, flag = f"TOPIC_TAGGER_{name.upper()}", "--" + name.replace("_", "-")
    environ = {"TOPIC_TAGGER_TOKEN": TOKEN}
    with pytest.raises(ConfigError, match=re.escape(message)) as from_env:
        Settings.from_env({**environ, variable: raw})
    with pytest.raises(ConfigError, match=re.escape(message)) as from_flag:
        Settings.from_env(environ, **{name: raw})
    assert variable in str(from_env.value) and flag in str(from_flag.value)


def test_secrets_come_from_the_environment_only():
    with pytest.raises(ConfigError, match="TOKEN must be at least 16"):
        Settings.from_env({"TOPIC_TAGGER_TOKEN": "short"})
    with pytest.raises(ConfigError, match="MODEL_KEY must be at least 32"):
        Settings.from_env({"TOPIC_TAGGER_MODEL_KEY": "short"})
    with pytest.raises(ConfigError, match="token cannot be given as a flag"):
        Settings.from_env({}, token=TOKEN)
    with pytest.raises(ConfigError, match="SECRET_KEY must be at least 32"):
        Settings.from_env({"TOPIC_TAGGER_SECRET_KEY": "short"})
    with pytest.raises(ConfigError, match="secret_key cannot be given as a flag"):
        Settings.from_env({}, secret_key="x" * 40)


def serve(args: list[str], env: dict[str, str], tmp_path) -> subprocess.CompletedProcess:
    environment = {"PATH": "/usr/bin:/bin", "TOPIC_TAGGER_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [*CLI, "serve", *args], capture_output=True, text=True, cwd=PROJECT, env=environment
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--workers", "two"], {}, "--workers must be a whole number, not 'two'"),
        ([], {"TOPIC_TAGGER_WORKERS": "0"}, "TOPIC_TAGGER_WORKERS must be at least 1"),
        ([], {"TOPIC_TAGGER_TOKEN": "short"}, "TOPIC_TAGGER_TOKEN must be at least 16"),
        (["--model", "{tmp}/nothing"], {}, "no model here"),
        (
            [],
            {"TOPIC_TAGGER_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/x"},
            "cannot connect to the label database",
        ),
    ],
)
def test_serve_refuses_bad_settings_with_one_line(args, env, message, registry, tmp_path):
    args = [a.format(tmp=tmp_path) for a in args]
    if "--model" not in args:
        args += ["--model", str(registry)]
    result = serve(args, env, tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_model_dir_variable_and_the_flag_together_no_longer_crash(registry, tmp_path):
    result = serve(
        ["--model", str(tmp_path / "absent")],
        {"TOPIC_TAGGER_MODEL_DIR": str(registry)},
        tmp_path,
    )
    assert result.returncode == 2 and "absent: no model here" in result.stderr
