#!/usr/bin/env bash
# Packages a built `astro` for one target the way a release publishes it, and (re)writes the
# SHA256SUMS of every archive in the output directory. Used by .github/workflows/release.yml and
# for a local dry run:
#
#   cargo build --release --locked --target x86_64-unknown-linux-gnu
#   packaging/package.sh x86_64-unknown-linux-gnu          # -> dist/astro-<version>-<target>.tar.gz
#   packaging/package.sh --sums DIR                          # only (re)write DIR/SHA256SUMS
#   packaging/package.sh --homebrew DIR OWNER/REPO           # DIR/astro-rs.rb from DIR/SHA256SUMS
#
# Usage: packaging/package.sh TARGET [BIN]
#   TARGET  the target triple the binary was built for (names the archive)
#   BIN     the binary (default target/TARGET/release/astro, with .exe on Windows)
# Environment: OUT (default dist/), VERSION (default Cargo.toml's), SOURCE_DATE_EPOCH (default
# the last commit's time, else 0: files in a .tar.gz get that time, so the same binary gives
# the same archive), GZIP_LEVEL (default 9).
#
# The archive is astro-<version>-<target>.tar.gz (.zip for Windows targets) holding one
# directory astro-<version>-<target>/ with the binary, README.md and LICENSE.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

die() { printf 'package.sh: %s\n' "$*" >&2; exit 1; }

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$@"
  else die "neither sha256sum nor shasum is installed"; fi
}

# SHA256SUMS lists every archive in $1, sorted by name, in `sha256sum` format.
write_sums() {
  local dir=$1 files=() f
  for f in "$dir"/astro-*.tar.gz "$dir"/astro-*.zip; do
    [ -f "$f" ] && files+=("${f##*/}")
  done
  [ ${#files[@]} -gt 0 ] || die "no astro-*.tar.gz or astro-*.zip in $dir"
  # The names have no spaces: sort them as lines, byte order.
  # shellcheck disable=SC2046
  (cd "$dir" && sha256 $(printf '%s\n' "${files[@]}" | LC_ALL=C sort) | sed 's/ \*/  /' >SHA256SUMS.tmp)
  mv "$dir/SHA256SUMS.tmp" "$dir/SHA256SUMS"
}

if [ "${1:-}" = "--sums" ]; then
  [ $# -eq 2 ] || die "usage: package.sh --sums DIR"
  write_sums "$2"
  cat "$2/SHA256SUMS"
  exit 0
fi

# Fills packaging/homebrew/astro-rs.rb from DIR/SHA256SUMS into DIR/astro-rs.rb; every target
# the formula names must be in SHA256SUMS.
if [ "${1:-}" = "--homebrew" ]; then
  [ $# -eq 3 ] || die "usage: package.sh --homebrew DIR OWNER/REPO"
  dir=$2 repo=$3
  version=${VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)}
  formula=$(sed -e "s|@VERSION@|$version|g" -e "s|@REPO@|$repo|g" "$root/packaging/homebrew/astro-rs.rb")
  for target in $(printf '%s\n' "$formula" | grep -o '@SHA256_[a-z0-9_-]*@' | sed 's/^@SHA256_//; s/@$//'); do
    sum=$(awk -v f="astro-$version-$target.tar.gz" '$2 == f { print $1 }' "$dir/SHA256SUMS")
    [ -n "$sum" ] || die "no astro-$version-$target.tar.gz in $dir/SHA256SUMS"
    formula=$(printf '%s\n' "$formula" | sed "s|@SHA256_$target@|$sum|g")
  done
  printf '%s\n' "$formula" >"$dir/astro-rs.rb"
  printf '%s\n' "$dir/astro-rs.rb"
  exit 0
fi

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  die "usage: package.sh TARGET [BIN]  |  package.sh --sums DIR  |  package.sh --homebrew DIR OWNER/REPO"
fi
target=$1
exe=
case $target in *windows*) exe=.exe ;; esac
bin=${2:-$root/target/$target/release/astro$exe}
[ -f "$bin" ] || die "no binary at $bin (build it first: cargo build --release --locked --target $target)"

version=${VERSION:-$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -n 1)}
[ -n "$version" ] || die "could not read the version from Cargo.toml"
out=${OUT:-$root/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)

name=astro-$version-$target
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir "$stage/$name"
cp "$bin" "$stage/$name/astro$exe"
chmod 755 "$stage/$name/astro$exe"
cp "$root/README.md" "$root/LICENSE" "$stage/$name/"

if [ -n "$exe" ]; then
  archive=$name.zip
  rm -f "$out/$archive"
  if command -v 7z >/dev/null 2>&1; then
    (cd "$stage" && 7z a -tzip -bso0 "$out/$archive" "$name" >/dev/null)
  else
    (cd "$stage" && zip -qr "$out/$archive" "$name")
  fi
else
  archive=$name.tar.gz
  epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 0)}
  if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    (cd "$stage" && tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
      -cf - "$name" | gzip "-${GZIP_LEVEL:-9}" -n >"$out/$archive")
  else
    # bsdtar (macOS): no --sort or --mtime; set the times and owners explicitly.
    TZ=UTC touch -t "$(date -u -r "$epoch" +%Y%m%d%H%M.%S 2>/dev/null || echo 197001010000)" \
      "$stage/$name" "$stage/$name"/*
    (cd "$stage" && tar --uid 0 --gid 0 -cf - "$name" | gzip "-${GZIP_LEVEL:-9}" -n >"$out/$archive")
  fi
fi

(cd "$out" && sha256 "$archive" | sed 's/ \*/  /' >"$archive.sha256")
write_sums "$out"
printf '%s\n' "$out/$archive"
