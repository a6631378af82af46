"""/metrics in prometheus_client's multiprocess mode: worker processes' counts add up."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

WORKER = """
import sys
from xxai.api.metrics import Metrics
m = Metrics()
for _ in range(int(sys.argv[1])):
    m.observe("POST", "/api/v1/translate", 200, 0.02)
m.count_translation(["你好"] * int(sys.argv[1]))
if sys.argv[2] == "render":
    print(m.render({"xxai_ready": ("1 once the engine is loaded.", 1.0)}))
"""


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            out[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return out


def test_counts_of_several_worker_processes_add_up(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", WORKER, str(n), "quiet"], env=env, check=True)
    scrape = subprocess.run(
        [sys.executable, "-c", WORKER, "5", "render"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    samples = _samples(scrape)
    route = (("method", "POST"), ("route", "/api/v1/translate"), ("status", "200"))
    assert samples[("xxai_http_requests_total", route)] == 12
    assert samples[("xxai_translated_texts_total", ())] == 12
    assert samples[("xxai_translated_chars_total", ())] == 24
    count = ("xxai_http_request_duration_seconds_count", (("route", "/api/v1/translate"),))
    assert samples[count] == 12
    assert samples[("xxai_ready", ())] == 1


def test_one_process_exposition_parses_as_prometheus_text() -> None:
    from xxai.api.metrics import Metrics

    metrics = Metrics()
    metrics.observe("GET", "/health", 200, 0.001)
    metrics.observe("GET", "/health", 200, 0.3)
    samples = _samples(metrics.render({"xxai_cache_entries": ("Translations.", 7.0)}))
    health = (("route", "/health"),)
    assert samples[("xxai_http_request_duration_seconds_count", health)] == 2
    bucket = (("le", "0.005"), ("route", "/health"))
    assert samples[("xxai_http_request_duration_seconds_bucket", bucket)] == 1
    assert samples[("xxai_cache_entries", ())] == 7
    assert samples[("xxai_uptime_seconds", ())] >= 0
