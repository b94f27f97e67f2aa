"""What App Engine runs is what the repository deploys: production code never imports the
emulator or local mode's glue, which ``.gcloudignore`` leaves out of the upload."""

from __future__ import annotations

import ast
import json
import pathlib
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = pathlib.Path(__file__).resolve().parents[2]
NOT_DEPLOYED = ("emulator", "local", "tests", "bench")


def ignored_directories() -> set[str]:
    lines = (ROOT / ".gcloudignore").read_text(encoding="utf-8").splitlines()
    return {line.strip().strip("/") for line in lines if line.strip().endswith("/") and not line.startswith("#")}


def imported_modules(path: pathlib.Path) -> set[str]:
    """Every absolute module name a file imports (relative imports stay inside its package)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_the_undeployed_packages_are_left_out_of_the_upload() -> None:
    assert set(NOT_DEPLOYED) <= ignored_directories()


def test_nothing_under_bot_imports_the_emulator_or_local_mode() -> None:
    offenders = {}
    for path in sorted((ROOT / "bot").rglob("*.py")):
        bad = {name for name in imported_modules(path) if name.split(".")[0] in NOT_DEPLOYED}
        if bad:
            offenders[str(path.relative_to(ROOT))] = sorted(bad)
    assert offenders == {}


def test_the_import_graph_check_sees_an_import_inside_a_function(tmp_path: pathlib.Path) -> None:
    # The check above must catch the form production code used: a deferred import.
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    from emulator.clients import service_account_credentials\n", encoding="utf-8")
    assert "emulator.clients" in imported_modules(sample)


BLOCKER = """
import importlib.abc, sys
class Undeployed(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split('.')[0] in {blocked!r}:
            raise ImportError(f'{{name}} is not deployed')
        return None
sys.meta_path.insert(0, Undeployed())
sys.path.insert(0, {root!r})
import main, threading
app = main.app
client = app.test_client()
print(client.get('/healthz').status_code)
print(','.join(sorted(t.name for t in threading.enumerate() if t.name == 'meeting-sync')))
import gc
print(gc.get_freeze_count())
print('\\n'.join(sorted(getattr(m, '__file__', None) or '' for m in list(sys.modules.values()))))
app.extensions['meetbot'].stop()
"""


@pytest.mark.parametrize("endpoint", [None, "http://127.0.0.1:9"])
def test_the_production_app_starts_with_the_emulator_unimportable(tmp_path: pathlib.Path, endpoint: str | None) -> None:
    """``gunicorn main:app`` as App Engine runs it, in a process where importing anything the
    upload leaves out fails: the app builds, answers, and loaded no file from those folders;
    also with GOOGLE_API_ENDPOINT set (other token and certificate URLs, nothing else)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps({
        "type": "service_account", "project_id": "p", "private_key_id": "1",
        "private_key": private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()).decode(),
        "client_email": "meetbot@p.iam.gserviceaccount.com", "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token"}), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "CHAT_EVENT_FORMAT": "addon", "CHAT_PROJECT_NUMBER": "123456789012",
           "CHAT_ENDPOINT_URL": "https://meet-bot.example.com/", "AUTH_MODE": "delegation",
           "DELEGATION_CREDENTIALS_FILE": str(key_file), "CHAT_CREDENTIALS_FILE": str(key_file),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'meetbot.db'}", "LOG_LEVEL": "WARNING",
           **({"GOOGLE_API_ENDPOINT": endpoint} if endpoint else {})}
    script = BLOCKER.format(blocked=set(NOT_DEPLOYED), root=str(ROOT))
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    status, threads, frozen, *files = result.stdout.splitlines()
    assert status == "200"
    assert int(frozen) > 50_000  # the start-up heap is out of the collector's way (main.production_app)
    # main:app starts the background work in the process that looks it up (a gunicorn
    # worker); building the app alone would not.
    assert threads == "meeting-sync"
    loaded = {pathlib.Path(f).resolve() for f in files if f}
    # The virtualenv is left out of the upload too, but App Engine installs the same
    # dependencies from requirements.txt: only the project's own folders count here.
    undeployed = [str(f) for f in loaded for folder in ignored_directories()
                  if folder.strip("/") != ".venv" and (ROOT / folder) in f.parents]
    assert undeployed == []
    assert any(ROOT / "bot" in f.parents for f in loaded)  # the listing is real: the app's own files are in it


def test_the_blocker_does_block(tmp_path: pathlib.Path) -> None:
    """The finder above really makes the emulator unimportable (else the test proves nothing)."""
    script = BLOCKER.format(blocked=set(NOT_DEPLOYED), root=str(ROOT)).split("import main")[0] + "import emulator\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert result.returncode == 1 and "emulator is not deployed" in result.stderr


# -- app.yaml and the guide agree with the start-up checks ----------------------------------------
PLACEHOLDER_VALUES = {"<PROJECT_ID>": "my-meet-bot", "<PROJECT_NUMBER>": "123456789012",
                      "<APP_URL>": "https://my-meet-bot.ew.r.appspot.com",
                      "<OAUTH_CLIENT_ID>": "123-abc.apps.googleusercontent.com"}


def app_yaml_environment() -> dict[str, str]:
    """app.yaml's env_variables (its active lines), as App Engine hands them to the app."""
    environment: dict[str, str] = {}
    inside = False
    for line in (ROOT / "app.yaml").read_text(encoding="utf-8").splitlines():
        if not line.startswith(" ") and line.strip():
            inside = line.startswith("env_variables:")
            continue
        stripped = line.strip()
        if inside and stripped and not stripped.startswith("#"):
            key, _, value = stripped.partition(":")
            environment[key.strip()] = value.strip().strip('"')
    return environment


def filled_in(environment: dict[str, str]) -> dict[str, str]:
    """Step 7's sed: every placeholder replaced by the shell variable's value."""
    def fill(value: str) -> str:
        for placeholder, replacement in PLACEHOLDER_VALUES.items():
            value = value.replace(placeholder, replacement)
        return value

    return {key: fill(value) for key, value in environment.items()}


def test_app_yaml_uses_only_the_guides_placeholders() -> None:
    import re

    used = set(re.findall(r"<[A-Z_]+>", (ROOT / "app.yaml").read_text(encoding="utf-8")))
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert used == set(PLACEHOLDER_VALUES)
    for placeholder in used:  # each one is named in the guide and filled in by its step 7
        assert f"s|{placeholder}|${placeholder[1:-1]}|g" in guide, placeholder
    assert "REPLACE_WITH" not in (ROOT / "app.yaml").read_text(encoding="utf-8")


def test_app_yaml_filled_in_passes_the_start_up_check() -> None:
    from cryptography.fernet import Fernet

    from bot.config import Config
    from bot.secrets import resolve_secrets

    secrets = {"meetbot-database-url": "postgresql://meetbot:pw@/meetbot?host=/cloudsql/my-meet-bot:europe-west1:meetbot",
               "meetbot-oauth-client-secret": "GOCSPX-secret", "meetbot-token-keys": Fernet.generate_key().decode()}
    environment = resolve_secrets(filled_in(app_yaml_environment()), lambda name: secrets[name.split("/")[3]])
    config = Config.from_env(environment)
    assert config.problems() == []
    assert config.chat_event_format == "addon" and config.chat_endpoint_url == "https://my-meet-bot.ew.r.appspot.com/"
    assert config.database_url is not None and config.database_url.startswith("postgresql://")


def test_app_yaml_without_its_endpoint_url_would_stop_at_start_up_not_answer_401() -> None:
    from bot.config import Config

    environment = filled_in(app_yaml_environment())
    del environment["CHAT_ENDPOINT_URL"]
    environment = {k: v for k, v in environment.items() if not k.endswith("_SECRET")}
    problems = Config.from_env(environment).problems()
    assert any(p.startswith("CHAT_ENDPOINT_URL") and "CHAT_EVENT_FORMAT=addon" in p for p in problems)


def test_app_yaml_has_no_flexible_environment_settings() -> None:
    # beta_settings.cloud_sql_instances is App Engine flexible's; standard connects over
    # /cloudsql/<connection name> with roles/cloudsql.client alone.
    text = (ROOT / "app.yaml").read_text(encoding="utf-8")
    assert "beta_settings:" not in [line.strip() for line in text.splitlines()]
    assert "env: flex" not in text


def test_the_guide_names_app_engine_and_cloud_sql_regions_apart() -> None:
    guide = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    assert "gcloud app create --region=$APP_REGION" in guide
    assert "--region=$SQL_REGION" in guide and "--server-ca-mode=GOOGLE_MANAGED_INTERNAL_CA" in guide
    assert "$REGION" not in guide.replace("$APP_REGION", "").replace("$SQL_REGION", "")


def test_readme_links_stay_inside_the_repository() -> None:
    import re

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", readme):
        if target.startswith(("http://", "https://", "mailto:")):
            continue
        resolved = (ROOT / target).resolve()
        assert ROOT in resolved.parents or resolved == ROOT, f"{target} leaves the repository"
        assert resolved.exists(), f"{target} does not exist"
