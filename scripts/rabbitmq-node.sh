#!/usr/bin/env bash
# Starts a private RabbitMQ node for tests that restart the broker, isolated from the shared
# one: its own name, port, data directory and config file.
#   rabbitmq-node.sh start DIR NAME PORT   (distribution port = PORT + 20000)
# Stop it with: rabbitmqctl -n NAME@localhost stop
set -euo pipefail
[ "$1" = start ] || { echo "usage: $0 start DIR NAME PORT" >&2; exit 2; }
dir=$2; name=$3; port=$4
for program in rabbitmq-server rabbitmqctl; do
  command -v "$program" >/dev/null 2>&1 || PATH="$PATH:/usr/sbin:/sbin" command -v "$program" >/dev/null 2>&1 || {
    echo "$program is not installed: run 'bash scripts/test.sh' (it installs it) or 'apt-get install rabbitmq-server'" >&2
    exit 127
  }
done
export PATH="$PATH:/usr/sbin:/sbin"
rm -rf "$dir"; mkdir -p "$dir"/{mnesia,log}
echo "[]." > "$dir/enabled_plugins"
printf 'listeners.tcp.local = 127.0.0.1:%s\nloopback_users = none\n' "$port" > "$dir/rabbitmq.conf"
printf 'ERL_EPMD_ADDRESS=127.0.0.1\n' > "$dir/env.conf"
# The server drops privileges to the rabbitmq user.
chown -R rabbitmq:rabbitmq "$dir" 2>/dev/null || true
export RABBITMQ_NODENAME="$name@localhost" RABBITMQ_NODE_PORT="$port" RABBITMQ_DIST_PORT=$((port + 20000)) \
  RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_FEATURE_FLAGS_FILE="$dir/feature_flags" \
  RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PLUGINS_EXPAND_DIR="$dir/plugins" \
  RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" RABBITMQ_CONF_ENV_FILE="$dir/env.conf" RABBITMQ_PID_FILE="$dir/pid"
setsid rabbitmq-server > "$dir/server.out" 2>&1 < /dev/null &
for _ in $(seq 1 240); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then exit 0; fi
  sleep 0.5
done
echo "node $name did not open port $port in 120 s; see $dir/server.out" >&2
exit 1
