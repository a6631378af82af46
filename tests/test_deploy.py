"""The example deployment in deploy/: valid compose and Kubernetes files naming real settings.

Nothing is started (no Docker daemon or cluster here): the files are checked against the
compose-spec schema (check-jsonschema's vendored copy) and the Kubernetes API schemas
(kubernetes-validate), offline, and every XXAI_* variable they set must be a real setting.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from xxai.config import SETTINGS

DEPLOY = Path(__file__).resolve().parents[1] / "deploy"
BIN = Path(sys.executable).parent


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.skip(f"{name} is not installed (pip install -e '.[dev]')")
    return found


def _env_names(node: Any) -> set[str]:
    """Return every XXAI_* name set anywhere in a parsed YAML tree."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(key, str) and key.startswith("XXAI_"):
                found.add(key)
            if key == "name" and isinstance(value, str) and value.startswith("XXAI_"):
                found.add(value)
            found |= _env_names(value)
    elif isinstance(node, list):
        for item in node:
            found |= _env_names(item)
    return found


def test_compose_file_is_valid_and_names_real_settings() -> None:
    path = DEPLOY / "compose.yaml"
    result = subprocess.run(
        [_tool("check-jsonschema"), "--builtin-schema", "vendor.compose-spec", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    compose = yaml.safe_load(path.read_text())
    known = {s.env_var for s in SETTINGS.values()}
    assert _env_names(compose) - known == set()
    services = compose["services"]
    replicas = [n for n, s in services.items() if "serve" in s.get("command", [])]
    assert len(replicas) >= 2  # more than one replica on one database
    for name in replicas:
        env = services[name]["environment"]
        assert env["XXAI_DATABASE_URL"].split("@")[1].startswith("postgres:")
        assert env["XXAI_OPENAI_BASE_URL"].startswith("http://model:")
    assert "pgvector" in services["postgres"]["image"]
    assert services["worker"]["command"] == ["xxai", "worker"]


def test_kubernetes_manifest_is_valid_and_names_real_settings() -> None:
    path = DEPLOY / "kubernetes" / "xxai.yaml"
    result = subprocess.run(
        [_tool("kubernetes-validate"), "--strict", "--quiet", str(path)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    docs = [d for d in yaml.safe_load_all(path.read_text()) if d]
    known = {s.env_var for s in SETTINGS.values()}
    assert _env_names(docs) - known == set()
    deployment, worker = [d for d in docs if d["kind"] == "Deployment"]
    assert worker["spec"]["template"]["spec"]["containers"][0]["command"] == ["xxai", "worker"]
    assert deployment["spec"]["replicas"] >= 2
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["readinessProbe"]["httpGet"]["path"] == "/health"
    (job,) = [d for d in docs if d["kind"] == "Job"]
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["xxai", "db", "migrate"]


def test_the_validator_rejects_a_broken_manifest(tmp_path: Path) -> None:
    text = (DEPLOY / "kubernetes" / "xxai.yaml").read_text()
    broken = tmp_path / "broken.yaml"
    broken.write_text(re.sub(r"replicas: 2", "replicas: two", text))
    result = subprocess.run(
        [_tool("kubernetes-validate"), "--strict", "--quiet", str(broken)],
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
