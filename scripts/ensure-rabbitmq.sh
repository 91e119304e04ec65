#!/usr/bin/env bash
# Makes sure a RabbitMQ answers on 127.0.0.1:5672: installs Debian's rabbitmq-server (as root)
# and starts it when nothing answers. Idempotent and quiet when the broker is already up.
set -euo pipefail

port_open() { (exec 3<>/dev/tcp/127.0.0.1/5672) 2>/dev/null; }

if port_open; then exit 0; fi

if ! command -v rabbitmq-server >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then
    echo "RabbitMQ is not installed and we are not root: install rabbitmq-server, then run again." >&2
    exit 1
  fi
  echo "==> installing rabbitmq-server (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq rabbitmq-server >/dev/null
fi

if ! port_open; then
  echo "==> starting RabbitMQ"
  # The Debian package may have started it already through invoke-rc.d; if not, start detached.
  rabbitmq-server -detached >/dev/null 2>&1 || true
  for _ in $(seq 1 60); do
    if rabbitmqctl await_startup >/dev/null 2>&1 && port_open; then break; fi
    sleep 1
  done
fi

if ! port_open; then
  echo "RabbitMQ did not come up on 127.0.0.1:5672" >&2
  exit 1
fi
echo "==> RabbitMQ is answering on 127.0.0.1:5672"
