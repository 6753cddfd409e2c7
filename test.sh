#!/usr/bin/env bash
# Restores, builds in Release and runs every test project, starting the services the projects need.
# Ends with its own line: "N passed, N failed" (", N skipped" when any were skipped).
#
# A test project names what it needs in a file `test-services` beside its .csproj, one word a line:
#   fashion-mnist   the Debian package dataset-fashion-mnist (installed with apt-get if missing)
#   sklearn         the Debian package python3-sklearn (installed with apt-get if missing). Exports
#                   ORLEANSML_SKLEARN_PYTHON: a python that imports sklearn (/usr/bin/python3).
#   postgresql      a throwaway PostgreSQL on 127.0.0.1 (apt-get install postgresql if initdb is missing).
#                   Exports ORLEANSML_TEST_POSTGRES: an Npgsql connection string for a superuser role that
#                   may CREATE DATABASE (tests make their own databases from it).
#   chromium        the Debian package chromium (installed with apt-get if /usr/bin/chromium is missing), for browser
#                   tests driven by Microsoft.Playwright (no Playwright browser download). Exports ORLEANSML_CHROMIUM.
#   azurite         Azurite's blob service on 127.0.0.1, kept on disk (npm install into .local/azurite).
#                   Exports ORLEANSML_TEST_AZURITE: an Azure Storage connection string.
# With postgresql or azurite, ORLEANSML_TEST_SERVICES names a folder of scripts a test may run to restart a
# service mid-test: postgresql-stop, postgresql-start, azurite-stop, azurite-start (a restart keeps the port
# and the data), and stop-all. Everything started here is stopped when the script ends, however it ends.
#
# Services for running one test project by hand:
#   eval "$(./test.sh --services-only)"      # or: ./test.sh --services-only postgresql
#   dotnet test Tests/OrleansML.Providers.Tests
#   "$ORLEANSML_TEST_SERVICES/stop-all"      # stops them and deletes their data
# --services-only starts the named services (default: every one a test-services file names), prints their
# export lines on stdout (progress goes to stderr) and leaves them running.
set -uo pipefail
cd "$(dirname "$0")"
root=$PWD
results="$root/.local/test-results"

services_only=0
requested=""
if [ "${1:-}" = "--services-only" ]; then
  services_only=1; shift; requested="$*"
elif [ $# -gt 0 ]; then
  echo "usage: $0 [--services-only [SERVICE...]]" >&2; exit 2
fi

if [ "$services_only" = 1 ]; then
  log() { printf '[test.sh] %s\n' "$*" >&2; }
else
  rm -rf "$results" && mkdir -p "$results"
  log() { printf '[test.sh] %s\n' "$*"; }
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then
    apt-get update -qq >/dev/null 2>&1 || log "apt-get update failed; trying the install anyway"
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
since() { local ms=$(( $(now_ms) - $1 )); printf '%d.%02d s' $((ms / 1000)) $((ms % 1000 / 10)); }

# A port nothing listens on now. The kernel's choice (bind to 0) avoids guessing; the bash fallback probes.
free_port() {
  local py port
  py=$(command -v /usr/bin/python3 python3 2>/dev/null | head -1)
  if [ -n "$py" ] && port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null); then
    echo "$port"; return 0
  fi
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# Services live in one temp folder; the postgres user must be able to reach its part of it.
services_dir=""
services_scripts() {
  if [ -z "$services_dir" ]; then
    services_dir=$(mktemp -d "${TMPDIR:-/tmp}/orleansml-services.XXXXXX") || return 1
    chmod 755 "$services_dir"
    mkdir -p "$services_dir/bin"
    write_script stop-all <<EOF
# Stops every service test.sh started here, then deletes their data.
for stop in "$services_dir"/bin/*-stop; do [ -x "\$stop" ] && "\$stop"; done
rm -rf "$services_dir"
EOF
    export ORLEANSML_TEST_SERVICES="$services_dir/bin"
  fi
}
# write_script NAME: the script's body comes on stdin.
write_script() { { echo '#!/usr/bin/env bash'; echo 'set -uo pipefail'; cat; } >"$services_dir/bin/$1"; chmod +x "$services_dir/bin/$1"; }

stop_services() {
  [ -n "$services_dir" ] && [ -d "$services_dir" ] || return 0
  if [ "$services_only" = 0 ]; then
    mkdir -p "$results/services"
    cp "$services_dir"/*/*.log "$results/services/" 2>/dev/null || true
  fi
  "$services_dir/bin/stop-all" >/dev/null 2>&1 || log "stopping services failed; see $services_dir"
}

keep_services=0
on_exit() {
  local rc=$?
  [ "$keep_services" = 1 ] || stop_services
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

need_fashion_mnist() {
  local dir=/usr/share/datasets/fashion-mnist
  if [ ! -f "$dir/train-images-idx3-ubyte.gz" ]; then
    log "installing dataset-fashion-mnist"
    apt_install dataset-fashion-mnist || { log "could not install dataset-fashion-mnist"; return 1; }
  fi
  export ORLEANSML_FASHION_MNIST="$dir"
}

need_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    log "installing chromium"
    apt_install chromium || { log "could not install chromium"; return 1; }
  fi
  export ORLEANSML_CHROMIUM=/usr/bin/chromium
  # Playwright drives this browser through ExecutablePath; it must never download its own.
  export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
}

need_sklearn() {
  local py=/usr/bin/python3
  if ! "$py" -c 'import sklearn' 2>/dev/null; then
    log "installing python3-sklearn"
    apt_install python3-sklearn || { log "could not install python3-sklearn"; return 1; }
    "$py" -c 'import sklearn' 2>/dev/null || { log "python3-sklearn installed but $py cannot import sklearn"; return 1; }
  fi
  export ORLEANSML_SKLEARN_PYTHON="$py"
}

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

need_postgresql() {
  local started bin port dir password
  started=$(now_ms)
  bin=$(pg_bin)
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    log "installing postgresql"
    apt_install postgresql || { log "could not install postgresql"; return 1; }
    bin=$(pg_bin)
    [ -x "$bin/initdb" ] || { log "postgresql installed but no initdb under /usr/lib/postgresql/*/bin"; return 1; }
  fi
  services_scripts || return 1
  port=$(free_port) || { log "no free port for postgresql"; return 1; }
  dir="$services_dir/postgresql"
  password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
  mkdir -p "$dir/data" "$dir/socket" && chown -R postgres:postgres "$dir" && chmod 700 "$dir/data"
  # Passwords over TCP (so a wrong one is refused, as in production); trust only on the private socket.
  if ! (cd "$dir" && runuser -u postgres -- "$bin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C \
      --auth-local=trust --auth-host=scram-sha-256 --no-sync >"$dir/initdb.log" 2>&1); then
    log "initdb failed:"; tail -20 "$dir/initdb.log" >&2; return 1
  fi
  # A throwaway server: durability settings off for speed; enough connections for several silos' pools.
  write_script postgresql-start <<EOF
cd "$dir"
runuser -u postgres -- "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1 && exit 0
exec runuser -u postgres -- "$bin/pg_ctl" start -D "$dir/data" -l "$dir/postgresql.log" -w -t 60 \\
  -o "-p $port -k $dir/socket -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" >/dev/null
EOF
  write_script postgresql-stop <<EOF
cd "$dir"
runuser -u postgres -- "$bin/pg_ctl" status -D "$dir/data" >/dev/null 2>&1 || exit 0
exec runuser -u postgres -- "$bin/pg_ctl" stop -D "$dir/data" -m fast -w -t 60 >/dev/null
EOF
  if ! "$services_dir/bin/postgresql-start"; then
    log "postgresql did not start:"; tail -20 "$dir/postgresql.log" >&2; return 1
  fi
  if ! (cd "$dir" && runuser -u postgres -- "$bin/psql" -h "$dir/socket" -p "$port" -d postgres -X -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE orleansml LOGIN SUPERUSER PASSWORD '$password'" \
      -c "CREATE DATABASE orleansml OWNER orleansml" >"$dir/setup.log" 2>&1); then
    log "could not create the orleansml role and database:"; cat "$dir/setup.log" >&2; return 1
  fi
  export ORLEANSML_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=orleansml;Password=$password;Database=orleansml"
  log "postgresql $("$bin/postgres" --version | awk '{print $3}') ready on 127.0.0.1:$port in $(since "$started")"
}

azurite_version=3.35.0
# Any HTTP answer means Azurite is serving (it answers 400/403 to this anonymous request).
http_answers() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
   printf 'GET /devstoreaccount1?comp=list HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
   IFS= read -r -t 2 reply <&3 && [[ "$reply" == HTTP/* ]]) 2>/dev/null
}
need_azurite() {
  local started dir have port data
  started=$(now_ms)
  dir="$root/.local/azurite"
  have=$(cd / && node -p "require('$dir/node_modules/azurite/package.json').version" 2>/dev/null || true)
  if [ "$have" != "$azurite_version" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      log "installing nodejs and npm"
      apt_install nodejs npm || { log "could not install nodejs and npm"; return 1; }
    fi
    log "installing azurite $azurite_version into .local/azurite"
    mkdir -p "$dir"
    if ! npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "azurite@$azurite_version" >"$dir/npm.log" 2>&1; then
      log "npm install azurite@$azurite_version failed:"; tail -20 "$dir/npm.log" >&2; return 1
    fi
  fi
  services_scripts || return 1
  port=$(free_port) || { log "no free port for azurite"; return 1; }
  data="$services_dir/azurite"
  mkdir -p "$data/data"
  # setsid: a Ctrl-C in the terminal must not kill it before the trap stops it (and --services-only keeps it).
  # On disk, not in memory, so a test can restart it and find its blobs; SIGTERM lets it save its metadata.
  write_script azurite-start <<EOF
$(declare -f http_answers)
pid=\$(cat "$data/azurite.pid" 2>/dev/null) && kill -0 "\$pid" 2>/dev/null && exit 0
setsid bash -c 'echo \$\$ >"\$0"; exec "\$@"' "$data/azurite.pid" "$dir/node_modules/.bin/azurite-blob" \\
  --blobHost 127.0.0.1 --blobPort $port --location "$data/data" --skipApiVersionCheck --loose --disableTelemetry \\
  </dev/null >>"$data/azurite.log" 2>&1 &
for _ in \$(seq 1 600); do
  http_answers $port && exit 0
  sleep 0.1
  pid=\$(cat "$data/azurite.pid" 2>/dev/null) || continue
  kill -0 "\$pid" 2>/dev/null || { echo "azurite exited; see $data/azurite.log" >&2; exit 1; }
done
echo "azurite did not answer on port $port within 60 s; see $data/azurite.log" >&2
exit 1
EOF
  write_script azurite-stop <<EOF
pid=\$(cat "$data/azurite.pid" 2>/dev/null) || exit 0
kill -TERM "\$pid" 2>/dev/null || { rm -f "$data/azurite.pid"; exit 0; }
for _ in \$(seq 1 100); do kill -0 "\$pid" 2>/dev/null || break; sleep 0.1; done
kill -KILL "\$pid" 2>/dev/null || true
rm -f "$data/azurite.pid"
EOF
  if ! "$services_dir/bin/azurite-start"; then
    log "azurite did not start:"; tail -20 "$data/azurite.log" >&2; return 1
  fi
  # The account and key are Azurite's fixed, publicly documented development credentials.
  export ORLEANSML_TEST_AZURITE="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
  log "azurite $azurite_version ready on 127.0.0.1:$port in $(since "$started")"
}

projects=$(find Tests -name '*Tests.csproj' | sort)
needs=$(for p in $projects; do f="$(dirname "$p")/test-services"; [ -f "$f" ] && cat "$f"; done | sort -u)
[ -n "$requested" ] && needs=$requested
for service in $needs; do
  case "$service" in
    fashion-mnist) need_fashion_mnist ;;
    sklearn) need_sklearn ;;
    chromium) need_chromium ;;
    postgresql) need_postgresql ;;
    azurite) need_azurite ;;
    *) log "unknown service '$service' named in a test-services file"; false ;;
  esac || {
    log "service '$service' is not available"
    [ "$services_only" = 1 ] || echo "0 passed, 1 failed"
    exit 1
  }
done

if [ "$services_only" = 1 ]; then
  for name in ORLEANSML_FASHION_MNIST ORLEANSML_SKLEARN_PYTHON ORLEANSML_CHROMIUM ORLEANSML_TEST_POSTGRES ORLEANSML_TEST_AZURITE ORLEANSML_TEST_SERVICES; do
    [ -n "${!name:-}" ] && printf "export %s='%s'\n" "$name" "${!name}"
  done
  [ -n "$services_dir" ] && printf '# stop with: "%s/bin/stop-all"\n' "$services_dir"
  keep_services=1
  exit 0
fi

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
