"""Operations facts that a broken edit would silently lose: reproducible installs (hashed locks,
no machine-specific options, exact base images, build-time checks) and the compose stack's
migrate service and metrics directory."""

import json
import re
from pathlib import Path

import yaml

from app.core.config import REPO_ROOT

BACKEND = REPO_ROOT / "backend"
PINNED = re.compile(r"^[a-z0-9][a-z0-9._-]*==[^\s\\]+ \\$")


def _lock_entries(path: Path) -> dict[str, list[str]]:
    """package==version -> its hashes, from a pip-compile --generate-hashes lock."""
    entries: dict[str, list[str]] = {}
    current = None
    for line in path.read_text().splitlines():
        if PINNED.match(line):
            current = line.split(" ")[0]
            entries[current] = []
        elif line.strip().startswith("--hash=sha256:"):
            assert current, line
            entries[current].append(line.strip())
        elif line.strip() and not line.lstrip().startswith("#"):
            raise AssertionError(f"{path.name}: unexpected line {line!r}")
    return entries


def test_locks_are_hashed_and_machine_independent() -> None:
    runtime = _lock_entries(BACKEND / "requirements.lock")
    dev = _lock_entries(BACKEND / "requirements-dev.lock")
    for name, entries in (("requirements.lock", runtime), ("requirements-dev.lock", dev)):
        text = (BACKEND / name).read_text()
        assert entries and all(entries.values()), f"{name}: a package without hashes"
        options = [line for line in text.splitlines() if line.startswith("-")]
        assert options == [], f"{name}: {options}"  # no --find-links, --index-url, ...
        assert "/opt/" not in text and "file://" not in text
    # The runtime set is the dev set's subset at the same versions: tests run what ships.
    assert set(runtime) <= set(dev), sorted(set(runtime) - set(dev))


def test_installs_require_hashes_and_the_image_checks_itself() -> None:
    lib = (REPO_ROOT / "scripts" / "lib.sh").read_text()
    assert re.search(r'pip" install [^\n]*--require-hashes -r "\$lock"', lib)
    dockerfile = (BACKEND / "Dockerfile").read_text()
    assert "pip install --require-hashes -r /tmp/requirements.lock" in dockerfile
    assert "--no-deps" not in dockerfile
    assert "pip check" in dockerfile
    assert 'python -c "import app.main"' in dockerfile


def test_base_images_are_exact_versions() -> None:
    # x.y.z releases; PostgreSQL's releases are x.y; MinIO's are RELEASE.<timestamp>.
    exact = re.compile(
        r"^(postgres:\d+\.\d+|minio/\w+:RELEASE\.[\dT-]+Z|[\w./-]+:\d+\.\d+\.\d+)"
        r"(-[a-z][a-z\d.-]*)?(@sha256:[0-9a-f]{64})?$"
    )
    froms = []
    for dockerfile in (BACKEND / "Dockerfile", REPO_ROOT / "webapp" / "Dockerfile"):
        froms += re.findall(r"^FROM (\S+)", dockerfile.read_text(), re.MULTILINE)
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    pulled = [s["image"] for s in compose["services"].values() if "build" not in s]
    assert len(froms) == 4 and pulled  # node builds the web app for both images
    for image in froms + pulled:
        assert exact.match(image), image


def test_webapp_lock_keeps_integrity_hashes() -> None:
    lock = json.loads((REPO_ROOT / "webapp" / "package-lock.json").read_text())
    packages = {k: v for k, v in lock["packages"].items() if k and not v.get("link")}
    assert packages
    missing = [k for k, v in packages.items() if not v.get("integrity", "").startswith("sha512-")]
    assert missing == []


def test_compose_runs_migrations_once_before_the_backend() -> None:
    compose = yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "-m", "app", "migrate"]
    assert migrate["image"] == services["backend"]["image"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["backend"]["depends_on"]["migrate"] == {
        "condition": "service_completed_successfully"
    }


def test_several_workers_share_one_metrics_directory_cleared_at_start() -> None:
    """The image sets the directory; `python -m app serve` (its command) creates and empties it
    before the workers start (proven on a real server: tests/test_serve.py)."""
    dockerfile = (BACKEND / "Dockerfile").read_text()
    assert "PROMETHEUS_MULTIPROC_DIR=/tmp/metrics" in dockerfile
    assert (
        re.search(r"^CMD (.*)$", dockerfile, re.MULTILINE).group(1)
        == '["python", "-m", "app", "serve"]'
    )
    assert "PROMETHEUS_MULTIPROC_DIR" in (REPO_ROOT / ".env.example").read_text()


def test_the_image_logs_json_without_uvicorns_access_log() -> None:
    config = json.loads((BACKEND / "logging.json").read_text())
    assert config["formatters"]["json"]["()"] == "app.core.logs.JsonFormatter"
    assert config["loggers"]["uvicorn.access"] == {
        "level": "WARNING",
        "handlers": [],
        "propagate": False,
    }
    assert "proxy_set_header X-Request-ID $request_id;" in (REPO_ROOT / "nginx.conf").read_text()


def test_secrets_are_redacted_from_log_text() -> None:
    from app.core.logs import redact

    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJlLXZhbHVl"
    for text in (
        f'127.0.0.1:5 - "WebSocket /api/ws?token={jwt}" [accepted]',
        f"Authorization: Bearer {jwt}",
        "refresh_token=AbC-123_xyz&x=1",
        '{"init_data": "query_id=1&hash=abc"}',
        f"decoding failed for {jwt}",
    ):
        cleaned = redact(text)
        assert jwt not in cleaned and "AbC-123_xyz" not in cleaned, cleaned
        assert "redacted" in cleaned
