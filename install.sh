#!/bin/sh
# Installs `astro` (the Rust CLI for Astronomer's Astro) from a GitHub release:
#
#   curl -fsSL https://github.com/astro-rs/astro/releases/latest/download/install.sh | sh
#
# It picks the archive for this machine (Linux: the static musl build; macOS: Intel or Apple
# silicon), checks its SHA-256 against the release's SHA256SUMS, refuses to install when it
# differs, installs the binary to ~/.local/bin (or $ASTRO_INSTALL_DIR) and says how to put that
# directory on PATH when it is not there.
#
# Environment:
#   ASTRO_VERSION            a version to install, e.g. 0.1.0 (default: the latest release)
#   ASTRO_INSTALL_DIR        where to put the binary (default: $HOME/.local/bin)
#   ASTRO_INSTALL_BASE_URL   where SHA256SUMS and the archives are (default: the GitHub release)
#   ASTRO_INSTALL_TARGET     the target triple to install (default: detected)
set -eu

# The release job rewrites this line to the repository it publishes from.
REPO=astro-rs/astro

say() { printf 'astro installer: %s\n' "$*"; }
warn() { printf 'astro installer: warning: %s\n' "$*" >&2; }
die() {
  printf 'astro installer: error: %s\n' "$*" >&2
  exit 1
}

detect_target() {
  os=$(uname -s)
  arch=$(uname -m)
  case $arch in
    x86_64 | amd64) arch=x86_64 ;;
    aarch64 | arm64) arch=aarch64 ;;
    *) die "no prebuilt astro for the $arch architecture; build it from source: cargo install --locked --git https://github.com/$REPO" ;;
  esac
  case $os in
    Linux) echo "$arch-unknown-linux-musl" ;;
    Darwin)
      # An Intel shell under Rosetta on Apple silicon: take the native build.
      if [ "$arch" = x86_64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
        arch=aarch64
      fi
      echo "$arch-apple-darwin"
      ;;
    MINGW* | MSYS* | CYGWIN*)
      die "on Windows, download astro-<version>-x86_64-pc-windows-msvc.zip from https://github.com/$REPO/releases and put astro.exe on your PATH"
      ;;
    *) die "no prebuilt astro for $os; build it from source: cargo install --locked --git https://github.com/$REPO" ;;
  esac
}

# download URL FILE
download() {
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -fsSL --retry 3 -o "$2" "$1" || die "could not download $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "could not download $1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    die "neither sha256sum nor shasum is installed: cannot check the download"
  fi
}

target=${ASTRO_INSTALL_TARGET:-$(detect_target)}
version=${ASTRO_VERSION:-}
version=${version#v}
if [ -n "${ASTRO_INSTALL_BASE_URL:-}" ]; then
  base=${ASTRO_INSTALL_BASE_URL%/}
elif [ -n "$version" ]; then
  base=https://github.com/$REPO/releases/download/v$version
else
  base=https://github.com/$REPO/releases/latest/download
fi
dir=${ASTRO_INSTALL_DIR:-${HOME:?HOME is not set; set ASTRO_INSTALL_DIR}/.local/bin}

tmp=$(mktemp -d 2>/dev/null || mktemp -d -t astro-install)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

# SHA256SUMS names every archive of the release, so it also tells the latest version's archive.
download "$base/SHA256SUMS" "$tmp/SHA256SUMS"
line=$(grep -E "^[0-9a-fA-F]{64} [ *]astro-[^ ]+-$target\\.tar\\.gz\$" "$tmp/SHA256SUMS" | head -n 1 || true)
if [ -n "$version" ]; then
  line=$(grep -E "^[0-9a-fA-F]{64} [ *]astro-$version-$target\\.tar\\.gz\$" "$tmp/SHA256SUMS" | head -n 1 || true)
fi
[ -n "$line" ] || die "no archive for $target${version:+ version $version} in $base/SHA256SUMS"
expected=$(printf '%s\n' "$line" | cut -d ' ' -f 1 | tr 'A-F' 'a-f')
archive=$(printf '%s\n' "$line" | sed 's/^[0-9a-fA-F]* [ *]//')

say "downloading $archive"
download "$base/$archive" "$tmp/$archive"
actual=$(sha256_of "$tmp/$archive")
if [ "$actual" != "$expected" ]; then
  die "checksum mismatch for $archive: expected $expected, got $actual. Nothing was installed."
fi
say "checksum ok ($actual)"

mkdir "$tmp/unpack"
tar -xzf "$tmp/$archive" -C "$tmp/unpack" || die "could not unpack $archive. Nothing was installed."
bin=$(find "$tmp/unpack" -type f -name astro | head -n 1)
[ -n "$bin" ] || die "$archive holds no astro binary. Nothing was installed."
chmod 755 "$bin"
new_version=$("$bin" --version 2>/dev/null) || die "the downloaded astro does not run on this machine ($target). Nothing was installed."

mkdir -p "$dir" || die "could not create $dir (set ASTRO_INSTALL_DIR to a directory you can write)"
cp "$bin" "$dir/.astro.tmp.$$" || die "could not write to $dir (set ASTRO_INSTALL_DIR to a directory you can write)"
mv -f "$dir/.astro.tmp.$$" "$dir/astro"
say "installed $new_version to $dir/astro"

case ":${PATH:-}:" in
  *":$dir:"* | *":$dir/:"*) on_path=1 ;;
  *) on_path=0 ;;
esac
first=$(command -v astro 2>/dev/null || true)
if [ -n "$first" ] && [ "$first" != "$dir/astro" ] && [ "$first" != "$dir//astro" ]; then
  if [ "$on_path" = 1 ]; then
    warn "another astro comes earlier on your PATH: $first (Astronomer's Go CLI?). Typing \`astro\` runs that one; put $dir before $(dirname "$first") in PATH, or remove it."
  else
    warn "another astro is on your PATH: $first (Astronomer's Go CLI?). Typing \`astro\` runs that one."
  fi
fi
if [ "$on_path" = 0 ]; then
  case ${SHELL:-} in
    */zsh) rc=$HOME/.zshrc path_line="export PATH=\"$dir:\$PATH\"" ;;
    */fish) rc=$HOME/.config/fish/config.fish path_line="fish_add_path $dir" ;;
    */bash) rc=$HOME/.bashrc path_line="export PATH=\"$dir:\$PATH\"" ;;
    *) rc='your shell profile' path_line="export PATH=\"$dir:\$PATH\"" ;;
  esac
  say "$dir is not on your PATH. To use astro, add this line to $rc and open a new terminal:"
  printf '\n    %s\n\n' "$path_line"
fi
