#!/usr/bin/env bash
# Renders under faults: killed (SIGKILL at any moment, SIGINT while
# training), run twice at once, denied the output folder, out of disk space.
# Whatever happens, OUT/ID holds either the earlier set or a complete new
# one, its manifest describes the files beside it (sizes and SHA-256), the
# failure is a located `error:` line, and leftovers of dead renders are swept
# by the next render (those of live ones are not).
# usage: bash tests/e2e_faults.sh PATH_TO_MLANIM BINARY_DIR   (cwd = repo root)
set -u
mlanim=$1
bindir=$2
scene=bench/gd-line.yaml     # one frame per step: 201 frames
id=gd-line
names="$id.gif $id.mp4 $id.png manifest.json"   # a complete set, as `ls -A` lists it

work=$(mktemp -d "$bindir/e2e-faults.XXXXXX") || { echo "FAIL setup: cannot make a scratch folder in $bindir"; exit 1; }
work=$(cd "$work" && pwd)
running=""      # PIDs of renders we started and have not reaped yet
mnt=""          # the tmpfs of case 5 while it is mounted
cleanup() {
    local p
    for p in $running; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    [ -n "$mnt" ] && umount "$mnt" 2>/dev/null
    chmod -R u+rwx "$work" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

passed=0 failed=0 skipped=0
reasons=""
fail() { reasons="${reasons:+$reasons; }$*"; }
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
begin_case() { case_name=$1; reasons=""; case_t0=$(now); }
end_case() {    # [extra detail for the timing line]
    local t; t=$(elapsed "$case_t0")
    if [ -z "$reasons" ]; then passed=$((passed + 1)); echo "ok $case_name"
    else failed=$((failed + 1)); echo "FAIL $case_name: $reasons"; fi
    echo "# $case_name: $t s${1:+, $1}"
}
start() { running="$running $1"; }
reaped() { running=$(echo "$running" | tr ' ' '\n' | grep -vx "$1" | tr '\n' ' '); }

# A plain command, not a function: started with &, $! is mlanim itself, so
# the signals below reach it and not a subshell.
render=("$mlanim" render -q -j 2)

# "NAME SHA256" for every entry of a folder, hidden ones included (a folder
# entry shows as "NAME dir").
hashes() {
    local f
    (cd "$1" 2>/dev/null && for f in $(ls -A); do
        if [ -f "$f" ]; then echo "$f $(sha256sum < "$f" | cut -c1-64)"; else echo "$f dir"; fi
    done)
}
listing() { ls -A "$1" 2>/dev/null | tr '\n' ' ' | sed 's/ $//'; }
stages() { ls -A "$1" 2>/dev/null | grep '^\.mlanim-stage-' | tr '\n' ' ' | sed 's/ $//'; }

# Prints nothing when the manifest of a scene folder lists every file beside
# it with the right size and SHA-256 (and nothing else), else what is wrong.
manifest_check() {
    python3 - "$1" <<'EOF' 2>&1
import hashlib, json, os, sys
d = sys.argv[1]
try:
    m = json.load(open(os.path.join(d, "manifest.json")))
except Exception as e:
    sys.exit(print("manifest.json unreadable: %s" % e))
listed = set()
for o in m.get("outputs", []):
    f = o["file"]
    listed.add(f)
    p = os.path.join(d, f)
    if not os.path.isfile(p):
        print("%s is listed but missing" % f)
        continue
    data = open(p, "rb").read()
    if len(data) != o["bytes"]:
        print("%s has %d bytes, the manifest says %d" % (f, len(data), o["bytes"]))
    if hashlib.sha256(data).hexdigest() != o["sha256"]:
        print("%s does not have the manifest's sha256" % f)
for f in sorted(os.listdir(d)):
    if f != "manifest.json" and f not in listed:
        print("%s is not in the manifest" % f)
EOF
}

command -v python3 > /dev/null || { echo "FAIL setup: python3 is needed to read manifests"; exit 1; }

# References: the set at --scale 0.3 (the "earlier" outputs of most cases)
# and at 0.5 (the killed and concurrent renders' new bytes). Rendering is
# deterministic, so a complete new set is exactly the reference.
t=$(now)
"${render[@]}" --scale 0.3 -o "$work/ref3" "$scene" || { echo "FAIL setup: first render failed"; exit 1; }
t3=$(elapsed "$t")
t=$(now)
"${render[@]}" --scale 0.5 -o "$work/ref5" "$scene" || { echo "FAIL setup: render at --scale 0.5 failed"; exit 1; }
t5=$(awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.3f", b - a }')
A=$(hashes "$work/ref3/$id")
B=$(hashes "$work/ref5/$id")
echo "# one render: $t3 s at --scale 0.3, $t5 s at --scale 0.5"
[ "$A" != "$B" ] || { echo "FAIL setup: --scale 0.3 and 0.5 gave the same bytes"; exit 1; }
for r in ref3 ref5; do
    bad=$(manifest_check "$work/$r/$id")
    [ -z "$bad" ] || { echo "FAIL setup: $r manifest: $bad"; exit 1; }
done

# The state of OUT/ID after a fault: sets $which to "old" (exactly the
# earlier set), "new" (exactly the complete new set) or "?", and $bad to what
# is wrong (empty when it is one whole set with a manifest describing it).
set_state() {   # dir, old hashes, new hashes
    local d=$1 now_h m
    which="?" bad=""
    now_h=$(hashes "$d")
    if [ "$(listing "$d")" != "$names" ]; then
        bad="$d holds [$(listing "$d")], not [$names]"
    elif [ "$now_h" = "$2" ]; then which=old
    elif [ "$now_h" = "$3" ]; then which=new
    else bad="$d mixes the two sets or holds other bytes: $(echo "$now_h" | tr '\n' ' ')"; fi
    m=$(manifest_check "$d")
    [ -z "$m" ] || bad="${bad:+$bad; }manifest: $(echo "$m" | tr '\n' ' ')"
}

# --- 1. SIGKILL at any point keeps a whole set -------------------------------
begin_case sigkill_mid_render_keeps_earlier_outputs
out="$work/c1"
cp -a "$work/ref3" "$out"
kills=0 kept=0 replaced=0 done_before=0 left_stage=0 how=""
# Kills at 3%..110% of one render's time, and two at the riskiest moments,
# found by watching the files: as soon as the staged manifest appears
# (hashing done, manifest being written, commit next), and as soon as OUT/ID
# is another folder than before (just after the swap, while the old set is
# being removed).
for when in 0.03 0.15 0.3 0.5 0.65 manifest 0.8 0.9 swap 1.0 1.1; do
    ino=$(stat -c %i "$out/$id")
    "${render[@]}" --scale 0.5 -o "$out" "$scene" 2> "$work/c1.err" &
    pid=$!; start $pid
    case $when in
    manifest|swap)
        exec 3< "$out/$id"      # the current set, to notice when it is swapped out
        sleep "$(awk -v t="$t5" 'BEGIN { printf "%.3f", 0.5 * t }')"
        if [ "$when" = manifest ]; then
            while kill -0 $pid 2>/dev/null && [ ! -e "$out/.mlanim-stage-$pid-$id/manifest.json" ]; do :; done
        else
            while kill -0 $pid 2>/dev/null && [ "$out/$id" -ef /dev/fd/3 ]; do :; done
        fi
        exec 3<&-
        [ "$when" = manifest ] && label="as the staged manifest appeared" || label="just after the swap"
        ;;
    *)
        delay=$(awk -v f="$when" -v t="$t5" 'BEGIN { printf "%.3f", f * t }')
        sleep "$delay"
        label="at $delay s" ;;
    esac
    kill -KILL $pid 2>/dev/null || done_before=$((done_before + 1))
    wait $pid 2>/dev/null; rc=$?; reaped $pid
    kills=$((kills + 1))
    [ "$rc" -eq 137 ] || [ "$rc" -eq 0 ] || fail "kill $label: exit status $rc ($(head -c 300 "$work/c1.err"))"
    set_state "$out/$id" "$A" "$B"
    [ -z "$bad" ] || fail "after the kill $label: $bad"
    if [ "$(stat -c %i "$out/$id" 2>/dev/null)" = "$ino" ]; then kept=$((kept + 1)); which=kept
    else replaced=$((replaced + 1)); which=replaced; fi
    [ -z "$(stages "$out")" ] || left_stage=$((left_stage + 1))
    how="$how; ${label#at }: $which"
done
"${render[@]}" --scale 0.3 -o "$out" "$scene" 2> "$work/c1.err" || fail "the render after the kills failed: $(head -c 300 "$work/c1.err")"
[ -z "$(stages "$out")" ] || fail "left in OUT after a normal render: $(stages "$out")"
hidden=$(ls -A "$out/$id" | grep '^\.' | tr '\n' ' ')
[ -z "$hidden" ] || fail "hidden entries in OUT/$id: $hidden"
set_state "$out/$id" "$A" "$B"
[ -z "$bad" ] || fail "after the final render: $bad"
[ "$which" = old ] || fail "the final render at --scale 0.3 did not give the --scale 0.3 set"
end_case "$kills kills: $kept kept the set, $replaced replaced it by a whole new one ($done_before had finished before the signal), $left_stage left staging folders to sweep$how"

# --- 2. the sweep: dead renders' leftovers go, live ones' stay ---------------
begin_case leftovers_of_a_killed_render_are_removed_by_the_next
out="$work/c2"
cp -a "$work/ref3" "$out"
dead=999999
while kill -0 "$dead" 2>/dev/null || [ -e "/proc/$dead" ]; do dead=$((dead + 1)); done
mkdir "$out/.mlanim-stage-$dead-$id" "$out/.mlanim-stage-$dead-$id.old" "$out/.mlanim-stage-$$-$id"
echo x > "$out/.mlanim-stage-$dead-$id/x"
echo x > "$out/.mlanim-stage-$dead-$id.old/x"        # an old set moved aside (no RENAME_EXCHANGE)
echo x > "$out/.mlanim-stage-$$-$id/x"               # a live process's: must stay
echo x > "$out/$id/.$id.gif.tmp-$dead"               # an older version's temporaries
echo x > "$out/$id/.$id.mp4.tmp-$dead.bak"
echo x > "$out/notes.txt"                            # not ours at all
"${render[@]}" --scale 0.3 -o "$out" "$scene" 2> "$work/c2.err" || fail "render failed: $(head -c 300 "$work/c2.err")"
for f in ".mlanim-stage-$dead-$id" ".mlanim-stage-$dead-$id.old" "$id/.$id.gif.tmp-$dead" "$id/.$id.mp4.tmp-$dead.bak"; do
    [ ! -e "$out/$f" ] || fail "OUT/$f (PID $dead, not running) is still there"
done
[ -f "$out/.mlanim-stage-$$-$id/x" ] || fail "OUT/.mlanim-stage-$$-$id/x of a live PID ($$, this shell) was removed"
[ -f "$out/notes.txt" ] || fail "OUT/notes.txt, not a leftover, was removed"
set_state "$out/$id" "$A" "$B"
[ -z "$bad" ] || fail "$bad"
end_case "dead PID $dead"

# --- 3. two renders of one scene at once -------------------------------------
begin_case concurrent_renders_never_mix
out="$work/c3"      # round 1 starts with no OUT at all, the others with a set
rounds=""
# Five rounds started together, then two where the quicker render starts
# late enough for the two commits to come close together.
for round in 1 2 3 4 5 6 7; do
    lag=0
    [ "$round" -eq 6 ] && lag=$(awk -v a="$t5" -v b="$t3" 'BEGIN { d = 0.6 * (a - b); printf "%.3f", (d > 0 ? d : 0) }')
    [ "$round" -eq 7 ] && lag=$(awk -v a="$t5" -v b="$t3" 'BEGIN { d = 1.0 * (a - b); printf "%.3f", (d > 0 ? d : 0) }')
    "${render[@]}" --scale 0.5 -o "$out" "$scene" 2> "$work/c3b.err" & p2=$!; start $p2
    sleep "$lag"
    "${render[@]}" --scale 0.3 -o "$out" "$scene" 2> "$work/c3a.err" & p1=$!; start $p1
    wait $p1; rc1=$?; reaped $p1
    wait $p2; rc2=$?; reaped $p2
    [ "$rc1" -eq 0 ] || fail "round $round: the --scale 0.3 render exited $rc1: $(head -c 300 "$work/c3a.err")"
    [ "$rc2" -eq 0 ] || fail "round $round: the --scale 0.5 render exited $rc2: $(head -c 300 "$work/c3b.err")"
    set_state "$out/$id" "$A" "$B"
    [ -z "$bad" ] || fail "round $round: $bad"
    case $which in old) rounds="$rounds 0.3" ;; new) rounds="$rounds 0.5" ;; *) rounds="$rounds ?" ;; esac
    [ -z "$(stages "$out")" ] || fail "round $round: left in OUT: $(stages "$out")"
done
end_case "the set left after each round was that of --scale:$rounds (rounds 6, 7: --scale 0.3 started $(awk -v a="$t5" -v b="$t3" 'BEGIN { printf "%.2f and %.2f", 0.6 * (a - b), a - b }') s later)"

# --- 4. an output folder we may not write to ---------------------------------
begin_case read_only_output_folder_is_a_clear_error
as=()
ro="$work/ro"
mkdir "$ro"
chmod 755 "$work" "$ro"
out="$ro/out"
mkdir "$out"
if [ "$(id -u)" -eq 0 ]; then
    # root writes anywhere: run as nobody, on copies nobody can read.
    as=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
    cp "$mlanim" "$ro/mlanim"; chmod 755 "$ro/mlanim"
    cp "$scene" "$ro/$id.yaml"; chmod 644 "$ro/$id.yaml"
    chown nobody:nogroup "$out"
    bin="$ro/mlanim" scn="$ro/$id.yaml"
else
    bin=$mlanim scn=$scene
fi
note=""
if ! "${as[@]}" "$bin" render -q -j 2 --scale 0.3 -o "$out" "$scn" 2> "$work/c4.err"; then
    fail "the earlier render (as $("${as[@]}" id -un)) failed: $(head -c 300 "$work/c4.err")"
else
    before=$(hashes "$out/$id")
    chmod 555 "$out"
    if "${as[@]}" touch "$out/probe" 2> /dev/null; then
        rm -f "$out/probe"
        note="skipped: chmod 555 does not stop this user writing"
        reasons=""
    else
        "${as[@]}" "$bin" render -q -j 2 --scale 0.5 -o "$out" "$scn" 2> "$work/c4.err"
        rc=$?
        [ "$rc" -eq 1 ] || fail "exit status $rc, not 1"
        line=$(grep 'error:' "$work/c4.err" | head -1)
        if [ -z "$line" ]; then fail "no error: line (stderr: $(head -c 300 "$work/c4.err"))"
        elif ! echo "$line" | grep -qF "$out"; then fail "the error does not name the folder: $line"; fi
        [ "$(hashes "$out/$id")" = "$before" ] || fail "the earlier outputs changed"
        [ -z "$(stages "$out")" ] || fail "left in OUT: $(stages "$out")"
        note="as $("${as[@]}" id -un): $line"
    fi
    chmod 755 "$out"
    # A read-only scene folder in a writable OUT: the new set replaces it
    # (OUT/ID is mlanim's), and the old set, now under a staging name, is
    # still removed completely.
    chmod 555 "$out/$id"
    if ! "${as[@]}" "$bin" render -q -j 2 --scale 0.5 -o "$out" "$scn" 2> "$work/c4.err"; then
        fail "a read-only scene folder in a writable OUT: $(head -c 300 "$work/c4.err")"
    fi
    [ -z "$(stages "$out")" ] || fail "after replacing a read-only scene folder, left: $(stages "$out")"
fi
if [ "${note#skipped}" != "$note" ]; then
    skipped=$((skipped + 1)); echo "skip $case_name: ${note#skipped: }"
else
    end_case "$note"
fi

# --- 5. a full disk ------------------------------------------------------------
begin_case full_disk_is_a_clear_error
why=""
if [ "$(id -u)" -ne 0 ]; then
    why="not root"
else
    mkdir "$work/full"
    if msg=$(mount -t tmpfs -o size=300k tmpfs "$work/full" 2>&1); then mnt="$work/full"
    else why="mount: $msg"; fi
fi
if [ -n "$why" ]; then
    skipped=$((skipped + 1))
    echo "skip $case_name: needs root and tmpfs mounts ($why)"
else
    out=$mnt
    if ! "${render[@]}" --scale 0.5 -f png -o "$out" "$scene" 2> "$work/c5.err"; then
        fail "the earlier (PNG only) render did not fit in 300 KB: $(head -c 300 "$work/c5.err")"
    else
        before=$(hashes "$out/$id")
        "${render[@]}" --scale 0.8 -f gif,mp4 -o "$out" "$scene" 2> "$work/c5.err"
        rc=$?
        [ "$rc" -eq 1 ] || fail "exit status $rc, not 1"
        # The encoder says what failed; the error or the note under it names
        # the file as the user will look for it.
        line=$(grep -A1 'error:' "$work/c5.err" | head -2 | tr '\n' ' ')
        if [ -z "$line" ]; then fail "no error: line (stderr: $(head -c 300 "$work/c5.err"))"
        elif ! echo "$line" | grep -qE "$id\.(gif|mp4|png)|manifest\.json|$mnt/"; then
            fail "the error does not name a file: $line"
        fi
        [ "$(hashes "$out/$id")" = "$before" ] || fail "the earlier outputs changed"
        [ -z "$(stages "$out")" ] || fail "left in OUT after the failure: $(stages "$out")"
        bad=$(manifest_check "$out/$id")
        [ -z "$bad" ] || fail "manifest: $bad"
    fi
    umount "$mnt" && mnt=""
    end_case "${line:-}"
fi

# --- 6. Ctrl-C while training --------------------------------------------------
begin_case sigint_during_training_exits_promptly
long="$work/long.yaml"
sed -e 's/^  steps: 200$/  steps: 1000000/' -e 's/^  n: 100$/  n: 20000/' \
    -e 's/^frames: {every: 1, per_step: 1, hold: 0}$/frames: {every: 100000, per_step: 1, hold: 0}/' "$scene" > "$long"
for want in '  steps: 1000000' '  n: 20000' 'frames: {every: 100000, per_step: 1, hold: 0}'; do
    grep -qxF "$want" "$long" || fail "could not make the long scene: no '$want' line"
done
out="$work/c6"
"${render[@]}" -o "$out" "$long" 2> "$work/c6.err"
rc=$?
[ "$rc" -eq 2 ] || fail "without --limit work: exit status $rc, not 2"
grep 'error:' "$work/c6.err" | grep -qF 'limit work' || fail "without --limit work: no error mentioning 'limit work' ($(head -c 300 "$work/c6.err"))"
[ ! -e "$out" ] || fail "the refused render wrote $out"
"${render[@]}" --limit work=100000000000 -o "$out" "$long" 2> "$work/c6.err" &
pid=$!; start $pid
sleep 1.5
took=""
if ! kill -INT $pid 2>/dev/null; then
    wait $pid 2>/dev/null; rc=$?; reaped $pid
    fail "the render ended (status $rc) before the signal at 1.5 s: $(head -c 300 "$work/c6.err")"
else
    t=$(now)
    for _ in $(seq 1 250); do kill -0 $pid 2>/dev/null || break; sleep 0.02; done
    took=$(awk -v a="$t" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }')
    if kill -0 $pid 2>/dev/null; then
        kill -KILL $pid
        fail "still running 5 s after SIGINT"
    fi
    wait $pid 2>/dev/null; rc=$?; reaped $pid
    [ "$rc" -eq 130 ] || fail "exit status $rc, not 130"
    awk -v s="$took" 'BEGIN { exit !(s <= 1.0) }' || fail "exited $took s after SIGINT, more than 1 s"
    left=$(find "$out" -mindepth 1 2>/dev/null | head -5 | tr '\n' ' ')
    [ -z "$left" ] || fail "left in OUT: $left"
fi
end_case "exited ${took:-?} s after SIGINT"

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
