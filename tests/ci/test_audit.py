"""CI's dependency audit tells "vulnerable" from "could not reach the advisory database".

The inputs are what pip-audit 2.x really produces (its JSON report, exit code and stderr),
as seen on this machine, which cannot reach the database, and as documented for findings.
"""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys

import pytest

AUDIT = pathlib.Path(__file__).resolve().parents[2] / ".ci" / "audit.py"
spec = importlib.util.spec_from_file_location("ci_audit", AUDIT)
assert spec is not None and spec.loader is not None
audit = importlib.util.module_from_spec(spec)
sys.modules["ci_audit"] = audit  # dataclasses look their module up while the class is made
spec.loader.exec_module(audit)

CONNECTION_FAILURE = (
    "ERROR:pip_audit._cli:requests.exceptions.ConnectionError: HTTPSConnectionPool(host='api.osv.dev', port=443): "
    "Max retries exceeded with url: /v1/query (Caused by NameResolutionError(\"Failed to resolve 'api.osv.dev' "
    "([Errno -2] Name or service not known)\"))\n"
    "ERROR:pip_audit._cli:Tip: your network may be blocking this service. Try another service with `-s SERVICE`\n")


def report(*dependencies: dict) -> str:  # type: ignore[type-arg]
    return json.dumps({"dependencies": list(dependencies), "fixes": []})


def skipped(name: str) -> dict:  # type: ignore[type-arg]
    return {"name": name, "skip_reason": f"Dependency not found on PyPI and could not be audited: {name} (1.0)"}


def test_a_known_vulnerability_fails_and_is_named() -> None:
    verdict = audit.classify(1, report(
        {"name": "flask", "version": "2.2.0", "vulns": [{"id": "GHSA-m2qf-hxjv-5gpq", "fix_versions": ["2.2.5"],
                                                          "aliases": ["CVE-2023-30861"], "description": "…"}]},
        {"name": "requests", "version": "2.32.3", "vulns": []}), "")
    assert verdict.outcome == "vulnerable" and verdict.exit_code == 1
    assert "flask 2.2.0: GHSA-m2qf-hxjv-5gpq (fixed in 2.2.5)" in verdict.message


def test_a_vulnerability_counts_even_when_other_packages_were_skipped() -> None:
    verdict = audit.classify(1, report(skipped("alembic"), {"name": "jinja2", "version": "3.0.0",
                                                            "vulns": [{"id": "PYSEC-1", "fix_versions": []}]}), "")
    assert verdict.outcome == "vulnerable" and "(no fix yet)" in verdict.message


def test_every_package_skipped_is_an_unreachable_database_not_a_pass() -> None:
    # What pip-audit says here: exit 0 and "No known vulnerabilities found", every package skipped.
    verdict = audit.classify(0, report(skipped("alembic"), skipped("flask")), "No known vulnerabilities found\n")
    assert verdict.outcome == "unreachable" and verdict.exit_code == 0
    assert verdict.message.startswith("dependency audit SKIPPED") and "2 packages" in verdict.message


def test_a_connection_failure_without_a_report_is_unreachable() -> None:
    verdict = audit.classify(1, None, CONNECTION_FAILURE)
    assert verdict.outcome == "unreachable" and verdict.exit_code == 0 and "SKIPPED" in verdict.message


def test_a_clean_audit_passes_and_names_what_it_could_not_look_up() -> None:
    verdict = audit.classify(0, report({"name": "flask", "version": "3.1.0", "vulns": []}, skipped("meet-bot")), "")
    assert verdict.outcome == "clean" and verdict.exit_code == 0
    assert "1 packages" in verdict.message and "meet-bot" in verdict.message


@pytest.mark.parametrize("returncode, text, stderr", [
    (1, None, "ERROR:pip_audit._cli:invalid requirements input: requirements.txt\n"),  # not the network
    (1, "{not json", "Traceback (most recent call last): ...\nKeyError: 'x'\n"),
    (0, report(), ""),  # nothing audited at all
])
def test_anything_else_fails_loudly(returncode: int, text: str | None, stderr: str) -> None:
    verdict = audit.classify(returncode, text, stderr)
    assert verdict.outcome == "error" and verdict.exit_code == 1


def test_a_feed_that_never_answers_is_unreachable_not_a_hang() -> None:
    import sys as _sys

    verdict = audit.run_audit([_sys.executable, "-c", "import time; time.sleep(30)"], timeout=0.5)
    assert verdict.outcome == "unreachable" and verdict.exit_code == 0 and "did not answer" in verdict.message


def test_the_report_written_by_the_command_is_the_one_classified() -> None:
    import sys as _sys

    write = ("import json, sys; json.dump({'dependencies': [{'name': 'x', 'version': '1', 'vulns': "
             "[{'id': 'PYSEC-9', 'fix_versions': ['2']}]}]}, open(sys.argv[1], 'w')); sys.exit(1)")
    verdict = audit.run_audit([_sys.executable, "-c", write, "{output}"])
    assert verdict.outcome == "vulnerable" and "x 1: PYSEC-9 (fixed in 2)" in verdict.message
