"""Audit the pinned dependencies with pip-audit and say plainly what was checked.

Fails on any known vulnerability. When the vulnerability service (PyPI's JSON API or
OSV) cannot be reached, pip-audit marks every package "could not be audited"; that is
reported as "not audited" and fails only with PIP_AUDIT_REQUIRED=1, because a machine
without internet access (like the CI machine) cannot know either way.
Exceptions are listed in IGNORED with the reason they do not apply.
"""

from __future__ import annotations

import json
import os
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ["requirements.lock", "requirements-dev.lock"]
# {"GHSA-…": "why it does not apply here"}
IGNORED: dict[str, str] = {}


def main() -> int:
    args = [sys.executable, "-m", "pip_audit", "--no-deps", "--disable-pip", "-f", "json"]
    for lock in LOCKS:
        args += ["-r", str(ROOT / lock)]
    for vuln_id in IGNORED:
        args += ["--ignore-vuln", vuln_id]
    run = subprocess.run(args, capture_output=True, text=True, timeout=600)  # noqa: S603 - fixed argv, no shell  # nosec B603
    try:
        report = json.loads(run.stdout or "{}")
    except json.JSONDecodeError:
        print(run.stdout, run.stderr, sep="\n")
        return 1
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    for dep in vulnerable:
        for vuln in dep["vulns"]:
            fixes = ", ".join(vuln.get("fix_versions", [])) or "sin versión corregida"
            print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fix: {fixes})")
    audited = len(deps) - len(skipped)
    print(
        f"pip-audit: {len(deps)} packages, {audited} audited, {len(skipped)} not audited, "
        f"{len(vulnerable)} vulnerable, {len(IGNORED)} ignored with a reason"
    )
    if vulnerable:
        return 1
    if deps and not audited:
        print(
            "pip-audit: the vulnerability service is not reachable from this machine; "
            "nothing was audited (set PIP_AUDIT_REQUIRED=1 to fail on this)."
        )
        return 1 if os.environ.get("PIP_AUDIT_REQUIRED") == "1" else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
