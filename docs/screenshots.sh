#!/usr/bin/env bash
# Take the README screenshots of the real window under Xvfb (needs: apt-get install -y xvfb
# imagemagick xdotool). Usage: docs/screenshots.sh [target/release/duizhao]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/duizhao}
[ -x "$BIN" ] || cargo build --release
shot() { # name, WxH, keys to press once the window is up ("" for none), then duizhao open options
    local name=$1 size=$2 keys=$3; shift 3
    local w=${size%x*} h=${size#*x}
    local home; home=$(mktemp -d)  # fresh settings: only the options given here apply
    HOME=$home XDG_DATA_HOME=$home xvfb-run -a -s "-screen 0 ${w}x${h}x24" bash -c "
        '$BIN' open $* & pid=\$!
        sleep \${SHOT_WAIT:-6}
        xdotool search --name 'duizhao' windowsize --sync $w $h windowmove 0 0 2>/dev/null || true
        sleep 1
        if [ -n '$keys' ]; then
            xdotool search --name 'duizhao' windowfocus --sync 2>/dev/null || true
            xdotool mousemove 600 400 click 1 key --delay 200 $keys 2>/dev/null || true
            sleep 2
        fi
        import -window root 'docs/$name.png'
        kill \$pid"
    rm -rf "$home"
    echo "docs/$name.png"
}
shot screenshot 1600x1000 "" --view plan --light
shot compare 1600x1000 "" --compare 天津市东丽区 天津市中北镇 --light
shot compare-dark 1600x1000 "" --compare 天津市东丽区 天津市中北镇 --dark
shot compare-four 1600x1000 "" --compare 淄博市 济南市市中区 天津市东丽区 西咸新区 --light
shot overview 1600x1000 "" --view overview --light
shot families 1600x1000 "" --view families --light
shot themes 1600x1000 "" --view themes --light
shot targets 1600x1000 "" --compare 天津市东丽区 天津市中北镇 西咸新区 --view targets --light
# A small window: the views that do not fit are under 更多 »; no desktop file dialog under Xvfb,
# so Ctrl+S opens the app's own.
shot small-1024 1024x700 "" --compare 天津市东丽区 天津市中北镇 --view targets --light
shot file-dialog-1024 1024x700 "ctrl+s" --view plan --light
