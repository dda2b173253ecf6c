#!/usr/bin/env bash
# Starts the built bundle (dist/ComplaintDesk-<version>/, from installer/build.sh) the way a user
# would, offscreen, and fails on the first thing that does not work:
#   --version; init (a new encrypted database and its recovery sheet); a demo database; a 受理回执
#   printed by an officer, whose fonts must be embedded and come from the bundle; the GUI starting.
# Needs poppler-utils (pdffonts). Usage: installer/smoke.sh [BUNDLE_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
version="$(sed -n 's/^__version__ = "\(.*\)"/\1/p' app/version.py)"
bundle="${1:-dist/ComplaintDesk-$version}"
exe="$bundle/ComplaintDesk"
[ -x "$exe" ] || { echo "找不到 $exe，请先运行 installer/build.sh" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export QT_QPA_PLATFORM=offscreen HOME="$work/home" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
export PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring
export COMPLAINTDESK_PASSWORD="Smoke-Test-2026-pass"
mkdir -p "$HOME"
step() { echo "== $*"; }
fail() { echo "冒烟测试失败：$*" >&2; exit 1; }

step "--version"
[ "$("$exe" --version)" = "complaintdesk $version" ] || fail "--version 输出不是 complaintdesk $version"

step "init"
"$exe" init --db "$work/new.db" --admin admin --hospital 冒烟测试医院 --recovery-sheet "$work/recovery.pdf" \
  > "$work/init.txt" || fail "init 失败"
grep -q "已创建加密数据库" "$work/init.txt" || fail "init 没有创建数据库"
[ -s "$work/new.db" ] && [ -s "$work/new.db.keys" ] && [ -s "$work/recovery.pdf" ] || fail "init 缺少文件"

step "demo + print receipt"
"$exe" demo --db "$work/demo.db" --cases 3 --seed 7 > "$work/demo.txt" || fail "demo 失败"
"$exe" export --from "$(date -d "-3 years" +%F)" --to "$(date -d "+1 year" +%F)" --out "$work/ledger.xlsx" --db "$work/demo.db" --user officer \
  > /dev/null || fail "导出台账失败"
case_no="$(python3 - "$work/ledger.xlsx" <<'PY'
import re, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as book:
    text = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
found = re.findall(r"[A-Z]{1,8}-\d{4}-\d{6}", text)
print(found[0] if found else "")
PY
)"
[ -n "$case_no" ] || fail "台账中没有案件编号"
"$exe" print receipt "$case_no" --db "$work/demo.db" --user officer --out "$work/receipt.pdf" \
  || fail "打印受理回执失败"
head -c 5 "$work/receipt.pdf" | grep -q "%PDF-" || fail "受理回执不是 PDF"

step "fonts embedded, from the bundle"
bundled="$(find "$bundle" -path '*/fonts/*' -type f \( -name '*.tt[cf]' \) | head -1)"
[ -n "$bundled" ] || fail "安装包中没有字体文件（fonts/）"
pdffonts "$work/receipt.pdf" > "$work/fonts.txt"
cat "$work/fonts.txt"
rows="$(tail -n +3 "$work/fonts.txt")"
[ -n "$rows" ] || fail "受理回执没有字体"
echo "$rows" | awk '{ if ($(NF-4) != "yes") bad=1 } END { exit bad }' || fail "受理回执有未嵌入的字体"
family="$(python3 -c "import sys; n=sys.argv[1].rsplit('/',1)[-1].lower(); print('WenQuanYi' if 'wqy' in n else 'Noto' if 'noto' in n else 'Droid')" "$bundled")"
grep -qi "$family" "$work/fonts.txt" || fail "受理回执的字体不是安装包中的 $bundled"

step "GUI starts"
set +e
timeout 15 "$exe" gui --db "$work/demo.db" > "$work/gui.txt" 2>&1
code=$?
set -e
[ "$code" -eq 124 ] || { cat "$work/gui.txt"; fail "图形界面启动后退出（退出码 $code）"; }
echo "冒烟测试通过：$bundle"
