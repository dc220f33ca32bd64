"""Partner tokens never reach a log line: not uvicorn's access log (which prints URLs), not
the query log, not the error logs; a token put in a URL is redacted."""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from waiting import wait_until

from kg import config
from kg.web import redaction
from kg.write.build import build
from kg.write import tokens

ROOT = Path(__file__).resolve().parents[2]
BASE = config.DEFAULT_BASE
GRAPH = f"{BASE}graph/partner/ilo-geneva/notes"
OUTCOME = f"{BASE}id/outcome/chn302-2021-07-16"
NOTE = f'<{OUTCOME}> <http://www.w3.org/2000/01/rdf-schema#comment> "Checked by ILO Geneva."@en .\n'


def test_redact_blanks_credentials_only():
    token = tokens.PREFIX + "AbC-123_xyz" * 4
    assert redaction.redact(f"/graphs?graph=g&access_token={token}&x=1") == \
        "/graphs?graph=g&access_token=[redacted]&x=1"
    assert redaction.redact(f"Authorization: Bearer {token}") == "Authorization: Bearer [redacted]"
    assert token not in redaction.redact(f"saw {token} somewhere")
    assert redaction.redact("/api/queries/x?region=Asia&target=1.3") == "/api/queries/x?region=Asia&target=1.3"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + logging.Formatter().formatException(record.exc_info)
        self.lines.append(f"{record.name}: {text}")


@pytest.fixture
def project(tmp_path: Path) -> config.Settings:
    for folder in ("ontology", "shapes", "data", "queries"):
        shutil.copytree(ROOT / folder, tmp_path / folder, ignore=shutil.ignore_patterns("sources"))
    settings = config.load_settings(environ={}, project_dir=str(tmp_path), workers=1)
    build(settings, validate=False)
    return settings


@pytest.mark.slow
def test_a_write_with_a_token_leaves_no_trace_in_any_log(project, caplog):
    import uvicorn

    from kg.web.app import create_app

    token = tokens.add(project, "ilo-geneva", f"{BASE}graph/partner/ilo-geneva/")[1]
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="kg")  # `kg` commands run by other tests set their own level
    app = create_app(project)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # uvicorn's own logging set-up (dictConfig) and its access log on, as an operator might run it.
    server = uvicorn.Server(uvicorn.Config(app, log_level="debug", access_log=True, lifespan="on"))
    capture = Capture()
    for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):  # uvicorn's loggers do not reach the root
        logging.getLogger(name).addHandler(capture)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    try:
        def started() -> bool:
            assert thread.is_alive(), "the server's thread ended before it started"
            return server.started

        wait_until(started, what="uvicorn to start")
        url = f"http://127.0.0.1:{port}"
        target = f"{url}/graphs?graph={quote(GRAPH, safe='')}"
        bearer = {"authorization": f"Bearer {token}"}
        with httpx.Client(timeout=60) as http:
            r = http.put(target, content=NOTE, headers={"content-type": "text/turtle", **bearer})
            assert r.status_code == 201, r.text
            r = http.post(f"{target}&access_token={token}", content=NOTE,
                          headers={"content-type": "text/turtle", **bearer})
            assert r.status_code == 204, r.text
            bad = {"authorization": f"Bearer {token}x"}
            assert http.delete(target, headers=bad).status_code == 401
            assert http.get(f"{url}/sparql", params={"query": "ASK {}", "access_token": token}).status_code == 200
            assert http.get(f"{url}/api/queries/list-outcomes-by-region",
                            params={"region": "Asia", "access_token": token}).status_code == 400
    finally:
        server.should_exit = True
        thread.join(15)
        sock.close()
        for name in ("uvicorn", "uvicorn.access", "uvicorn.error"):
            logging.getLogger(name).removeHandler(capture)

    access = [line for line in capture.lines if line.startswith("uvicorn.access")]
    assert any("access_token=[redacted]" in line for line in access), access  # URLs are printed, redacted
    # Every server-side record; httpx and httpcore are this test's client, which logs its own URLs.
    server_side = [r for r in caplog.records if not r.name.startswith(("httpx", "httpcore"))]
    everything = capture.lines + [f"{r.name}: {r.getMessage()}" + (f"\n{r.exc_text}" if r.exc_text else "")
                                  for r in server_side]
    assert any(line.startswith("kg.web.querylog") for line in everything)
    leaked = [line for line in everything if token in line or token[len(tokens.PREFIX):] in line]
    assert not leaked, leaked
