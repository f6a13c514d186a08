"""Load with faults: the real server on loopback, 20 clients on POST /api/score, then one of them
turned attacker (hostile notes: 20,000-letter words, runs of `<`, phrase starts without end),
then normal scoring and uploads while the server is killed (SIGKILL) and restarted.

Closed loop: each client sends its next request when the last one is answered, so the figures
are throughputs. Printed, in one run, beside each other:
- the normal clients' requests/s per client without and with the attacker (bar: >= 80 % kept);
- the server's resident memory after warm-up, under attack and 3 s after it (bar: back within
  20 % of the start);
- across the kill: every scoring request and every uploaded row arrives once retried (bar: 0
  lost; an upload's import is resumed or redone by its natural keys).
Exits 1 when a bar is not met.

    python bench/bench_load_faults.py [--seconds 12] [--clients 20]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

from bench_serve import free_port, request_bodies, stop, wait_healthy

ATTACKS = [
    "ä" * 20_000,
    "<" * 19_999 + ">",
    "Vielleicht ergeben sich " * 800,
    " ".join("x" * 39 + str(i) for i in range(480)),
    "Hallo " + "sehr geehrte Frau " * 1000,
]
"""Notes under the 20,000-character limit that once cost seconds or gigabytes (issue 19)."""


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class Server:
    """`kontaktfilter serve` on a fixed port and store, which can be killed and started again."""

    def __init__(self, folder: Path) -> None:
        self.folder, self.port = folder, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        executable = Path(sys.executable).with_name("kontaktfilter")
        command = [str(executable), "--db", f"sqlite:///{self.folder}/bench.db", "serve"]
        command += ["--host", "127.0.0.1", "--port", str(self.port)]
        log = self.folder / "server.log"
        env = {**os.environ, "XDG_DATA_HOME": str(self.folder)}
        with log.open("ab") as output:
            self.process = subprocess.Popen(
                command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )
        wait_healthy(self.url, self.process, log, 60.0)

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()


def hammer(url: str, bodies: list[bytes], until: float, counts: list[int], slot: int) -> None:
    """One closed-loop client: POST the bodies in turn until `until`; counts answered ones."""
    with httpx.Client(base_url=url, timeout=60.0, trust_env=False) as client:
        i = slot
        while time.monotonic() < until:
            response = client.post(
                "/api/score",
                content=bodies[i % len(bodies)],
                headers={"content-type": "application/json"},
            )
            if response.status_code == 200:
                counts[slot] += 1
            i += 1


def phase(url: str, normal: list[bytes], clients: int, seconds: float, attacker: bool) -> float:
    """Requests/s per normal client over `seconds`, with or without one attacker among them."""
    until = time.monotonic() + seconds
    counts = [0] * clients
    hostile = [json.dumps({"text": text}).encode() for text in ATTACKS]
    threads = [
        threading.Thread(
            target=hammer,
            args=(url, hostile if attacker and slot == 0 else normal, until, counts, slot),
        )
        for slot in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    normal_counts = counts[1:] if attacker else counts
    if attacker:
        print(f"  attacker: {counts[0]} hostile notes answered")
    return sum(normal_counts) / len(normal_counts) / seconds


def retried(action, attempts: int = 200):
    """Call `action` until it answers, across the server's restart."""
    for _ in range(attempts):
        try:
            return action()
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("the server did not come back")


def faults(server: Server, normal: list[bytes], folder: Path) -> tuple[int, int, int, int]:
    """Scoring and uploads while the server is killed and restarted. Returns (scores sent,
    scores answered, rows uploaded, rows stored)."""
    uploads = []
    for n in range(6):
        lines = [
            json.dumps({"id": f"u{n}-{k}", "text": f"Hallo, Frage {k} zu Ihrem Vortrag {n}."})
            for k in range(200)
        ]
        uploads.append(("\n".join(lines) + "\n").encode())
    answered = [0]
    planned = 300

    def scorer() -> None:
        headers = {"content-type": "application/json"}
        with httpx.Client(base_url=server.url, timeout=30.0, trust_env=False) as client:
            for i in range(planned):
                body = normal[i % len(normal)]
                response = retried(
                    lambda b=body: client.post("/api/score", content=b, headers=headers)
                )
                answered[0] += response.status_code == 200

    def uploader() -> None:
        for n, blob in enumerate(uploads):
            while not upload_once(server.url, f"inbox-{n}.jsonl", blob):
                time.sleep(0.2)

    threads = [threading.Thread(target=scorer), threading.Thread(target=uploader)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    server.kill()
    print(f"  killed the server (SIGKILL) after 1 s; restarting on port {server.port}")
    server.start()
    for thread in threads:
        thread.join()
    stored = retried(lambda: httpx.get(server.url + "/api/stats", trust_env=False).json())
    return planned, answered[0], 6 * 200, stored["tables"]["requests"]


def upload_once(url: str, name: str, blob: bytes) -> bool:
    """Upload and wait for the import; False when the server went away meanwhile."""
    try:
        with httpx.Client(base_url=url, timeout=30.0, trust_env=False) as client:
            token = client.get("/api/session").json()["csrf_token"]
            started = client.post(
                "/api/imports",
                files={"file": (name, blob, "application/json")},
                headers={"x-csrf-token": token},
            )
            if started.status_code != 202:
                return False
            job = started.json()["id"]
            while True:
                state = client.get(f"/api/imports/{job}")
                if state.status_code != 200:
                    return False  # the job went with the killed server: upload again
                if state.json()["state"] != "running":
                    return state.json()["state"] == "done"
                time.sleep(0.05)
    except httpx.TransportError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=12.0)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    normal = [json.dumps(body).encode() for body in request_bodies(400, 7)]
    with tempfile.TemporaryDirectory(prefix="kontaktfilter-faults-") as name:
        folder = Path(name)
        server = Server(folder)
        server.start()
        try:
            assert server.process is not None
            phase(server.url, normal, args.clients, 3.0, attacker=False)  # warm-up
            start_mb = rss_mb(server.process.pid)
            calm = phase(server.url, normal, args.clients, args.seconds, attacker=False)
            attacked = phase(server.url, normal, args.clients, args.seconds, attacker=True)
            attack_mb = rss_mb(server.process.pid)
            time.sleep(3.0)
            after_mb = rss_mb(server.process.pid)
            kept = attacked / calm
            print(f"normal clients, {args.clients} of them: {calm:.1f} req/s each")
            print(f"with 1 attacker among them:        {attacked:.1f} req/s each ({kept:.0%} kept)")
            print(
                f"server memory: {start_mb:.0f} MB after warm-up, {attack_mb:.0f} MB under attack, "
                f"{after_mb:.0f} MB 3 s later ({after_mb / start_mb - 1:+.0%})"
            )
            sent, answered, rows, stored = faults(server, normal, folder)
            print(f"across the kill: {answered}/{sent} scoring requests answered after retry;")
            print(f"                 {stored}/{rows} uploaded rows stored")
        finally:
            if server.process is not None:
                stop(server.process)
    bars = {
        "normal clients keep >= 80 % with an attacker": kept >= 0.8,
        "memory back within 20 % of the start": after_mb <= 1.2 * start_mb,
        "no scoring request lost": answered == sent,
        "no uploaded row lost": stored == rows,
    }
    for bar, met in bars.items():
        print(f"bar: {bar}: {'met' if met else 'NOT met'}")
    return 0 if all(bars.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
