"""CI's dependency audit: pip-audit over the packages CI installed from requirements*.txt.

    python .ci/audit.py --path SITE_PACKAGES   (run with a Python that has pip-audit)

Four outcomes, told apart by pip-audit's JSON report rather than its exit code alone
(it exits 1 both for "vulnerable" and for "could not reach the feed", and exits 0 with
"No known vulnerabilities found" when every package was merely skipped):

* vulnerable  — the report lists a known vulnerability: exit 1, each one named;
* clean       — packages were looked up and none is vulnerable: exit 0;
* unreachable — the advisory database could not be read (no report and a network error,
  or a report in which every package was skipped because its record could not be
  fetched): exit 0, saying plainly that the audit was SKIPPED;
* error       — anything else (no report, no sign of a network problem; or nothing to
  audit at all): exit 1, with pip-audit's own words.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass

# What a network that cannot reach the feed looks like in pip-audit's and requests' words.
NETWORK_SIGNS = ("could not connect", "network may be blocking", "connectionerror", "connection refused",
                 "max retries exceeded", "timed out", "name or service not known",
                 "temporary failure in name resolution", "failed to establish a new connection", "proxyerror")


@dataclass(frozen=True)
class Verdict:
    outcome: str  # "vulnerable", "clean", "unreachable" or "error"
    message: str

    @property
    def exit_code(self) -> int:
        return 1 if self.outcome in ("vulnerable", "error") else 0


def classify(returncode: int, report: str | None, stderr: str) -> Verdict:
    """What one pip-audit run (its exit code, its JSON report if any, its stderr) means."""
    parsed = None
    if report:
        try:
            parsed = json.loads(report)
        except ValueError:
            parsed = None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("dependencies"), list):
        said = stderr.strip()[-2000:]
        if any(sign in said.lower() for sign in NETWORK_SIGNS):
            return Verdict("unreachable", "dependency audit SKIPPED: the advisory database could not be reached "
                                          f"(pip-audit: {said.splitlines()[-1] if said else 'no answer'})")
        return Verdict("error", f"dependency audit could not run (pip-audit exit {returncode}):\n{said}")
    dependencies = [d for d in parsed["dependencies"] if isinstance(d, dict)]
    vulnerable = [(d, v) for d in dependencies for v in d.get("vulns") or []]
    if vulnerable:
        lines = [f"  {d.get('name')} {d.get('version')}: {v.get('id')}"
                 + (f" (fixed in {', '.join(v['fix_versions'])})" if v.get("fix_versions") else " (no fix yet)")
                 for d, v in vulnerable]
        return Verdict("vulnerable", f"dependency audit FAILED: {len(vulnerable)} known vulnerabilit"
                                     f"{'y' if len(vulnerable) == 1 else 'ies'}:\n" + "\n".join(lines))
    skipped = [d for d in dependencies if d.get("skip_reason")]
    audited = len(dependencies) - len(skipped)
    if not dependencies:
        return Verdict("error", "dependency audit found no packages to audit (wrong --path?)")
    if audited == 0:
        return Verdict("unreachable", f"dependency audit SKIPPED: the advisory database could not be read for any of "
                                      f"the {len(skipped)} packages (e.g. {skipped[0]['skip_reason']})")
    note = f"; not looked up: {', '.join(str(d.get('name')) for d in skipped)}" if skipped else ""
    return Verdict("clean", f"dependency audit passed: {audited} packages, no known vulnerabilities{note}")


# A feed that never answers (a black-holed network) must not hold CI for its whole budget.
AUDIT_TIMEOUT_SECONDS = 600.0


def run_audit(command: list[str], timeout: float = AUDIT_TIMEOUT_SECONDS) -> Verdict:
    """Run ``command`` (pip-audit; ``{output}`` in it is replaced by the report's path)."""
    with tempfile.TemporaryDirectory() as directory:
        output = os.path.join(directory, "audit.json")
        try:
            run = subprocess.run([part.replace("{output}", output) for part in command],
                                 capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return Verdict("unreachable", f"dependency audit SKIPPED: the advisory database did not answer within "
                                          f"{timeout:g} s")
        report = open(output, encoding="utf-8").read() if os.path.exists(output) else None
    return classify(run.returncode, report, run.stderr)


def main(argv: list[str]) -> int:
    verdict = run_audit([sys.executable, "-m", "pip_audit", "--format", "json", "--output", "{output}",
                         "--progress-spinner", "off", "--timeout", "15", *argv])
    print(verdict.message, flush=True)
    return verdict.exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
