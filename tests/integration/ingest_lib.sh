#!/usr/bin/env bash
# Helpers of the RTSP ingest tests (source after lib.sh).

SG_PY=/usr/bin/python3   # Debian's python: GStreamer's GI bindings live there
SG_CAM_PID=

# sg_cam_start ARGS...: the GStreamer test camera in the client namespace (rtsp_camera.py).
sg_cam_start() {
  ip netns exec "$SG_CLI_NS" $SG_PY "$SG_ROOT/tests/integration/rtsp_camera.py" --addr $SG_CLI_IP "$@" \
    > "$SG_TMP/cam.log" 2>&1 &
  SG_CAM_PID=$!
  SG_PIDS+=($SG_CAM_PID)
  for _ in $(seq 100); do
    grep -q READY "$SG_TMP/cam.log" 2>/dev/null && return 0
    kill -0 $SG_CAM_PID 2>/dev/null || { cat "$SG_TMP/cam.log" >&2; sg_fail "camera exited"; }
    sleep 0.1
  done
  sg_fail "camera did not start"
}

sg_cam_stop() { kill -TERM "$SG_CAM_PID" 2>/dev/null || true; wait "$SG_CAM_PID" 2>/dev/null || true; }

# sg_path NAME FIELD: a column of `streamgatectl paths --json`.
sg_path() { sgctl --json paths | sg_json "[r['$2'] for r in j['paths'] if r['name']=='$1'][0]"; }

# sg_snap: take a snapshot of `streamgatectl streams --json` for sg_stream.
sg_snap() { sgctl --json streams > "$SG_TMP/streams.json"; }
# sg_stream PATH MEDIA FIELD: a column of the last snapshot ('' when absent).
sg_stream() {
  sg_json "([r['$3'] for r in j['streams'] if r['path']=='$1' and r['media']=='$2'] or [''])[0]" < "$SG_TMP/streams.json"
}

# sg_wait_path NAME STATE SECONDS
sg_wait_path() {
  local st
  for _ in $(seq $(( $3 * 10 ))); do
    st=$(sg_path "$1" state)
    [ "$st" = "$2" ] && return 0
    sleep 0.1
  done
  sgctl paths >&2
  sg_fail "path $1 not $2 within $3 s (state $st)"
}

# sg_check DESCRIPTION PYTHON-CONDITION (values interpolated by the caller)
sg_check() {
  if python3 -c "import sys; sys.exit(0 if ($2) else 1)"; then sg_log "ok: $1"; else sgctl streams >&2; sg_fail "$1: $2"; fi
}

# sg_pycheck: run python checks from stdin over fresh snapshots of `streams`
# and `paths` (S[(path, media)] and P[path] are rows; check(desc, cond)).
sg_pycheck() {
  sgctl --json streams > "$SG_TMP/streams.json"
  sgctl --json paths > "$SG_TMP/paths.json"
  { cat <<'PY'
import json, sys
S = {(r["path"], r["media"]): r for r in json.load(open(sys.argv[1]))["streams"]}
P = {r["name"]: r for r in json.load(open(sys.argv[2]))["paths"]}
fails = []
def check(desc, cond):
    print(("    ok: " if cond else "    FAIL: ") + desc, flush=True)
    if not cond:
        fails.append(desc)
PY
    cat
    echo 'sys.exit(1 if fails else 0)'
  } > "$SG_TMP/check.py"
  python3 "$SG_TMP/check.py" "$SG_TMP/streams.json" "$SG_TMP/paths.json" || { sgctl paths >&2; sgctl streams >&2; sg_fail "checks failed"; }
}
