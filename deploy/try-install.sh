#!/usr/bin/env bash
# Follow docs/operations.md ("Production on a Debian server") step by step on a fresh Debian
# root, to show the instructions still work: packages, database, Redis, the code, the
# environment file, migrate, collectstatic, the deploy check, the first administrator, two
# application servers, a worker, nginx with TLS, then requests through nginx and a backup.
#
#   sudo deploy/try-install.sh ROOT      (ROOT made with: debootstrap bookworm ROOT)
#
# Packages and Python wheels are fetched over the network; the services then run in a network
# namespace of their own (loopback only), so they meet nothing of the host's. systemd does not
# run in a chroot: each unit's ExecStart line from deploy/ is run as the unit would run it.
set -euo pipefail
ROOT=$(realpath "$1")
HERE=$(cd "$(dirname "$0")/.." && pwd)
HOST=lianyun.example.gov.cn
in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
step() { printf '\n== %s\n' "$*"; }

# Services left running by an earlier try in this root are stopped first.
for proc in /proc/[0-9]*; do
  [ "$(readlink "$proc/root" 2>/dev/null)" = "$ROOT" ] && kill "${proc#/proc/}" 2>/dev/null || true
done
sleep 1
mount -t proc proc "$ROOT/proc" 2>/dev/null || true
mount --bind /dev "$ROOT/dev" 2>/dev/null || true
trap 'umount "$ROOT/proc" "$ROOT/dev" 2>/dev/null || true' EXIT
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

step "1. packages"
in_root apt-get update -qq
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
  postgresql redis-server nginx python3-venv python3-dev gcc openssl curl >/dev/null
# A network that re-signs TLS (a county's inspecting proxy) is trusted the way the host trusts
# it: the host's own CA certificates are installed in the root too.
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ca-certificates >/dev/null
  cp /usr/local/share/ca-certificates/*.crt "$ROOT/usr/local/share/ca-certificates/"
  in_root update-ca-certificates >/dev/null
fi
# The installer picks the next free port when 5432 is taken, as it is by the host's own
# PostgreSQL while packages install here; on a server of its own it is 5432.
in_root sh -c 'sed -i "s/^port = .*/port = 5432/" /etc/postgresql/*/main/postgresql.conf'
in_root id lianyun >/dev/null 2>&1 || in_root adduser --system --group --home /var/lib/lianyun lianyun

step "3. the code in /opt/lianyun"
rm -rf "$ROOT/opt/lianyun" && mkdir -p "$ROOT/opt/lianyun"
git -C "$HERE" ls-files -z --cached --others --exclude-standard | tar -C "$HERE" --null -T - -c | tar -x -C "$ROOT/opt/lianyun"
in_root sh -c 'cd /opt/lianyun && python3 -m venv .venv && .venv/bin/pip install -q -e .'

step "4. /etc/lianyun/lianyun.env"
key() { in_root python3 -c "import os,base64;print('1:'+base64.b64encode(os.urandom(32)).decode())"; }
mkdir -p "$ROOT/etc/lianyun"
cat > "$ROOT/etc/lianyun/lianyun.env" <<EOF
LIANYUN_ENV=production
LIANYUN_SECRET_KEY=$(in_root python3 -c "import secrets;print(secrets.token_urlsafe(50))")
LIANYUN_DATA_KEYS=$(key)
LIANYUN_INDEX_KEY=$(in_root python3 -c "import os,base64;print(base64.b64encode(os.urandom(32)).decode())")
LIANYUN_BACKUP_KEYS=$(key)
LIANYUN_PUBLICATION_KEYS=$(key)
LIANYUN_ALLOWED_HOSTS=$HOST
LIANYUN_CSRF_TRUSTED_ORIGINS=https://$HOST
LIANYUN_PUBLIC_URL=https://$HOST
LIANYUN_DATA_DIR=/var/lib/lianyun
DATABASE_URL=postgres://lianyun@/lianyun
REDIS_URL=redis://127.0.0.1:6379/0
EOF
chmod 0600 "$ROOT/etc/lianyun/lianyun.env"
in_root chown root:lianyun /etc/lianyun/lianyun.env

# From here on, nothing needs the network: the rest runs with loopback only.
cat > "$ROOT/root/services.sh" <<'SERVICES'
set -euo pipefail
step() { printf '\n== %s\n' "$*"; }
as_lianyun() { runuser -u lianyun -- env $(grep -v '^#' /etc/lianyun/lianyun.env | xargs) "$@"; }
cd /opt/lianyun
step "2. database and Redis"
pg_ctlcluster "$(ls /etc/postgresql)" main start
runuser -u postgres -- dropdb --if-exists lianyun  # an earlier try's, if any
runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'lianyun'" | grep -q 1 ||
  runuser -u postgres -- createuser lianyun
runuser -u postgres -- createdb -O lianyun lianyun
sed -i 's/^# *maxmemory-policy .*/maxmemory-policy noeviction/; s/^appendonly no/appendonly yes/' /etc/redis/redis.conf
redis-server /etc/redis/redis.conf --daemonize yes --dir /var/lib/redis
for _ in $(seq 30); do redis-cli ping >/dev/null 2>&1 && break; sleep 1; done

step "5. migrate, collectstatic, the deploy check, the first administrator"
as_lianyun .venv/bin/lianyun migrate -v0
as_lianyun .venv/bin/lianyun collectstatic --noinput -v0
as_lianyun .venv/bin/lianyun check --deploy --fail-level WARNING
printf '统计用区划代码,名称\n511923000000,平昌县\n511923103000,佛楼镇\n511923103201,石龙村\n' \
  | iconv -f utf-8 -t gbk > /tmp/regions.csv
printf '平昌县民政局\n' > /tmp/departments.txt
as_lianyun .venv/bin/lianyun import_regions /tmp/regions.csv --departments /tmp/departments.txt
as_lianyun .venv/bin/lianyun create_account admin --role administrator --region 511923000000 \
  --password "$(openssl rand -base64 18)" | head -1

step "6. two application servers and two workers (the units' ExecStart lines)"
for port in 8001 8002; do
  as_lianyun LIANYUN_BIND=127.0.0.1:$port .venv/bin/gunicorn -c deploy/gunicorn.conf.py \
    config.wsgi:application --daemon
done
as_lianyun .venv/bin/lianyun run_huey --workers 2 --worker-type thread > /var/log/lianyun-worker-1.log 2>&1 &
as_lianyun .venv/bin/lianyun run_huey --workers 2 --worker-type thread --no-periodic > /var/log/lianyun-worker-2.log 2>&1 &

step "7. nginx with the site file and a certificate"
mkdir -p /etc/ssl/lianyun
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=lianyun.example.gov.cn" \
  -keyout /etc/ssl/lianyun/privkey.pem -out /etc/ssl/lianyun/fullchain.pem 2>/dev/null
cp deploy/nginx-lianyun.conf /etc/nginx/sites-available/lianyun
ln -sf /etc/nginx/sites-available/lianyun /etc/nginx/sites-enabled/lianyun
rm -f /etc/nginx/sites-enabled/default
nginx -t
nginx

step "requests through nginx"
get() { curl -sk --resolve lianyun.example.gov.cn:443:127.0.0.1 -o /dev/null -w '%{http_code}' "https://lianyun.example.gov.cn$1"; }
for _ in $(seq 30); do [ "$(get /healthz)" = 200 ] && break; sleep 1; done
curl -sk --resolve lianyun.example.gov.cn:443:127.0.0.1 https://lianyun.example.gov.cn/healthz; echo
[ "$(get /healthz)" = 200 ]
for path in / /policies/ /payouts/boards/511923103201/ /accounts/login/ /static/css/app.css \
  /publications/keys.json; do
  code=$(get "$path"); echo "$path $code"; [ "$code" = 200 ]
done
[ "$(get /media/anything)" = 404 ]
[ "$(curl -s -o /dev/null -w '%{http_code}' --resolve lianyun.example.gov.cn:80:127.0.0.1 http://lianyun.example.gov.cn/)" = 301 ]

step "backups (the timer's command)"
mkdir -p /var/backups/lianyun && chown lianyun /var/backups/lianyun
rm -f /var/backups/lianyun/first.lybackup  # an earlier try's
as_lianyun .venv/bin/lianyun backup /var/backups/lianyun/first.lybackup
as_lianyun .venv/bin/lianyun verify_publications
echo "docs/operations.md followed: every step passed"
SERVICES
unshare --net sh -c "ip link set lo up && chroot '$ROOT' /usr/bin/env -i \
  PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 bash /root/services.sh"
