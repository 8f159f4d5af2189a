#!/usr/bin/env bash
# Installs duet natively under systemd (run as root, from the repository):
#   /usr/local/bin/duet-server                  the binary (built here first)
#   /etc/duet/cache.conf, /etc/duet/queue.conf  from deploy/ (an existing file is kept; the
#                                               new one is put beside it as *.conf.new)
#   /etc/duet/duet.env                          DUET_CACHE_PASSWORD, DUET_QUEUE_PASSWORD
#                                               (root 0600; missing ones generated)
#   /etc/duet/cache.secret, queue.secret        requirepass "<password>" (root 0600), what
#                                               the units hand the servers on stdin
#   /etc/systemd/system/duet@.service           the unit template (deploy/systemd)
#   /usr/local/share/doc/duet/deploy.md
#   user and group "duet"; data in /var/lib/duet/<instance> (systemd's StateDirectory)
# then enables and starts duet@cache and duet@queue when systemd runs.
#
# Usage: sudo bash scripts/install-native.sh [--no-build] [--no-start] [--root DIR]
#   --root DIR   install under DIR instead of / (no user, no systemctl; for tests and
#                image builds)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/kit-common.sh
source scripts/kit-common.sh

build=1
start=1
root=""
while (($#)); do
  case "$1" in
    --no-build) build=0; shift ;;
    --no-start) start=0; shift ;;
    --root) root="${2%/}"; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) kit_die "unexpected argument: $1 (see --help)" ;;
  esac
done
[ -n "$root" ] || [ "$(id -u)" = 0 ] || kit_die "run as root (sudo), or with --root DIR"
log() { echo "install-native: $*"; }

if [ "$build" = 1 ]; then
  bash scripts/install-deps.sh
  bash scripts/build.sh release
fi
[ -x build/release/duet-server ] || kit_die "no build/release/duet-server (drop --no-build)"

if [ -z "$root" ] && ! getent passwd duet >/dev/null; then
  useradd --system --user-group --home-dir /var/lib/duet --no-create-home \
    --shell /usr/sbin/nologin duet
  log "created the system user duet"
fi

install -d -m 0755 "$root/usr/local/bin" "$root/etc/duet" "$root/etc/systemd/system" \
  "$root/usr/local/share/doc/duet"
install -m 0755 build/release/duet-server "$root/usr/local/bin/duet-server.new"
mv "$root/usr/local/bin/duet-server.new" "$root/usr/local/bin/duet-server"
for name in cache queue; do
  if [ -e "$root/etc/duet/$name.conf" ] && ! cmp -s "deploy/$name.conf" "$root/etc/duet/$name.conf"; then
    install -m 0644 "deploy/$name.conf" "$root/etc/duet/$name.conf.new"
    log "kept your /etc/duet/$name.conf; the shipped one is /etc/duet/$name.conf.new"
  else
    install -m 0644 "deploy/$name.conf" "$root/etc/duet/$name.conf"
  fi
done
install -m 0644 deploy/systemd/duet@.service "$root/etc/systemd/system/duet@.service"
install -m 0644 docs/deploy.md "$root/usr/local/share/doc/duet/deploy.md"

# Passwords: duet.env is the operator's copy (scripts/status.sh --env-file /etc/duet/duet.env),
# the .secret files are what the units read.
DUET_ENV_FILE="$root/etc/duet/duet.env"
unset DUET_CACHE_PASSWORD DUET_QUEUE_PASSWORD REDIS_CACHE_PASSWORD REDIS_QUEUE_PASSWORD
kit_ensure_passwords
chmod 600 "$DUET_ENV_FILE"
for name in cache queue; do
  (umask 077; kit_requirepass_line "$(kit_password "$name")" > "$root/etc/duet/$name.secret.new")
  mv "$root/etc/duet/$name.secret.new" "$root/etc/duet/$name.secret"
done

if [ -n "$root" ]; then
  log "installed under $root"
  exit 0
fi
if [ ! -d /run/systemd/system ]; then
  log "installed; systemd is not running here: start the instances with"
  log "  systemctl enable --now duet@cache duet@queue   (on a systemd host)"
  exit 0
fi
systemctl daemon-reload
if [ "$start" = 1 ]; then
  systemctl enable duet@cache duet@queue
  systemctl restart duet@cache duet@queue
  log "started: systemctl status duet@cache duet@queue; journalctl -u duet@queue"
else
  log "installed: systemctl enable --now duet@cache duet@queue"
fi
