#!/usr/bin/env python3
"""Scrapers that keep their connection across idle gaps, as real scrapers do between scrapes.

Usage: scrape_idle_gaps.py PORT CLIENTS SECONDS MIN_GAP MAX_GAP
Each client opens one connection (Python's http.client, which reuses it without checking it
first) and scrapes /metrics with gzip, then sleeps a random gap in [MIN_GAP, MAX_GAP] seconds.
Prints one JSON object: scrapes, errors, reconnects (responses that did not keep the
connection), p50 and p99 in ms.
"""
import http.client, json, random, sys, threading, time

port, clients, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
min_gap, max_gap = float(sys.argv[4]), float(sys.argv[5])
lock = threading.Lock()
latencies, errors, reconnects = [], [0], [0]


def client(seed):
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    end = time.monotonic() + seconds
    time.sleep(rng.uniform(0, max_gap))  # spread the clients over the interval
    while time.monotonic() < end:
        start = time.perf_counter()
        try:
            conn.request("GET", "/metrics", headers={"Accept-Encoding": "gzip"})
            response = conn.getresponse()
            response.read()
            took = time.perf_counter() - start
            with lock:
                latencies.append(took)
                if response.status != 200:
                    errors[0] += 1
                if response.getheader("Connection") != "keep-alive":
                    reconnects[0] += 1
        except (OSError, http.client.HTTPException):
            with lock:
                errors[0] += 1
            conn.close()
        time.sleep(rng.uniform(min_gap, max_gap))
    conn.close()


threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
latencies.sort()
pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1e3 if latencies else float("nan")
print(json.dumps({"scrapes": len(latencies), "errors": errors[0], "reconnects": reconnects[0],
                  "p50_ms": pick(0.5), "p99_ms": pick(0.99)}))
