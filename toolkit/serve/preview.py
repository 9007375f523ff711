"""``ptk preview`` wired together: the repository app, the HTTP server and the file watcher.

    app      = PreviewApp(...)                  # loads, renders, lints; answers /api/...
    sending  = SendRoutes(app, allow_send=...)  # /api/send (GET, POST) and /api/outbox
    reload   = ReloadState()                    # epoch counter behind /api/events
    server   = PreviewServer(static_root=UI, handler=sending.handle or app.handle,
                             post_handler=sending.handle_post, reload=reload,
                             live_update=app.live_update, ...)
    watcher  = Watcher(folders, on_change)      # on_change: app.rebuild(paths) -> reload.bump()

The HTTP server and the watcher each run on their own thread; the caller's thread only
waits (so Ctrl-C reaches it) and then calls :meth:`Preview.stop`, which ends every thread.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import Path

from toolkit.serve.api import PreviewApp
from toolkit.serve.reload import ReloadState
from toolkit.serve.send import SendRoutes
from toolkit.serve.server import PreviewServer, Response, is_loopback
from toolkit.serve.watcher import Watcher

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8025
DEFAULT_QUIET = 0.01  # seconds without file events before a rebuild (see watcher.py)


def ui_folder() -> Path:
    """The folder of the browser UI (``preview/`` in a checkout, ``toolkit/_preview`` when
    installed)."""
    return Path(str(files("toolkit._preview")))


class Preview:
    """A running preview: ``Preview(...).start()``, then ``.url``, then ``.stop()``."""

    def __init__(self, *, start: Path | None = None, config_path: Path | None = None,
                 host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, quiet: float = DEFAULT_QUIET,
                 long_poll_seconds: float = 25.0, target: str | None = None,
                 allow_send: bool = False) -> None:
        self.app = PreviewApp(start, config_path, target=target)
        self.sending = SendRoutes(self.app, allow_send=allow_send)
        self.reload = ReloadState()
        self.server = PreviewServer(static_root=ui_folder(), handler=self._handle,
                                    reload=self.reload, host=host, port=port,
                                    long_poll_seconds=long_poll_seconds,
                                    live_update=self.app.live_update,
                                    post_handler=self.sending.handle_post)
        recursive, flat = self.app.watch_folders()
        self.watcher = Watcher(recursive, self._on_change, quiet=quiet, flat_folders=flat)
        self.rebuilds = 0

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def loopback(self) -> bool:
        return is_loopback(self.server.host)

    def start(self) -> Preview:
        self.watcher.start()
        self.server.start()
        return self

    def stop(self) -> None:
        self.watcher.stop()
        self.server.stop()

    def _handle(self, path: str, query: Mapping[str, str]) -> Response | None:
        return self.sending.handle(path, query) or self.app.handle(path, query)

    def _on_change(self, paths: frozenset[Path]) -> None:
        if self.app.rebuild(paths):
            self.rebuilds += 1
            self.watcher.watch(*self.app.watch_folders())  # folders created since start-up
            root = self.app.config.root
            self.reload.bump(_display(p, root) for p in paths)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
