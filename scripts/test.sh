#!/usr/bin/env bash
# The whole test suite, on a fresh machine of this kind: installs what the tests need (PostgreSQL from
# Debian's packages, Chromium for the browser tests, maildev from npm for the real-SMTP tests), starts PostgreSQL
# and maildev as plain processes on 127.0.0.1, runs every test project, stops them again.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Intake]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/.tmp/test"
mkdir -p "$work"

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- PostgreSQL -------------------------------------------------------------------------------
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/postgres" ]; then
  echo "== installing PostgreSQL (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq postgresql >/dev/null
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
pg_port=${VOC_TEST_PG_PORT:-55432}
pg_data="$work/pgdata"
pg_user=$(id -un)
run_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" -eq 0 ]; then pg_user=postgres; chown postgres "$work"; fi

stop_pg() { run_pg "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true; }
maildev_pid=""
stop_maildev() { if [ -n "$maildev_pid" ]; then kill "$maildev_pid" 2>/dev/null || true; wait "$maildev_pid" 2>/dev/null || true; fi; }
cleanup() { stop_maildev; stop_pg; }
trap cleanup EXIT
stop_pg
rm -rf "$pg_data"
run_pg "$pg_bin/initdb" -D "$pg_data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
echo "== starting PostgreSQL on 127.0.0.1:$pg_port"
run_pg "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/postgres.log" -w -t 60 \
  -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
export VOC_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres;Include Error Detail=true"

# --- Chromium (for tests/VoiceOfCustomer.BrowserTests; Playwright cannot download browsers here) ------------
if [ ! -x /usr/bin/chromium ]; then
  echo "== installing Chromium (Debian package)"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium >/dev/null
fi

# --- maildev (a real SMTP server with an HTTP API, for tests/VoiceOfCustomer.IntegrationTests/Email) ---------
maildev_dir="$root/.tools/maildev"
maildev_bin="$maildev_dir/node_modules/.bin/maildev"
if [ ! -x "$maildev_bin" ]; then
  echo "== installing maildev 2.2.1 (npm) into .tools/maildev"
  npm install --prefix "$maildev_dir" maildev@2.2.1 --no-audit --no-fund >/dev/null
fi
smtp_port=${VOC_TEST_SMTP_PORT:-51025}
maildev_port=${VOC_TEST_MAILDEV_PORT:-51080}
echo "== starting maildev: SMTP 127.0.0.1:$smtp_port, API http://127.0.0.1:$maildev_port"
"$maildev_bin" --ip 127.0.0.1 --smtp "$smtp_port" --web "$maildev_port" --web-ip 127.0.0.1 --silent >"$work/maildev.log" 2>&1 &
maildev_pid=$!
for _ in $(seq 1 60); do
  if curl -fsS "http://127.0.0.1:$maildev_port/email" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$maildev_pid" 2>/dev/null; then echo "maildev did not start:"; cat "$work/maildev.log"; exit 1; fi
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$maildev_port/email" >/dev/null || { echo "maildev does not answer on port $maildev_port"; cat "$work/maildev.log"; exit 1; }
export VOC_TEST_SMTP_PORT=$smtp_port
export VOC_TEST_MAILDEV_URL="http://127.0.0.1:$maildev_port"
export VOC_TEST_MAILDEV_BIN="$maildev_bin"

# --- SQL Server (no engine can run here; the suites run on one that VOC_TEST_SQLSERVER names) ----------
if [ -n "${VOC_TEST_SQLSERVER:-}" ]; then
  echo "== SQL Server: the provider suites also run on the server VOC_TEST_SQLSERVER names"
else
  echo "== SQL Server: VOC_TEST_SQLSERVER is not set; the SQL Server members of the provider suites are reported as skipped"
fi

# --- the suite --------------------------------------------------------------------------------
echo "== building"
dotnet build VoiceOfCustomer.sln -c Release -nologo -v:q
echo "== testing"
# Hundreds of app hosts start and stop in one run, each watching its settings files; the machine allows 128 inotify
# instances per user, so configuration and file providers poll instead of watching.
export DOTNET_USE_POLLING_FILE_WATCHER=1
# One project after another: on two cores, browser journeys running beside the integration tests can miss their
# timeouts, and a test that fails for want of CPU proves nothing.
: > "$work/dotnet-test.log"
status=0
set +e
for project in tests/VoiceOfCustomer.UnitTests tests/VoiceOfCustomer.IntegrationTests tests/VoiceOfCustomer.BrowserTests; do
  dotnet test "$project" -c Release --no-build -nologo "$@" 2>&1 | tee -a "$work/dotnet-test.log"
  [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
done
set -e
# One plain closing line for CI: totals over every test project.
awk '/(Passed|Failed)!/ { for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$work/dotnet-test.log"
exit "$status"
