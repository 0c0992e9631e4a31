"""What llm-relay does around a real llama.cpp server's requests: a client that goes away stops
the generation, llama.cpp's CORS header is not passed on, readiness follows the backend, and the
jar's --version works."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse

import pytest

from conftest import CHAT_MODEL, SEED, http_json, options, status_of, wait_until

LONG = [{"role": "user", "content": "Count from 1 to 300, separated by commas."}]  # runs to num_predict


def busy(pair):
    return any(s["is_processing"] for s in pair.slots())


def idle(pair):
    return not busy(pair)


def test_client_disconnect_cancels_generation(chat):
    """400 tokens take llama.cpp at least 8 s here; the slot must be free well before that."""
    assert wait_until(5, lambda: idle(chat))
    stream = chat.ollama().chat(model=CHAT_MODEL, messages=LONG, options=options(400), stream=True)
    received = [next(stream) for _ in range(3)]
    assert all(not p.done for p in received)
    assert busy(chat)
    closed_at = time.monotonic()
    stream.close()  # leaves the client's `with httpx.stream(...)`: the unread response closes its connection
    assert wait_until(5, lambda: idle(chat)), "llama.cpp still generating 5 s after the client went away"
    assert time.monotonic() - closed_at < 5


def test_openai_client_disconnect_cancels_generation(chat):
    assert wait_until(5, lambda: idle(chat))
    stream = chat.openai().chat.completions.create(model=CHAT_MODEL, messages=LONG, max_tokens=400, temperature=0,
                                                   seed=SEED, stream=True)
    chunks = iter(stream)
    for _ in range(3):
        next(chunks)
    assert busy(chat)
    stream.close()
    assert wait_until(5, lambda: idle(chat)), "llama.cpp still generating 5 s after the client went away"


@pytest.mark.parametrize("path", ["/v1/models", "/api/tags"])
def test_no_cors_header_without_origin(chat, path):
    _, _, raw_headers = http_json("GET", chat.server + "/v1/models")
    assert raw_headers.get("Access-Control-Allow-Origin") == ""  # llama.cpp always sends one, empty
    status, body, headers = http_json("GET", chat.proxy + path)
    assert status == 200, body
    assert "Access-Control-Allow-Origin" not in headers, dict(headers)


def test_version(relay_jar):
    res = subprocess.run(["java", "-jar", relay_jar, "--version"], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr.strip().splitlines()[:1]
    netty = [line for line in res.stdout.splitlines() if "Netty" in line]
    assert netty, res.stdout
    assert re.search(r"\d+\.\d+", netty[0]), netty[0]


def ready_status(pair):
    return status_of(pair.proxy + "/health/ready", timeout=3)


def port_closed(port):
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) != 0


RESTARTED = []  # keeps the restarted server's Popen alive: run.sh stops the process


@pytest.mark.last
def test_readiness_follows_backend(chat):
    """Stops the chat pair's llama.cpp server (SIGTERM) and starts it again on the same port."""
    work = os.environ["REALSERVER_WORK"]
    pid_file = os.path.join(work, "chat-server.pid")
    port = urllib.parse.urlsplit(chat.server).port
    assert ready_status(chat) == 200

    with open(pid_file) as f:
        os.kill(int(f.read()), signal.SIGTERM)
    assert wait_until(5, lambda: port_closed(port)), "the llama.cpp server did not stop"
    assert wait_until(5, lambda: ready_status(chat) == 503, interval=0.2), \
        "/health/ready still %d 5 s after the backend went away" % ready_status(chat)

    with open(os.path.join(work, "chat-server.log"), "ab") as log:
        server = subprocess.Popen(
            [os.environ["REALSERVER_PYTHON"], os.environ["REALSERVER_LAUNCHER"], "--model",
             os.environ["REALSERVER_MODEL"], "--port", str(port), "--alias", CHAT_MODEL, "--ctx", "4096",
             "--parallel", "2"], stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    with open(pid_file, "w") as f:
        f.write(str(server.pid))  # run.sh stops whatever this file names
    RESTARTED.append(server)
    assert wait_until(30, lambda: status_of(chat.server + "/health") == 200, interval=0.2), \
        "the llama.cpp server did not restart"
    assert wait_until(5, lambda: ready_status(chat) == 200, interval=0.2), \
        "/health/ready still %d 5 s after the backend came back" % ready_status(chat)

    res = chat.ollama().chat(model=CHAT_MODEL, messages=[{"role": "user", "content": "Hi"}], options=options(8))
    assert res.message.content and res.done
