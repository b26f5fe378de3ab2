#!/usr/bin/env bash
# Writes server/hot.order: the functions of the release binary that run in the load
# benchmark (`load --smoke`: starts, tools/list, every case's calls), as the linker
# names them, for server/build.rs to place together. Run it when the code a call runs
# has changed much (a new dependency, a reshaped call path), then the benchmark to see
# the resident memory it gives. Needs valgrind (callgrind); takes a release build and a minute.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v valgrind >/dev/null || { echo "hot-order.sh needs valgrind: apt-get install valgrind" >&2; exit 1; }

# Names come from the release binary's symbol table (the release profile keeps it). They
# carry hashes of each crate's features, so the server is built as `cargo build --release`
# and `cargo run --release` build it, alone: built together with the tests crate, its
# dependencies would have that crate's features too, and other names.
cargo build --release --locked -p backlog-mcp
cargo build --release --locked -p backlog-mcp-tests --bins

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
LOAD_WRAP="valgrind --tool=callgrind --demangle=no --compress-strings=no --compress-pos=no --callgrind-out-file=$out/callgrind.%p" \
  target/release/load --smoke

# A callgrind file names each function that ran (`fn=`) after the object it is in
# (`ob=`); `'2` marks a recursive call, and a function without a symbol is an address.
{
  echo "# Made by tests/bench/hot-order.sh on $(date -u +%F) from $(git rev-parse --short HEAD): see server/build.rs."
  awk '/^ob=/ { ours = ($0 ~ /\/backlog-mcp$/) }
       /^fn=/ && ours { name = substr($0, 4); sub(/\x27[0-9]+$/, "", name); if (name !~ /^(\(|0x)/) print name }' \
    "$out"/callgrind.* | LC_ALL=C sort -u
} > server/hot.order
echo "server/hot.order: $(grep -vc '^#' server/hot.order) functions"
