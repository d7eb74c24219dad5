"""A throw-away HTTP server on 127.0.0.1 for exercising the real download code."""

from __future__ import annotations

import http.server
import pathlib
import threading

import pytest


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the server's root folder; names in `truncate` are cut off halfway."""

    def do_GET(self):
        self.server.requests.append(self.path)
        name = self.path.lstrip("/")
        if name in self.server.truncate:
            body = (pathlib.Path(self.directory) / name).read_bytes()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        super().do_GET()

    def log_message(self, format, *args):  # keep test output quiet
        pass


class LocalServer:
    def __init__(self, root: pathlib.Path):
        self.root = root
        self._httpd = http.server.ThreadingHTTPServer(
            ("127.0.0.1", 0), lambda *a: _Handler(*a, directory=str(root))
        )
        self._httpd.daemon_threads = True
        self._httpd.requests = []
        self._httpd.truncate = set()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        self.running = True

    @property
    def requests(self) -> list[str]:
        return self._httpd.requests

    @property
    def truncate(self) -> set[str]:
        return self._httpd.truncate

    def stop(self):
        if self.running:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join()
            self.running = False


@pytest.fixture
def server(tmp_path):
    """A running local server over ``tmp_path/served``; stopped at the end of the test."""
    root = tmp_path / "served"
    root.mkdir()
    srv = LocalServer(root)
    yield srv
    srv.stop()


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    """``STRATA_HOME`` in tmp_path and no local dataset folder, so loaders download."""
    home = tmp_path / "home"
    monkeypatch.setenv("STRATA_HOME", str(home))
    monkeypatch.delenv("STRATA_DATASETS_DIR", raising=False)
    return home
