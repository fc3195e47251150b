# Sourced by each oracle's installer (infra/cfn-lint/run.sh, local/opensearch/oracle/run.sh,
# local/oracles/moto/run.sh) with ORACLE set to its name: a missing oracle is a skip with a
# message for developers (exit 0, nothing run) and a failure in CI (CI=true).
skip() {
  if [ "${CI:-}" = "true" ]; then echo "$ORACLE: $1 (CI=true: failing)" >&2; exit 1; fi
  echo "$ORACLE: SKIPPED: $1" >&2
  exit 0
}
