"""The debounced watchdog watcher: real file-system events, atomic saves, bursts, clean stop."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.serve.watcher import Watcher

# Only inotify (Linux) tells when a writer closes a file; elsewhere no change waits for that.
INOTIFY = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs inotify (Linux)")


class Recorder:
    def __init__(self) -> None:
        self.batches: list[frozenset[Path]] = []
        self.changed = threading.Condition()

    def __call__(self, paths: frozenset[Path]) -> None:
        with self.changed:
            self.batches.append(paths)
            self.changed.notify_all()

    def wait_for(self, predicate, timeout: float = 10.0) -> bool:
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


def test_a_burst_of_saves_is_one_call(watched: tuple[Path, Recorder, Watcher], hold_watcher) -> None:
    folder, recorder, watcher = watched
    held = hold_watcher(watcher)  # no time passes during the burst
    files = [folder / "templates" / "welcome" / f"f{i}.txt" for i in range(20)]
    for i, f in enumerate(files):
        f.write_text(str(i), encoding="utf-8")
    last = folder / "templates" / "last-event"
    last.mkdir()  # one event, after every event of the writes above
    assert held.wait_for(last)
    assert recorder.batches == []
    held.advance(watcher.quiet)
    assert recorder.wait_for(lambda paths: set(files) <= paths)
    assert recorder.batches == [frozenset({*files, last})]


def test_a_burst_longer_than_max_wait_is_cut(watched: tuple[Path, Recorder, Watcher],
                                             hold_watcher) -> None:
    folder, recorder, watcher = watched
    held = hold_watcher(watcher)
    watcher.quiet = watcher.max_wait * 0.5
    first, second = (folder / "templates" / "welcome" / name for name in ("a.txt", "b.txt"))
    first.write_text("a", encoding="utf-8")
    assert held.wait_for(first)
    held.advance(watcher.max_wait * 0.4)  # never quiet for long, but past max_wait in all
    second.write_text("b", encoding="utf-8")
    assert held.wait_for(second)
    held.advance(watcher.max_wait * 0.4)
    assert recorder.batches == []
    held.advance(watcher.max_wait * 0.3)
    assert recorder.wait_for(lambda paths: {first, second} <= paths)
    assert len(recorder.batches) == 1


@INOTIFY
def test_a_file_is_not_read_before_its_writer_closes_it(tmp_path: Path, hold_watcher) -> None:
    """A save that is not atomic truncates the file first: until the writer closes it, the
    change is not delivered (inotify reports opens and closes), so no one reads half a file."""
    target = tmp_path / "sms.txt"
    target.write_text("Hello\n", encoding="utf-8")
    seen: list[str] = []
    delivered = threading.Event()

    def on_change(paths: frozenset[Path]) -> None:
        seen.append(target.read_text(encoding="utf-8"))
        delivered.set()

    watcher = Watcher([tmp_path], on_change, quiet=0.01).start()
    notified = hold_watcher(watcher, frozen=False)
    try:
        with target.open("w", encoding="utf-8") as handle:  # truncated now
            assert notified.wait_for(target.resolve())
            handle.write("Half")
            handle.flush()
            # 50 times the quiet time passes with the file open and half written
            assert not delivered.wait(0.5), f"delivered while still being written: {seen}"
            handle.write(" and the rest")
        assert delivered.wait(10)
        assert seen[0] == "Half and the rest"
    finally:
        watcher.stop()


@INOTIFY
def test_a_writer_that_never_closes_holds_back_a_change_only_write_wait_long(
        tmp_path: Path) -> None:
    target = tmp_path / "sms.txt"
    delivered = threading.Event()
    watcher = Watcher([tmp_path], lambda paths: delivered.set(), quiet=0.01,
                      write_wait=0.2).start()
    try:
        with target.open("w", encoding="utf-8") as handle:
            handle.write("still open")
            handle.flush()
            assert delivered.wait(10)
    finally:
        watcher.stop()


@INOTIFY
def test_a_change_no_close_follows_holds_back_one_batch_only(tmp_path: Path,
                                                             hold_watcher) -> None:
    """E.g. a chmod, which watchdog before 7.0 reports as a modification: no writer closes
    the file after it. It waits write_wait once; the file's next change does not."""
    recorder = Recorder()
    watcher = Watcher([tmp_path], recorder, quiet=0.01, write_wait=60).start()
    held = hold_watcher(watcher)
    path = tmp_path / "sms.txt"
    try:
        watcher.notify([path], writing=[path])
        held.advance(watcher.max_wait)  # quiet and max_wait are past
        assert not recorder.wait_for(lambda paths: path in paths, timeout=0.3)
        held.advance(watcher.write_wait)
        assert recorder.wait_for(lambda paths: path in paths)
        watcher.notify([path])  # its next change, e.g. another chmod
        held.advance(watcher.quiet)
        assert recorder.wait_for(lambda paths: len(recorder.batches) == 2)
    finally:
        watcher.stop()


@INOTIFY
def test_a_file_open_for_reading_is_not_being_written(tmp_path: Path, hold_watcher) -> None:
    target = tmp_path / "sms.txt"
    target.write_text("Hello\n", encoding="utf-8")
    recorder = Recorder()
    watcher = Watcher([tmp_path], recorder, quiet=0.01, write_wait=3600).start()
    held = hold_watcher(watcher)
    try:
        with target.open(encoding="utf-8") as reader:  # open the whole time
            assert reader.read() == "Hello\n"
            temporary = tmp_path / ".sms.txt.save"
            temporary.write_text("Saved atomically\n", encoding="utf-8")
            os.replace(temporary, target)
            assert held.wait_for(target.resolve())
            held.advance(watcher.quiet)  # due now, unless a file counted as being written
            assert recorder.wait_for(lambda paths: target.resolve() in paths)
    finally:
        watcher.stop()


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
