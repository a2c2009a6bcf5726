#!/bin/sh
# Build ytdesk-<version>-<arch>.AppImage from the frozen bundle (Linux only).
#   python3 build_spec/build.py          # first: dist/ytdesk/ (or `make dist`)
#   sh build_spec/build_appimage.sh      -> build/ytdesk.AppDir, dist/ytdesk-<version>-<arch>.AppImage
# Needs appimagetool (https://github.com/AppImage/appimagetool/releases: one file, put it on
# PATH or set APPIMAGETOOL). Without it the AppDir is still made and can be run as is.
# The AppImage runs the window; `ytdesk-<version>.AppImage cli ARGS` (or a symlink to it
# named ytdesk-cli) runs ytdesk-cli.
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
ARCH=$(uname -m)
BUNDLE="$ROOT/dist/ytdesk"
APPDIR="$ROOT/build/ytdesk.AppDir"
OUT="$ROOT/dist/ytdesk-$VERSION-$ARCH.AppImage"

[ -x "$BUNDLE/ytdesk" ] || { echo "no $BUNDLE/ytdesk: run python3 build_spec/build.py first" >&2; exit 1; }

rm -rf "$APPDIR"
mkdir -p "$APPDIR/usr/lib" "$APPDIR/usr/share/applications" \
         "$APPDIR/usr/share/icons/hicolor/scalable/apps"
# The PyInstaller folder as built: ytdesk, ytdesk-cli and _internal/ (ffbin/, bin/deno, Qt...).
cp -a "$BUNDLE" "$APPDIR/usr/lib/ytdesk"
rm -rf "$APPDIR/usr/lib/ytdesk/share" "$APPDIR/usr/lib/ytdesk/install-desktop-entry.sh"

# The desktop entry and icon: at the AppDir's root (appimagetool reads them there) and in
# usr/share (desktop integration tools such as appimaged copy them from there).
# Its Exec line (`ytdesk ...`) is kept: appimaged and AppImageLauncher rewrite the program
# to the AppImage's path when they integrate it.
cp "$ROOT/resources/ytdesk.desktop" "$APPDIR/ytdesk.desktop"
cp "$APPDIR/ytdesk.desktop" "$APPDIR/usr/share/applications/ytdesk.desktop"
cp "$ROOT/resources/ytdesk.svg" "$APPDIR/ytdesk.svg"
cp "$ROOT/resources/ytdesk.svg" "$APPDIR/usr/share/icons/hicolor/scalable/apps/ytdesk.svg"
ln -s ytdesk.svg "$APPDIR/.DirIcon"

cat > "$APPDIR/AppRun" <<'APPRUN'
#!/bin/sh
# The AppImage's entry: the window, or ytdesk-cli when asked for (first argument `cli`, or
# the AppImage started through a link named ytdesk-cli).
HERE=$(dirname "$(readlink -f "$0")")
case "$(basename "${ARGV0:-$0}")" in
    ytdesk-cli*) exec "$HERE/usr/lib/ytdesk/ytdesk-cli" "$@" ;;
esac
if [ "${1:-}" = cli ]; then
    shift
    exec "$HERE/usr/lib/ytdesk/ytdesk-cli" "$@"
fi
exec "$HERE/usr/lib/ytdesk/ytdesk" "$@"
APPRUN
chmod +x "$APPDIR/AppRun"

if command -v desktop-file-validate >/dev/null; then
    desktop-file-validate "$APPDIR/ytdesk.desktop"
fi

TOOL="${APPIMAGETOOL:-$(command -v appimagetool || true)}"
if [ -z "$TOOL" ]; then
    echo "made $APPDIR (appimagetool not found: set APPIMAGETOOL to pack $OUT)"
    exit 0
fi
# No strip here either (see ytdesk.spec); zstd squashfs as appimagetool defaults to.
ARCH="$ARCH" "$TOOL" --no-appstream "$APPDIR" "$OUT"
echo "made $OUT"
