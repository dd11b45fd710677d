# Source this file: it starts a throwaway PostgreSQL server on a free localhost port and
# exports TOPIC_TAGGER_TEST_DATABASE_URL for the tests; the server stops when the shell exits.
# Installs Debian's postgresql package first if the machine has no server binaries.

pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
pg_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_dir=$(mktemp -d /tmp/topic-tagger-pg.XXXXXX)
pg_user=postgres
run_pg() { if [ "$(id -u)" = 0 ]; then runuser -u "$pg_user" -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown "$pg_user" "$pg_dir"
run_pg "$pg_bin/initdb" -D "$pg_dir/data" -U tagger --auth=trust -E UTF8 >/dev/null
run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/log" -w \
    -o "-p $pg_port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=on" start >/dev/null
run_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U tagger tagger_test
export TOPIC_TAGGER_TEST_DATABASE_URL="postgresql://tagger@127.0.0.1:$pg_port/tagger_test"
trap 'run_pg "$pg_bin/pg_ctl" -D "$pg_dir/data" -m fast stop >/dev/null; rm -rf "$pg_dir"' EXIT
echo "PostgreSQL for the tests: $TOPIC_TAGGER_TEST_DATABASE_URL"
