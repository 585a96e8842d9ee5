# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/lint-templates and scripts/check-assembly.
# Sourced, not executed. Everything it installs stays inside the repository:
#   <repo>/.venv       Python venv with the pinned cfn-lint
#   <repo>/.tools/cdk  npm prefix with the pinned aws-cdk CLI

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck disable=SC2034 # used by the scripts that source this file
SCRIPTS="$REPO/scripts"

# Pinned tool versions (override from the environment to try another version).
CFN_LINT_VERSION="${CFN_LINT_VERSION:-1.58.0}"
CDK_VERSION="${CDK_VERSION:-2.1148.1}"
CHECKOV_VERSION="${CHECKOV_VERSION:-3.3.30}"

PYTHON="${PYTHON:-python3}"
VENV="$REPO/.venv"
# checkov pins its own dependency versions, which clash with cfn-lint's: a venv of its own.
CHECKOV_VENV="$REPO/.venv-checkov"
CDK_PREFIX="$REPO/.tools/cdk"
CDK_BIN="$CDK_PREFIX/node_modules/.bin/cdk"

if [[ -t 1 ]]; then
  _B=$'\033[1m' _R=$'\033[31m' _G=$'\033[32m' _N=$'\033[0m'
else
  _B='' _R='' _G='' _N=''
fi

section() { printf '\n%s==> %s%s\n' "$_B" "$*" "$_N"; }
info() { printf '    %s\n' "$*"; }
ok() { printf '    %sok%s %s\n' "$_G" "$_N" "$*"; }
fail() { printf '    %sFAIL%s %s\n' "$_R" "$_N" "$*" >&2; }
die() { fail "$*"; exit 1; }

# The venv's Python, or nothing if the venv is missing or broken.
_venv_python_ok() { [[ -x "$VENV/bin/python" ]] && "$VENV/bin/python" -c '' 2>/dev/null; }

_installed_cfn_lint() {
  "$VENV/bin/python" - <<'PY' 2>/dev/null
import importlib.metadata as m
try:
    print(m.version("cfn-lint"))
except m.PackageNotFoundError:
    pass
PY
}

# Create <repo>/.venv with cfn-lint==$CFN_LINT_VERSION unless it is already there.
ensure_venv() {
  if ! _venv_python_ok; then
    info "creating $VENV"
    "$PYTHON" -m venv --clear "$VENV" \
      || die "$PYTHON -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  local have
  have="$(_installed_cfn_lint)"
  if [[ "$have" != "$CFN_LINT_VERSION" ]]; then
    info "installing cfn-lint==$CFN_LINT_VERSION into .venv${have:+ (had $have)}"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
      "$VENV/bin/python" -m pip install --quiet "cfn-lint==$CFN_LINT_VERSION"
    have="$(_installed_cfn_lint)"
    [[ "$have" == "$CFN_LINT_VERSION" ]] || die "cfn-lint $CFN_LINT_VERSION did not install (found '${have:-none}')"
  fi
}

_installed_cdk() {
  local pj="$CDK_PREFIX/node_modules/aws-cdk/package.json"
  if [[ -f "$pj" ]]; then node -p "require(process.argv[1]).version" "$pj" 2>/dev/null || true; fi
}

# Install aws-cdk@$CDK_VERSION into <repo>/.tools/cdk unless it is already there.
ensure_cdk() {
  command -v node >/dev/null || die "node is not on PATH (the AWS CDK CLI needs Node.js)"
  command -v npm >/dev/null || die "npm is not on PATH"
  local have
  have="$(_installed_cdk)"
  if [[ "$have" != "$CDK_VERSION" || ! -x "$CDK_BIN" ]]; then
    info "installing aws-cdk@$CDK_VERSION into .tools/cdk${have:+ (had $have)}"
    mkdir -p "$CDK_PREFIX"
    npm install --prefix "$CDK_PREFIX" --save-exact --no-audit --no-fund --loglevel=error \
      "aws-cdk@$CDK_VERSION" >/dev/null
    have="$(_installed_cdk)"
    [[ "$have" == "$CDK_VERSION" ]] || die "aws-cdk $CDK_VERSION did not install (found '${have:-none}')"
  fi
}

# Run the pinned cdk CLI offline: no version check, no notices, no telemetry, no ~/.cdk
# writes, no cdk.json from the current directory, no EC2 metadata lookups, and strict
# JSON-schema validation of manifest.json (TESTING_CDK=1; set CDK_STRICT=0 to turn off).
# Usage: cdk_offline <args...>
cdk_offline() {
  local scratch
  scratch="$(mktemp -d "${TMPDIR:-/tmp}/eks-blueprint-cdk.XXXXXX")"
  local rc=0
  (
    cd "$scratch"
    if [[ "${CDK_STRICT:-1}" == 1 ]]; then export TESTING_CDK=1; fi
    CDK_HOME="$scratch/home" \
    CDK_DISABLE_VERSION_CHECK=1 \
    CDK_DISABLE_CLI_TELEMETRY=true \
    AWS_EC2_METADATA_DISABLED=true \
    NO_COLOR=1 FORCE_COLOR=0 \
      "$CDK_BIN" "$@" --no-notices --ci
  ) || rc=$?
  rm -rf "$scratch"
  return "$rc"
}

# Create <repo>/.venv-checkov with checkov==$CHECKOV_VERSION unless it is already there.
ensure_checkov() {
  if ! [[ -x "$CHECKOV_VENV/bin/python" ]] || ! "$CHECKOV_VENV/bin/python" -c '' 2>/dev/null; then
    info "creating $CHECKOV_VENV"
    "$PYTHON" -m venv --clear "$CHECKOV_VENV" \
      || die "$PYTHON -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)"
  fi
  local have
  have="$("$CHECKOV_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null || true)"
  if [[ "$have" != "$CHECKOV_VERSION" ]]; then
    info "installing checkov==$CHECKOV_VERSION into .venv-checkov${have:+ (had $have)}"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
      "$CHECKOV_VENV/bin/python" -m pip install --quiet "checkov==$CHECKOV_VERSION"
  fi
}
