#!/usr/bin/env bash
# Starts a single-node Garage S3 server for the tests, with a fixed test key and bucket.
#   garage.sh start DIR S3_PORT RPC_PORT     (returns once the S3 API answers)
# Key GK0123456789abcdef01234567 / secret 0123…ef (64 hex), bucket esr1-test, region garage.
set -euo pipefail
[ "${1:-}" = start ] || { echo "usage: $0 start DIR S3_PORT RPC_PORT" >&2; exit 2; }
dir=$2; s3_port=$3; rpc_port=$4
GARAGE=${GARAGE:-$(command -v garage || echo "$HOME/.cargo/bin/garage")}
mkdir -p "$dir/meta" "$dir/data"
cat > "$dir/garage.toml" <<TOML
metadata_dir = "$dir/meta"
data_dir = "$dir/data"
db_engine = "sqlite"
replication_factor = 1
rpc_bind_addr = "127.0.0.1:$rpc_port"
rpc_public_addr = "127.0.0.1:$rpc_port"
rpc_secret = "4425f5c26c5e11581d3223904324dcb5b5d5dfb14e5e7f35e38c595424f5f1e6"

[s3_api]
s3_region = "garage"
api_bind_addr = "127.0.0.1:$s3_port"
root_domain = ".s3.garage.localhost"
TOML
chmod 600 "$dir/garage.toml"
export GARAGE_DEFAULT_ACCESS_KEY=GK0123456789abcdef01234567
export GARAGE_DEFAULT_SECRET_KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
export GARAGE_DEFAULT_BUCKET=esr1-test
setsid "$GARAGE" -c "$dir/garage.toml" server --single-node --default-bucket > "$dir/server.log" 2>&1 < /dev/null &
echo $! > "$dir/pid"
for _ in $(seq 1 120); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$s3_port") 2>/dev/null; then exit 0; fi
  if ! kill -0 "$(cat "$dir/pid")" 2>/dev/null; then
    echo "garage exited; see $dir/server.log:" >&2; tail -20 "$dir/server.log" >&2; exit 1
  fi
  sleep 0.5
done
echo "garage did not open port $s3_port in 60 s; see $dir/server.log" >&2
exit 1
