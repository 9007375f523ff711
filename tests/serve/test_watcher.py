"""The debounced watchdog watcher: real file-system events, atomic saves, bursts, clean stop."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.serve.watcher import Watcher


class Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.changed = threading.Condition()

    def __call__(self, paths: frozenset[Path]) -> None:
        with self.changed:
            self.batches.append(paths)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: predicate(self.all_paths()), timeout)

    def all_paths(self) -> set[Path]:
        return set().union(*self.batches) if self.batches else set()


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, Recorder, Watcher]]:
    folder = tmp_path / "repo"
    (folder / "templates" / "welcome").mkdir(parents=True)
    target = folder / "templates" / "welcome" / "sms.txt"
    target.write_text("Hello\n", encoding="utf-8")
    recorder = Recorder()
    watcher = Watcher([folder], recorder, quiet=0.05).start()
    try:
        yield folder.resolve(), recorder, watcher
    finally:
        watcher.stop()


def test_a_plain_write_is_reported(watched: tuple[Path, Recorder, Watcher]) -> None:
    folder, recorder, _ = watched
    target = folder / "templates" / "welcome" / "sms.txt"
    target.write_text("Hello again\n", encoding="utf-8")
    assert recorder.wait_for(lambda paths: target in paths)


def test_an_atomic_save_reports_the_destination(watched: tuple[Path, Recorder, Watcher]) -> None:
    folder, recorder, _ = watched
    target = folder / "templates" / "welcome" / "sms.txt"
    temp = folder / "templates" / "welcome" / ".sms.txt.tmp123"
    temp.write_text("Saved atomically\n", encoding="utf-8")
    os.replace(temp, target)
    assert recorder.wait_for(lambda paths: target in paths)


def test_a_burst_of_saves_is_one_call(watched: tuple[Path, Recorder, Watcher]) -> None:
    folder, recorder, watcher = watched
    watcher.quiet = 0.3  # generous: the burst below takes far less than this
    files = [folder / "templates" / "welcome" / f"f{i}.txt" for i in range(20)]
    for i, f in enumerate(files):
        f.write_text(str(i), encoding="utf-8")
    assert recorder.wait_for(lambda paths: set(files) <= paths)
    assert len(recorder.batches) == 1


def test_editor_swap_files_are_ignored() -> None:
    from toolkit.serve.watcher import _ignored

    assert _ignored("/x/.sms.txt.swp") and _ignored("/x/sms.txt~") and _ignored("/x/.#sms.txt")
    assert not _ignored("/x/sms.txt")


def test_on_change_errors_do_not_stop_watching(tmp_path: Path) -> None:
    seen = threading.Event()
    failed = threading.Event()
    calls = []

    def on_change(paths: frozenset[Path]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            failed.set()
            raise ValueError("broken build")
        seen.set()

    watcher = Watcher([tmp_path], on_change, quiet=0.0).start()
    try:
        watcher.notify([tmp_path / "a"])
        assert failed.wait(5)
        watcher.notify([tmp_path / "b"])
        assert seen.wait(5)
        assert isinstance(watcher.errors[0], ValueError)
    finally:
        watcher.stop()


def test_stop_ends_every_thread(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    watcher = Watcher([tmp_path], lambda paths: None).start()
    assert watcher.alive
    watcher.stop()
    assert not watcher.alive
    assert [t for t in threading.enumerate() if t not in before and t.is_alive()] == []


def test_folders_moved_away_and_back_are_reported(watched: tuple[Path, Recorder, Watcher]) -> None:
    folder, recorder, _ = watched
    template = folder / "templates" / "welcome"
    parked = folder / "templates" / ".parked"
    os.rename(template, parked)
    assert recorder.wait_for(lambda paths: template in paths)
    recorder.batches.clear()
    os.rename(parked, template)
    assert recorder.wait_for(lambda paths: template in paths)
