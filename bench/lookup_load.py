"""Personal payout lookup under load: POST /payouts/mine/ and the GET of the statement it
redirects to, at 32 concurrent connections over a 10,000,000-row ledger on PostgreSQL, with the rate limits on, beside a
minimal Django page (one template, one query) served by the same multi-worker gunicorn in the
same run; wrk on loopback.

The limits stay as configured (20 lookups a browser an hour, failures per person looked up),
kept in Redis as in production. Each test client is one browser looking up its own person: it
fetched the form first, so it has its own CSRF cookie, which is what the per-browser limit
counts. wrk cycles through --people clients, so none comes near its limit in the run; every
answer is checked to be that person's statement, so a limit that tripped would show as an
error, not as a fast page.

    python bench/lookup_load.py --postgres URL [--rows 10000000] [--people 1000] [--seconds 20]
Needs wrk (Debian: apt-get install wrk) and Redis (REDIS_URL, default redis://127.0.0.1:6379/7).
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.board_rps import (  # noqa: E402
    WORKERS,
    free_port,
    run_wrk,
    serve,
    wrk,
    wrk_latency,
    wrk_rate,
)
from bench.lookup import prepare_ledger  # noqa: E402

SCRIPT = """
clients = {%s}
local counter, step = 0, 1
function setup(thread)
  thread:set("first", #threads)
  table.insert(threads, thread)
end
threads = {}
function init(args)
  counter = first
  step = tonumber(args[1])
end
function request()
  -- A lookup is two requests: the POST that proves the person (answered 303) and the GET of
  -- the statement it leads to, sent with the proof cookie the browser got from an earlier POST.
  local client = clients[math.floor(counter / 2) %% #clients + 1]
  local post = counter %% 2 == 0
  counter = counter + step
  if post then
    return wrk.format("POST", "/payouts/mine/", {
      ["Cookie"] = client[1],
      ["Content-Type"] = "application/x-www-form-urlencoded",
    }, client[2])
  end
  return wrk.format("GET", "/payouts/mine/2026/", {["Cookie"] = client[3]})
end
wrong = 0
function response(status, headers, body)
  if status == 303 then return end
  if status ~= 200 or not string.find(body, 'data-test="dispute"', 1, true) then
    wrong = wrong + 1
  end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("wrong") end
  io.write(string.format("wrong answers: %%d\\n", total))
end
"""


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # the 303 is the answer itself


def clients(base: str, people: Path) -> list[tuple[str, str, str]]:
    """(Cookie header, form body, Cookie header with the proof) for one browser per person:
    each fetched the form first, then proved the person once."""
    out = []
    for line in people.read_text().splitlines():
        number, card = line.split(",")
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = opener.open(base + "/payouts/mine/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert token, page[:300]
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        body = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "name": "彭运芳",
                "id_number": number,
                "card_number": card,
                "year": "2026",
            }
        )
        proving = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _Stay())
        try:
            proving.open(base + "/payouts/mine/", body.encode(), timeout=10)
        except urllib.error.HTTPError as answer:
            if answer.code != 303:
                raise
        proved = "; ".join(f"{c.name}={c.value}" for c in jar)
        out.append((cookie, body, proved))
    return out


def wrk_lookups(
    base: str, script: Path, seconds: int, connections: int
) -> tuple[float, float, float, int]:
    """Requests per second, p50 and p99 in ms, and the answers that were not a statement."""
    # "2": the threads; each takes every second browser.
    out = run_wrk(base + "/payouts/mine/", seconds, connections, script, "2")
    wrong = re.search(r"wrong answers: (\d+)", out)
    assert wrong, out
    return wrk_rate(out), wrk_latency(out, 50), wrk_latency(out, 99), int(wrong.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="URL", required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        env, people, filled = prepare_ledger(
            scratch, options.rows, options.people, options.postgres, settings="bench.settings"
        )
        redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/7")
        env["REDIS_URL"] = redis
        subprocess.run(["redis-cli", "-u", redis, "FLUSHDB"], check=True, capture_output=True)  # noqa: S607
        port = free_port()
        server = serve(env, port)
        base = f"http://127.0.0.1:{port}"
        try:
            # Unmeasured first: every worker loads its templates and opens its connections.
            wrk(base + "/bench/minimal/", 3, options.connections)
            minimal = wrk(base + "/bench/minimal/", options.seconds, options.connections)
            browsers = clients(base, people)
            script = scratch / "lookup.lua"
            script.write_text(
                SCRIPT
                % ",".join(
                    f"{{{lua_string(c)},{lua_string(b)},{lua_string(p)}}}" for c, b, p in browsers
                )
            )
            rate, p50, p99, wrong = wrk_lookups(base, script, options.seconds, options.connections)
        finally:
            server.terminate()
            server.wait()
    print(
        f"ledger {options.rows:,} payouts on PostgreSQL (filled in {filled:.0f} s); gunicorn, "
        f"{WORKERS} workers, Redis; wrk -c{options.connections} -d{options.seconds}s; "
        f"{len(browsers):,} test browsers, limits as configured"
    )
    print(
        f"anchor  minimal page        {minimal[0]:7,.0f} req/s              p99 {minimal[1]:7.1f} ms"
    )
    print(
        f"figure  lookup requests     {rate:7,.0f} req/s  p50 {p50:6.1f} ms  p99 {p99:7.1f} ms"
        f"  = {rate / minimal[0]:.0%} of the anchor's rate ({rate / 2:,.0f} lookups/s: each is a"
        f" POST answered 303 and a GET of the statement); {wrong} answers not a statement"
    )


if __name__ == "__main__":
    main()
