#!/usr/bin/env bash
# cfn-lint over the synthesized template (run `npm run synth` first): it knows CloudFormation's
# resource specifications, so it catches properties and values a deploy would reject. Installed
# pinned from PyPI into .oracles/cfn-lint (gitignored) on first use. Without Python this is a
# skip with a message for developers, and a failure in CI (CI=true).
set -euo pipefail
cd "$(dirname "$0")/../.."
VERSION=1.58.0
VENV=.oracles/cfn-lint
ORACLE="cfn-lint"
# shellcheck source=local/oracles/skip.sh
source local/oracles/skip.sh
command -v python3 >/dev/null || skip "python3 is not installed"
if [ "$("$VENV/bin/cfn-lint" --version 2>/dev/null)" != "cfn-lint $VERSION" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" || skip "python3 cannot create a virtual environment"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "cfn-lint==$VERSION" || skip "cfn-lint $VERSION could not be installed from PyPI"
fi
shopt -s nullglob
templates=(cdk.out/*.template.json)
[ ${#templates[@]} -gt 0 ] || { echo "cfn-lint: no template in cdk.out; run npm run synth first" >&2; exit 1; }
"$VENV/bin/cfn-lint" --config-file infra/cfn-lint/cfnlintrc.yaml -- "${templates[@]}"
echo "cfn-lint $VERSION: ${#templates[@]} template(s) clean"
