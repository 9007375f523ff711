"""Shared CLI helpers: the --config option reaches every verb, --format, colour decisions."""

from __future__ import annotations

import io
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from toolkit.cli.common import config_from_context, format_option, use_color


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("env, expected", [
    ({}, True),
    ({"NO_COLOR": "1"}, False),
    ({"NO_COLOR": ""}, True),  # https://no-color.org: only a non-empty value disables colour
    ({"TERM": "dumb"}, False),
])
def test_use_color_on_a_tty(monkeypatch: pytest.MonkeyPatch, env: dict, expected: bool) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert use_color(Tty()) is expected


def test_no_color_when_not_a_tty(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(io.StringIO()) is False
    closed = io.StringIO()
    closed.close()  # isatty() raises ValueError on a closed stream
    assert use_color(closed) is False


def _group() -> click.Group:
    @click.group()
    @click.option("--config", "config_path", default=None)
    @click.pass_context
    def cli(ctx: click.Context, config_path: str | None) -> None:
        ctx.obj = {"config_path": config_path}

    @cli.command()
    @format_option(("text", "json", "sarif"))
    @click.pass_context
    def show(ctx: click.Context, output_format: str) -> None:
        config = config_from_context(ctx)
        click.echo(f"{output_format} {config.templates_dir.name} {config.path is not None}")

    return cli


def test_config_from_context_and_format_option(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "conf.toml").write_text('templates = "msgs"\n')
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(_group(), ["show"]).output == "text templates False\n"
    result = runner.invoke(_group(), ["--config", "conf.toml", "show", "--format", "json"])
    assert result.output == "json msgs True\n"
    bad = runner.invoke(_group(), ["show", "--format", "xml"])
    assert bad.exit_code == 2 and "'xml' is not one of 'text', 'json', 'sarif'" in bad.output


def test_use_color_uses_no_deprecated_click_api(monkeypatch) -> None:
    # click 8.5 warns that click.get_text_stream goes away in click 9 (seen in a fresh venv);
    # every verb that colours its output called it on each run.
    def gone(*args, **kwargs):
        raise AssertionError("click.get_text_stream is deprecated")

    monkeypatch.setattr(click, "get_text_stream", gone)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TERM", raising=False)
    assert use_color() in (True, False)
