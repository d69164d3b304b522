#!/usr/bin/env bash
# Take the README screenshots of the real window under Xvfb (needs: apt-get install -y xvfb
# imagemagick xdotool). Usage: docs/screenshots.sh [target/release/duizhao]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/duizhao}
[ -x "$BIN" ] || cargo build --release
# The team project of the Agreement shot is written by an example built like $BIN.
case "$BIN" in *release*) PROFILE=(--release) ;; *) PROFILE=() ;; esac
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
# The Agreement window (文件 → 编码者一致性…) over a project two coders tagged (written by
# examples/two_coders.rs), opened from 文件 → 最近的项目, which the fresh settings list. The
# clicks are at the positions of the Chinese menu items in a 1600×1000 window.
agreement() {
    local home; home=$(mktemp -d)
    local proj="$home/团队项目.duizhao.ron"
    cargo run -q "${PROFILE[@]}" --example two_coders -- "$proj" >/dev/null
    mkdir -p "$home/duizhao"
    printf '{"app":"(recent_projects:[\\"%s\\"])"}' "$proj" > "$home/duizhao/app.ron"
    HOME=$home XDG_DATA_HOME=$home xvfb-run -a -s "-screen 0 1600x1000x24" bash -c "
        '$BIN' open --light & pid=\$!
        sleep \${SHOT_WAIT:-6}
        xdotool search --name 'duizhao' windowsize --sync 1600 1000 windowmove 0 0 2>/dev/null || true
        sleep 1
        xdotool mousemove 158 17 click 1; sleep 1.5          # 文件
        xdotool mousemove 183 277; sleep 1.5                 # 最近的项目 ▸
        xdotool mousemove 330 277; sleep 0.5
        xdotool mousemove 440 277 click 1; sleep \${SHOT_WAIT:-6}  # the project; its document loads
        xdotool mousemove 158 17 click 1; sleep 1.5          # 文件
        xdotool mousemove 197 223 click 1; sleep 2           # 编码者一致性…
        xdotool mousemove 1500 950; sleep 1
        import -window root 'docs/agreement.png'
        kill \$pid"
    rm -rf "$home"
    echo "docs/agreement.png"
}
agreement
# Mouse actions after start (xdotool commands, positions in the given window size): name, WxH,
# actions, then duizhao open options.
acted() {
    local name=$1 size=$2 actions=$3; shift 3
    local w=${size%x*} h=${size#*x}
    local home; home=$(mktemp -d)
    HOME=$home XDG_DATA_HOME=$home xvfb-run -a -s "-screen 0 ${w}x${h}x24" bash -c "
        '$BIN' open $* & pid=\$!
        sleep \${SHOT_WAIT:-6}
        xdotool search --name 'duizhao' windowsize --sync $w $h windowmove 0 0 2>/dev/null || true
        sleep 1
        $actions
        import -window root 'docs/$name.png'
        kill \$pid"
    rm -rf "$home"
    echo "docs/$name.png"
}
# Why two measures match: 东丽区 No. 4 clicked (tall window: its partner, 中北镇 No. 8, is in view
# too), the pointer left on it for the tooltip.
acted compare-why 1600x1450 "xdotool mousemove 668 576 click 1; sleep 3; xdotool mousemove 668 580; sleep 2" \
    --compare 天津市东丽区 天津市中北镇 --light
# The reuse report of 天津市东丽区: right click in the library → 文本复用报告….
acted reuse 1600x1000 "xdotool mousemove 104 559 click 3; sleep 1.5; xdotool mousemove 165 605 click 1; sleep 4; xdotool mousemove 1590 990; sleep 1" \
    --compare 天津市东丽区 天津市中北镇 --light
# Dragging 东丽区's 二、主要任务 heading onto the 目标 row (taken while the button is held).
acted compare-drag 1600x1000 "xdotool mousemove 420 755 mousedown 1; sleep 0.3; xdotool mousemove 430 765; sleep 0.3; xdotool mousemove 700 600; sleep 0.3; xdotool mousemove 1000 480; sleep 1.5" \
    --compare 天津市东丽区 天津市中北镇 --light
