"""The lint cache: findings of each template stored under the content of everything that
produced them, so that an unchanged re-run reads them back instead of linting again.

Where: ``.ptk_cache/`` in the folder of the config file (``$PTK_CACHE_DIR`` instead when
set); it holds a ``.gitignore`` that makes git ignore it. ``ptk lint --no-cache`` neither
reads nor writes it. A cache that cannot be read or written is ignored: lint then works as
without it.

What a stored result depends on (any change means linting again):

- the run: ptk's version, ptk's own code and data files (size and modification time of
  each), the config file's bytes, the target, the selection (``select``, ``ignore``,
  ``severity``, ``per-path-ignores``, ``email-clients`` and the command-line options) and
  every shared fixture (name and content);
- a template: every file in its folder, recursively (names, content, symbolic links), and
  every file outside it that the template read (MJML includes), by content;
- the findings about shared fixtures: the run and the names in the templates folder.

A file's content hash is computed again only when its size or modification time changed,
as git and ruff do; a file modified less than 2 seconds before the cache was written is
always hashed again (its time stamp cannot tell a later change apart).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from stat import S_ISREG
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.model import Finding, Location

CACHE_FORMAT = 1
CACHE_FOLDER = ".ptk_cache"
KEEP_FILES = 4  # cache files of different runs (selections) kept side by side
RACY_NS = 2_000_000_000  # files modified this close to the cache write are hashed again
_TOOLKIT = Path(__file__).resolve().parents[1]


def cache_dir(root: Path) -> Path:
    return Path(os.environ["PTK_CACHE_DIR"]) if os.environ.get("PTK_CACHE_DIR") \
        else root / CACHE_FOLDER


@dataclass
class LintCache:
    """One run's view of the cache (see the module docs)."""

    directory: Path
    root: Path  # paths in the cache are relative to it
    run_key: str
    templates: dict[str, Any] = field(default_factory=dict)  # name -> {inputs, findings}
    repository: dict[str, Any] | None = None  # {"key", "findings"}
    hashes: dict[str, list[Any]] = field(default_factory=dict)  # rel -> [size, mtime_ns, hash]
    seen: dict[str, list[Any]] = field(default_factory=dict)  # stats used in this run
    changed: bool = False

    def __post_init__(self) -> None:
        self._root = str(self.root)

    @property
    def file(self) -> Path:
        return self.directory / f"lint-{self.run_key[:24]}.json"

    # --- content hashes -----------------------------------------------------------------
    def file_hash(self, rel: str) -> str:
        """The content hash of a repository file ("-" when it cannot be read)."""
        known = self.seen.get(rel)
        if known is not None:
            return str(known[2])
        path = os.path.join(self._root, rel)
        try:
            stat = os.stat(path)
        except OSError:
            self.seen[rel] = [None, None, "-"]
            return "-"
        return self._hash(rel, path, stat)

    def _hash(self, rel: str, path: str, stat: os.stat_result) -> str:
        cached = self.hashes.get(rel)
        if not S_ISREG(stat.st_mode):  # a FIFO or device: never read (it could block)
            digest = f"!{stat.st_mode:o}"
        elif cached and cached[0] == stat.st_size and cached[1] == stat.st_mtime_ns:
            digest = str(cached[2])
        else:
            self.changed = True  # learnt a new time stamp or hash: worth writing back
            try:
                with open(path, "rb") as handle:
                    digest = hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
            except OSError:
                digest = "-"
        self.seen[rel] = [stat.st_size, stat.st_mtime_ns, digest]
        return digest

    def folder_inputs(self, folder: Path) -> dict[str, str]:
        """Every file (and symbolic link) below a template folder -> its content hash."""
        out: dict[str, str] = {}
        start = os.path.relpath(folder, self._root).replace(os.sep, "/")
        pending = [(str(folder), start)]
        while pending:
            current, rel_current = pending.pop()
            try:
                entries = list(os.scandir(current))
            except OSError:
                out[rel_current + "/"] = "-"
                continue
            for entry in entries:
                rel = f"{rel_current}/{entry.name}"
                if entry.is_symlink():
                    try:
                        out[rel + "@"] = os.readlink(entry.path)
                    except OSError:
                        out[rel + "@"] = "-"
                try:
                    if entry.is_dir():
                        pending.append((entry.path, rel))
                        continue
                    out[rel] = self.seen[rel][2] if rel in self.seen else \
                        self._hash(rel, entry.path, entry.stat())
                except OSError:
                    out[rel] = "-"
        return out

    # --- look-ups -----------------------------------------------------------------------
    def lookup(self, name: str, inputs: Mapping[str, str]) -> list[Finding] | None:
        """The stored findings of a template whose inputs are unchanged, else None."""
        entry = self.templates.get(name)
        try:
            if entry is None or entry["folder"] != dict(inputs):
                return None
            if any(self.file_hash(rel) != digest for rel, digest in entry["extra"].items()):
                return None
            return [_finding(f) for f in entry["findings"]]
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None  # a damaged entry: lint the template again

    def store(self, name: str, inputs: Mapping[str, str], extra: Iterable[str],
              findings: Iterable[Finding]) -> None:
        self.templates[name] = {
            "folder": dict(inputs),
            "extra": {rel: self.file_hash(rel) for rel in sorted(set(extra)) if rel not in inputs},
            "findings": [_record(f) for f in findings]}
        self.changed = True

    def lookup_repository(self, key: str) -> list[Finding] | None:
        try:
            if self.repository is None or self.repository.get("key") != key:
                return None
            return [_finding(f) for f in self.repository["findings"]]
        except (KeyError, TypeError, ValueError, IndexError, AttributeError):
            return None

    def store_repository(self, key: str, findings: Iterable[Finding]) -> None:
        self.repository = {"key": key, "findings": [_record(f) for f in findings]}
        self.changed = True

    # --- writing ------------------------------------------------------------------------
    def save(self) -> None:
        """Write the cache atomically; any OSError leaves things as they were."""
        if not self.changed:
            return
        now = time.time_ns()
        referenced = {rel for entry in self.templates.values()
                      for rel in (*entry["folder"], *entry["extra"])}
        hashes = {rel: value for rel, value in self.hashes.items() if rel in referenced}
        for rel, (size, mtime, digest) in self.seen.items():
            if size is None:
                hashes.pop(rel, None)
            elif now - mtime < RACY_NS:
                hashes[rel] = [None, None, digest]  # too recent to trust its time stamp
            else:
                hashes[rel] = [size, mtime, digest]
        data = {"format": CACHE_FORMAT, "run": self.run_key, "templates": self.templates,
                "repository": self.repository, "hashes": hashes}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.directory / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# written by ptk lint: nothing here belongs in git\n*\n",
                                  encoding="utf-8")
            temporary = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
            os.replace(temporary, self.file)
            _prune(self.directory, keep=self.file)
        except OSError:
            try:
                temporary.unlink(missing_ok=True)  # type: ignore[possibly-undefined]
            except (OSError, NameError):
                pass


def open_cache(root: Path, run_parts: Iterable[Any]) -> LintCache:
    """The cache for a run described by ``run_parts`` (values that go into its key), with
    whatever a previous run with the same key stored (nothing when unreadable)."""
    from toolkit import __version__

    digest = hashlib.blake2b(digest_size=20)
    for part in (CACHE_FORMAT, __version__, _code_fingerprint(), *run_parts):
        digest.update(json.dumps(part, sort_keys=True, default=repr).encode())
        digest.update(b"\0")
    cache = LintCache(cache_dir(root), root, digest.hexdigest())
    try:
        data = json.loads(cache.file.read_text(encoding="utf-8"))
        if data.get("format") == CACHE_FORMAT and data.get("run") == cache.run_key:
            cache.templates = {name: entry for name, entry in data["templates"].items()
                               if _well_formed(entry)}
            cache.repository = data.get("repository")
            cache.hashes = {rel: value for rel, value in data["hashes"].items()
                            if isinstance(value, list) and len(value) == 3}
    except (OSError, ValueError, AttributeError, TypeError, KeyError):
        pass
    return cache


def _well_formed(entry: Any) -> bool:
    return (isinstance(entry, dict) and isinstance(entry.get("folder"), dict)
            and isinstance(entry.get("extra"), dict) and isinstance(entry.get("findings"), list))


def _code_fingerprint() -> list[Any]:
    """Size and modification time of ptk's own code and data: an edited rule (in a
    development install, where the version does not change) invalidates the cache too."""
    out = []
    for folder, _, names in sorted(os.walk(_TOOLKIT)):
        for name in sorted(names):
            if name.endswith((".py", ".json")):
                try:
                    stat = os.stat(os.path.join(folder, name))
                except OSError:
                    continue
                out.append([os.path.relpath(os.path.join(folder, name), _TOOLKIT),
                            stat.st_size, stat.st_mtime_ns])
    return out


def _prune(directory: Path, keep: Path) -> None:
    """Keep the newest KEEP_FILES cache files (``keep`` always)."""
    files = sorted(directory.glob("lint-*.json"), key=lambda p: p.stat().st_mtime_ns,
                   reverse=True)
    for old in [f for f in files if f != keep][KEEP_FILES - 1:]:
        old.unlink(missing_ok=True)


def _record(f: Finding) -> list[Any]:
    loc = f.location
    return [loc.path, loc.line, loc.column, loc.pointer, f.code, f.name, f.severity,
            f.message, f.template, f.channel, f.fixture, f.hint]


def _finding(r: list[Any]) -> Finding:
    return Finding(Location(r[0], r[1], r[2], r[3]), r[4], r[5], r[6], r[7], r[8], r[9],
                   r[10], r[11])
