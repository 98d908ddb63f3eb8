# bench/lib.sh — what the benchmark scripts share: stopping processes,
# waiting for a URL, and nginx serving a 2 KB file as the ceiling to compare
# with. Sourced by bench/run.sh and bench/records.sh; expects die().

stop_pid() { # pid: TERM, wait up to 5 s, then KILL
	local pid=$1 i
	[ -n "$pid" ] || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 50; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
}

wait_http() { # url pid seconds: until the URL answers 200
	local url=$1 pid=$2 n=$(($3 * 10)) i
	for ((i = 0; i < n; i++)); do
		kill -0 "$pid" 2>/dev/null || return 1
		[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url")" = 200 ] && return 0
		sleep 0.1
	done
	return 1
}

# start_nginx DIR PORT: nginx (binary $NGINX) on 127.0.0.1:PORT with its own
# prefix, pid file and logs under DIR, serving DIR/www/2k.css; sets
# NGINX_PID and NGINX_URL.
start_nginx() {
	local dir=$1 port=$2
	mkdir -p "$dir/www" "$dir/tmp"
	chmod 0755 "$dir" "$dir/www" # workers may run as nobody
	awk 'BEGIN { for (i = 0; i < 2048; i++) printf "%c", (i % 64 == 63 ? 10 : 97 + i % 26) }' >"$dir/www/2k.css"
	chmod 0644 "$dir/www/2k.css"
	cat >"$dir/nginx.conf" <<CONF
worker_processes auto;
daemon off;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 1024; }
http {
    types { text/css css; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    client_body_temp_path $dir/tmp/body;
    proxy_temp_path $dir/tmp/proxy;
    fastcgi_temp_path $dir/tmp/fastcgi;
    uwsgi_temp_path $dir/tmp/uwsgi;
    scgi_temp_path $dir/tmp/scgi;
    server {
        listen 127.0.0.1:$port;
        root $dir/www;
    }
}
CONF
	"$NGINX" -t -q -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" || die "nginx rejected its config ($dir/nginx.conf)"
	"$NGINX" -c "$dir/nginx.conf" -p "$dir" -e "$dir/error.log" &
	NGINX_PID=$!
	NGINX_URL=http://127.0.0.1:$port/2k.css
}
