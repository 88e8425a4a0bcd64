#!/usr/bin/env bash
# The operator CLI against the real daemon: every command in text and JSON,
# log-level changes, errors, and bad requests that must not disturb the daemon.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

sg_netns_up
# A DTLS certificate from the config (whep.cert_file/key_file) instead of a generated one.
openssl ecparam -name prime256v1 -genkey -noout -out "$SG_TMP/dtls-key.pem"
openssl req -new -x509 -key "$SG_TMP/dtls-key.pem" -out "$SG_TMP/dtls-cert.pem" -days 2 -subj /CN=sg-test 2>/dev/null
sg_config "whep:
  cert_file: $SG_TMP/dtls-cert.pem
  key_file: $SG_TMP/dtls-key.pem"
sg_daemon_start
want=$(openssl x509 -in "$SG_TMP/dtls-cert.pem" -noout -fingerprint -sha256 | sed 's/.*=//')
got=$(sgctl --json whep | sg_json "j['fingerprint']")
[ "$got" = "sha-256 $want" ] || sg_fail "DTLS fingerprint '$got' is not the configured certificate's ($want)"
grep -q "BEGIN" "$SG_TMP/daemon.log" && sg_fail "key material in the log"

for c in status ports lcores stats config help; do
  out=$(sgctl $c) || sg_fail "'$c' failed"
  [ -n "$out" ] || sg_fail "'$c' printed nothing"
  sgctl --json $c | python3 -c 'import json,sys; json.load(sys.stdin)' || sg_fail "'$c --json' is not JSON"
done
sgctl status | grep -qE '^mbufs_in_use' || sg_fail "status lacks mbufs_in_use: $(sgctl status)"
sgctl ports | grep -q "net_af_packet" || sg_fail "ports does not show the af_packet driver"
[ "$(sgctl --json ports | sg_json "j['ports'][0]['ipv4']")" = "$SG_DATA_IP/24" ] || sg_fail "ports: wrong ipv4"
[ "$(sgctl --json lcores | sg_json "len(j['lcores'])")" = 2 ] || sg_fail "lcores: expected main + 1 worker"
sgctl config | grep -q "sg-nic" || sg_fail "config does not show the port device"

sgctl log-level debug | grep -q debug || sg_fail "log-level debug"
[ "$(sgctl --json status | sg_json "j['log_level']")" = debug ] || sg_fail "log level not applied"
sgctl log-level notice >/dev/null

set +e
sgctl log-level loud 2>"$SG_TMP/err"; rc=$?
set -e
[ $rc -eq 1 ] || sg_fail "bad log level: exit $rc, expected 1"
grep -q "unknown log level 'loud'" "$SG_TMP/err" || sg_fail "bad log level message: $(cat "$SG_TMP/err")"
set +e
sgctl nosuch 2>"$SG_TMP/err"; rc=$?
"$SG_BUILD/app/streamgatectl/streamgatectl" -s "$SG_TMP/nope.sock" status 2>"$SG_TMP/err2"; rc2=$?
set -e
[ $rc -eq 1 ] && grep -q "unknown command" "$SG_TMP/err" || sg_fail "unknown command: exit $rc $(cat "$SG_TMP/err")"
[ $rc2 -eq 2 ] && grep -q "cannot connect" "$SG_TMP/err2" || sg_fail "no daemon: exit $rc2 $(cat "$SG_TMP/err2")"

python3 "$(dirname "$0")/ctl_abuse.py" "$SG_CTL" || sg_fail "bad-request checks"
kill -0 "$SG_DAEMON_PID" || sg_fail "daemon died"
[ "$(stat -c %a "$SG_CTL")" = 660 ] || sg_fail "socket mode is $(stat -c %a "$SG_CTL"), expected 660"

sg_daemon_stop || sg_fail "daemon exited non-zero"
[ ! -e "$SG_CTL" ] || sg_fail "socket not removed at exit"
sg_log PASS
