#!/usr/bin/env bash
# moto (PyPI, moto[server]), a second emulator of Cognito user pools, SQS and S3, for the
# client-level conformance cases of local/cognito, local/sqs and local/s3 to be judged by.
# Installed pinned into .oracles/moto (gitignored) on first use (~30 s); later runs reuse it.
#
#   bash local/oracles/moto/run.sh --install     install only (what .ci/run does)
#   bash local/oracles/moto/run.sh [PORT]        run moto's server on 127.0.0.1 (default: a free port)
#
# The server prints "MOTO_ORACLE_READY <url>" when it listens, and stops when its standard input
# closes (serve.py).
# Without Python this is a skip with a message (exit 0, nothing started) for developers, and a
# failure in CI (CI=true), as infra/cfn-lint/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/../../.."
VERSION=5.2.6
VENV=.oracles/moto
ORACLE="moto oracle"
# shellcheck source=local/oracles/skip.sh
source local/oracles/skip.sh
command -v python3 >/dev/null || skip "python3 is not installed"
if [ "$("$VENV/bin/python" -c 'import moto; print(moto.__version__)' 2>/dev/null)" != "$VERSION" ]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV" || skip "python3 cannot create a virtual environment"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$VERSION" >&2 \
    || skip "moto[server] $VERSION could not be installed from PyPI"
fi
[ "${1:-}" = "--install" ] && { echo "moto oracle: moto $VERSION in $VENV" >&2; exit 0; }
exec "$VENV/bin/python" local/oracles/moto/serve.py "${1:-0}"
