#!/usr/bin/env bash
# Take the README screenshots of the real window under Xvfb (needs: apt-get install -y xvfb
# imagemagick). Usage: docs/screenshots.sh [target/release/duizhao]
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${1:-target/release/duizhao}
[ -x "$BIN" ] || cargo build --release
shot() { # name, then duizhao open options
    local name=$1; shift
    local home; home=$(mktemp -d)  # fresh settings: only the options given here apply
    HOME=$home XDG_DATA_HOME=$home xvfb-run -a -s "-screen 0 1600x1000x24" bash -c "
        '$BIN' open $* & pid=\$!
        sleep \${SHOT_WAIT:-6}
        xdotool search --name 'duizhao' windowsize --sync 1600 1000 windowmove 0 0 2>/dev/null || true
        sleep 1
        import -window root 'docs/$name.png'
        kill \$pid" 
    rm -rf "$home"
    echo "docs/$name.png"
}
shot screenshot --view plan --light
shot compare --compare 天津市东丽区 --compare 天津市中北镇 --light
shot compare-dark --compare 天津市东丽区 --compare 天津市中北镇 --dark
shot compare-four --compare 淄博市 --compare 济南市市中区 --compare 天津市东丽区 --compare 西咸新区 --light
shot overview --view overview --light
shot families --view families --light
shot themes --view themes --light
