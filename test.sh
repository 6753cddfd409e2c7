#!/usr/bin/env bash
# Restores, builds in Release and runs every test project, starting the services the projects need.
# Ends with its own line: "N passed, N failed" (", N skipped" when any were skipped).
#
# A test project names what it needs in a file `test-services` beside its .csproj, one word a line:
#   fashion-mnist   the Debian package dataset-fashion-mnist (installed with apt-get if missing)
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
results="$root/.local/test-results"
rm -rf "$results" && mkdir -p "$results"

log() { printf '[test.sh] %s\n' "$*"; }

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the install anyway"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need_fashion_mnist() {
  local dir=/usr/share/datasets/fashion-mnist
  if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
    log "installing dataset-fashion-mnist"
    apt_install dataset-fashion-mnist || { log "could not install dataset-fashion-mnist"; return 1; }
  fi
  export ORLEANSML_FASHION_MNIST="$dir"
}

projects=$(find Tests -name '*Tests.csproj' | sort)
needs=$(for p in $projects; do f="$(dirname "$p")/test-services"; [ -f "$f" ] && cat "$f"; done | sort -u)
for service in $needs; do
  case "$service" in
    fashion-mnist) need_fashion_mnist || exit 1 ;;
    *) log "unknown service '$service' named in a test-services file"; exit 1 ;;
  esac
done

log "restore and build (Release)"
if ! dotnet build OrleansML.sln -c Release -nologo -v quiet -clp:ErrorsOnly; then
  log "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0
for p in $projects; do
  name=$(basename "$p" .csproj)
  log "testing $name"
  dotnet test "$p" -c Release --no-build --nologo \
    --logger "trx;LogFileName=$name.trx" --logger "console;verbosity=normal" \
    --results-directory "$results" --blame-hang-timeout 10m 2>&1 | tee "$results/$name.log" \
    | grep -E '^\s+(Failed|Skipped) |^(Passed|Failed)!|error (CS|MSB)|Test Run Aborted' || true
  trx="$results/$name.trx"
  counters=$(grep -o '<Counters [^>]*>' "$trx" 2>/dev/null | head -1)
  if [ -z "$counters" ]; then
    log "$name produced no results (crash or build problem): counted as one failure"
    failed=$((failed + 1)); continue
  fi
  attr() { echo "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
  p_=$(attr passed); f_=$(attr failed); t_=$(attr total); e_=$(attr executed)
  s_=$((t_ - e_))
  passed=$((passed + p_)); failed=$((failed + f_ + $(attr error) + $(attr timeout) + $(attr aborted))); skipped=$((skipped + s_))
done

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
