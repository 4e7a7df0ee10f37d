#!/bin/sh
# Installs tollgate: picks this machine's build, downloads it (or takes a
# carried copy with --from-file), checks its SHA-256 against SHA256SUMS and,
# when this script carries the release key, the Ed25519 signature of
# SHA256SUMS, then installs it with an atomic rename. Never uses sudo.
#
#   curl -fsSL https://github.com/tollgate-dev/tollgate/releases/latest/download/install.sh | sh
#   curl -fsSL .../install.sh | sh -s -- --install-dir /opt/bin --version 0.2.0
#
# All the work happens in main, called on the last line, so a download cut
# short runs nothing.
set -eu

# The release's Ed25519 public key (PEM). Empty in the repository: the release
# build stamps in the key that signed SHA256SUMS, and a script carrying a key
# refuses a release whose SHA256SUMS has no valid signature.
PUBLIC_KEY=''

RELEASES=https://github.com/tollgate-dev/tollgate/releases
UNIX_TARGETS='linux-x64 linux-x64-baseline linux-arm64 linux-x64-musl linux-arm64-musl darwin-x64 darwin-arm64'
NL='
'

usage() {
  cat <<EOF
Usage: install.sh [options]
       curl -fsSL $RELEASES/latest/download/install.sh | sh -s -- [options]

Options:
  --version X          install release X (default: the latest)
  --install-dir DIR    where to put tollgate (default: ~/.local/bin, /usr/local/bin for root)
  --target T           install the build T instead of the detected one:
                       $UNIX_TARGETS
  --from-file PATH     install this archive (tollgate-<target>.tar.gz), no network needed;
  --sums PATH            with the release's SHA256SUMS (required with --from-file)
  --sig PATH             and its SHA256SUMS.sig (required when this script carries a release key)
  --dry-run            print the target and the URLs, change nothing
  -h, --help           print this help

Environment:
  TOLLGATE_DOWNLOAD_BASE   URL of the folder holding the release files (a mirror);
                           default $RELEASES/latest/download,
                           or $RELEASES/download/vX with --version X
  TOLLGATE_CPUINFO         file read instead of /proc/cpuinfo for the AVX2 check
EOF
}

say() { printf 'tollgate-install: %s\n' "$*" >&2; }
die() {
  say "error: $*"
  exit 1
}
usage_error() {
  say "$*"
  say "run it with --help to list the options"
  exit 2
}

# Sets host_target to this machine's build, or host_problem to why there is none.
detect_host() {
  host_target=''
  host_problem=''
  os=$(uname -s 2>/dev/null || true)
  machine=$(uname -m 2>/dev/null || true)
  case $os in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT)
    host_problem="install.sh does not run on Windows: download tollgate-windows-x64.exe from $RELEASES and check it against SHA256SUMS"
    return
    ;;
  *)
    host_problem="no tollgate build for the operating system '$os' (there are builds for Linux and macOS)"
    return
    ;;
  esac
  case $machine in
  x86_64 | amd64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *)
    host_problem="no tollgate build for the CPU '$machine' (there are builds for x86_64 and arm64)"
    return
    ;;
  esac

  if [ "$os" = darwin ]; then
    # A shell running under Rosetta 2 reports x86_64 on Apple silicon.
    if [ "$arch" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
      arch=arm64
    fi
    if [ "$arch" = x64 ]; then
      features=$(sysctl -n machdep.cpu.leaf7_features 2>/dev/null || true)
      case $features in
      '' | *AVX2* | *avx2*) ;;
      *)
        host_problem="this Intel Mac's CPU lacks AVX2, which the darwin-x64 build needs"
        return
        ;;
      esac
    fi
    host_target=darwin-$arch
    return
  fi

  # ldd names the C library when present; a musl system without ldd still has its loader.
  libc=''
  if command -v ldd >/dev/null 2>&1; then
    if ldd --version 2>&1 | grep -qi musl; then libc=-musl; fi
  else
    for loader in /lib/ld-musl-*; do
      if [ -e "$loader" ]; then libc=-musl; fi
    done
  fi
  # The default x64 build needs AVX2; older CPUs die with "Illegal instruction".
  simd=''
  if [ "$arch" = x64 ] && ! grep -qw avx2 "${TOLLGATE_CPUINFO:-/proc/cpuinfo}" 2>/dev/null; then
    simd=-baseline
  fi
  if [ -n "$simd" ] && [ -n "$libc" ]; then
    host_problem="this CPU lacks AVX2 and the system uses musl: there is no baseline musl build (linux-x64-musl needs AVX2, linux-x64-baseline needs glibc)"
    return
  fi
  host_target=linux-$arch$simd$libc
}

set_option() {
  case $2 in
  '' | --*) usage_error "$1 needs a value" ;;
  esac
  case $1 in
  --version) version=$2 ;;
  --install-dir) install_dir=$2 ;;
  --target) target=$2 ;;
  --from-file) from_file=$2 ;;
  --sums) sums_path=$2 ;;
  --sig) sig_path=$2 ;;
  esac
}

parse_args() {
  version=''
  install_dir=''
  target=''
  from_file=''
  sums_path=''
  sig_path=''
  dry_run=no
  while [ $# -gt 0 ]; do
    case $1 in
    -h | --help)
      usage
      exit 0
      ;;
    --dry-run) dry_run=yes ;;
    --version | --install-dir | --target | --from-file | --sums | --sig)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      set_option "$1" "$2"
      shift
      ;;
    --version=* | --install-dir=* | --target=* | --from-file=* | --sums=* | --sig=*)
      set_option "${1%%=*}" "${1#*=}"
      ;;
    *) usage_error "unknown option: $1" ;;
    esac
    shift
  done

  version=${version#v}
  case $version in
  *[!0-9A-Za-z.+-]*) usage_error "not a version: $version" ;;
  esac
  case $target in
  '') ;;
  windows*) usage_error "install.sh installs on Linux and macOS; on Windows download tollgate-windows-x64.exe from $RELEASES" ;;
  *)
    case " $UNIX_TARGETS " in
    *" $target "*) ;;
    *) usage_error "unknown target: $target (one of: $UNIX_TARGETS)" ;;
    esac
    ;;
  esac
  if [ -n "$from_file" ]; then
    [ -n "$sums_path" ] || usage_error "--from-file needs --sums PATH (the release's SHA256SUMS)"
    if [ -n "$target" ]; then
      usage_error "--target cannot be combined with --from-file (the archive's name says its target)"
    fi
    if [ -n "$PUBLIC_KEY" ] && [ -z "$sig_path" ]; then
      usage_error "this installer checks signed releases: pass --sig PATH (the release's SHA256SUMS.sig) with --from-file"
    fi
  elif [ -n "$sums_path" ] || [ -n "$sig_path" ]; then
    usage_error "--sums and --sig go with --from-file"
  fi
}

default_install_dir() {
  if [ "$(id -u)" = 0 ]; then
    install_dir=/usr/local/bin
  elif [ -n "${HOME:-}" ]; then
    install_dir=$HOME/.local/bin
  else
    die "HOME is not set: choose a folder with --install-dir DIR"
  fi
}

# An OpenSSL 3 verifies raw Ed25519 signatures; LibreSSL and OpenSSL 1.x cannot.
can_verify_signature() {
  command -v openssl >/dev/null 2>&1 || return 1
  case $(openssl version 2>/dev/null) in
  "OpenSSL "[3-9]*) return 0 ;;
  *) return 1 ;;
  esac
}

fetch() {
  say "downloading $1"
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 2 -o "$2" "$1" || die "could not download $1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1" || die "could not download $1"
  else
    die "found neither curl nor wget to download with; install one, or carry the files over and use --from-file"
  fi
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1"
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1"
  else
    openssl dgst -sha256 -r "$1"
  fi | awk '{ print tolower($1) }'
}

verify_signature() {
  if ! can_verify_signature; then
    say "warning: no OpenSSL 3 here to check the signature of SHA256SUMS: only the SHA-256 checksum was checked"
    return
  fi
  printf '%s\n' "$PUBLIC_KEY" >"$work/release-key.pem"
  openssl pkeyutl -verify -pubin -inkey "$work/release-key.pem" -rawin -in "$sums_file" -sigfile "$sig_file" >/dev/null 2>&1 ||
    die "SHA256SUMS.sig is not a valid signature of SHA256SUMS by the release key in this installer: refusing to install"
  say "signature of SHA256SUMS verified"
}

verify_checksum() {
  expected=$(awk -v name="$archive_name" '
    $2 == name || $2 == "*" name { n++; hash = tolower($1) }
    END {
      if (n == 0) print "missing"
      else if (n > 1 || hash !~ /^[0-9a-f]+$/ || length(hash) != 64) print "invalid"
      else print hash
    }' "$sums_file")
  case $expected in
  missing) die "SHA256SUMS has no entry for $archive_name: refusing to install" ;;
  invalid) die "SHA256SUMS has no single valid SHA-256 for $archive_name: refusing to install" ;;
  esac
  actual=$(sha256_of "$archive")
  [ "$actual" = "$expected" ] ||
    die "$archive_name does not match its SHA-256 in SHA256SUMS (expected $expected, got ${actual:-nothing}): refusing to install"
  say "SHA-256 of $archive_name verified"
}

cleanup() {
  if [ -n "${staged:-}" ]; then rm -f "$staged"; fi
  if [ -n "${work:-}" ]; then rm -rf "$work"; fi
}

main() {
  parse_args "$@"
  detect_host
  if [ -n "$from_file" ]; then
    archive_name=${from_file##*/}
    case $archive_name in
    tollgate-*.tar.gz)
      target=${archive_name#tollgate-}
      target=${target%.tar.gz}
      ;;
    esac
  else
    if [ -z "$target" ]; then
      [ -n "$host_target" ] || die "$host_problem"
      target=$host_target
    fi
    archive_name=tollgate-$target.tar.gz
    if [ -n "${TOLLGATE_DOWNLOAD_BASE:-}" ]; then
      base=${TOLLGATE_DOWNLOAD_BASE%/}
    elif [ -n "$version" ]; then
      base=$RELEASES/download/v$version
    else
      base=$RELEASES/latest/download
    fi
  fi
  [ -n "$install_dir" ] || default_install_dir

  if [ "$dry_run" = yes ]; then
    printf 'target:      %s\n' "${target:-unknown}"
    if [ -n "$from_file" ]; then
      printf 'archive:     %s\nchecksums:   %s\n' "$from_file" "$sums_path"
      [ -z "$PUBLIC_KEY" ] || printf 'signature:   %s\n' "$sig_path"
    else
      printf 'archive:     %s\nchecksums:   %s\n' "$base/$archive_name" "$base/SHA256SUMS"
      [ -z "$PUBLIC_KEY" ] || printf 'signature:   %s\n' "$base/SHA256SUMS.sig"
    fi
    [ -n "$PUBLIC_KEY" ] || printf 'signature:   not checked (this installer carries no release key)\n'
    printf 'install dir: %s\n' "$install_dir"
    exit 0
  fi

  if ! command -v sha256sum >/dev/null 2>&1 && ! command -v shasum >/dev/null 2>&1 && ! command -v openssl >/dev/null 2>&1; then
    die "found no SHA-256 tool (sha256sum, shasum or openssl) to check the download with"
  fi

  staged=''
  work=''
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  work=$(mktemp -d "${TMPDIR:-/tmp}/tollgate-install.XXXXXX") || die "could not create a temporary folder"

  if [ -n "$from_file" ]; then
    archive=$from_file
    sums_file=$sums_path
    sig_file=$sig_path
    for file in "$archive" "$sums_file" ${sig_file:+"$sig_file"}; do
      [ -f "$file" ] || die "no such file: $file"
    done
  else
    archive=$work/$archive_name
    sums_file=$work/SHA256SUMS
    sig_file=$work/SHA256SUMS.sig
    fetch "$base/SHA256SUMS" "$sums_file"
    if [ -n "$PUBLIC_KEY" ] && can_verify_signature; then fetch "$base/SHA256SUMS.sig" "$sig_file"; fi
    fetch "$base/$archive_name" "$archive"
  fi

  if [ -n "$PUBLIC_KEY" ]; then
    verify_signature
  else
    say "warning: this copy of install.sh carries no release key: only the SHA-256 checksum was checked"
  fi
  verify_checksum

  mkdir "$work/unpacked"
  tar -xzf "$archive" -C "$work/unpacked" tollgate 2>/dev/null || die "could not unpack tollgate from $archive_name"
  [ -f "$work/unpacked/tollgate" ] || die "$archive_name holds no tollgate executable"

  mkdir -p "$install_dir" || die "could not create $install_dir"
  requested_dir=$install_dir
  install_dir=$(cd "$install_dir" && pwd -P)
  [ -w "$install_dir" ] || die "cannot write to $install_dir (this installer never uses sudo): choose a folder with --install-dir DIR"
  [ ! -d "$install_dir/tollgate" ] || die "$install_dir/tollgate is a folder; remove it or choose another --install-dir"

  # Staged inside the install folder so the final rename is atomic: a running
  # tollgate keeps its old file and nothing ever sees half a binary.
  staged=$install_dir/.tollgate.install.$$
  cp "$work/unpacked/tollgate" "$staged" || die "could not write to $install_dir"
  chmod 0755 "$staged"

  if [ -n "$target" ] && [ "$target" = "$host_target" ]; then
    output=$("$staged" --version </dev/null 2>&1) || die "the downloaded tollgate does not run on this machine: $output"
    if [ -n "$version" ] && [ "${output%%"$NL"*}" != "tollgate $version" ]; then
      die "asked for version $version but the archive holds ${output%%"$NL"*}: refusing to install"
    fi
  else
    output="(not run: built for ${target:-an unknown target}, this machine is ${host_target:-not a tollgate target})"
  fi
  mv -f "$staged" "$install_dir/tollgate" || die "could not move tollgate into $install_dir"
  staged=''

  say "installed $install_dir/tollgate"
  printf '%s\n' "$output" >&2
  case ":${PATH:-}:" in
  *":$install_dir:"* | *":$requested_dir:"*) ;;
  *)
    say "$install_dir is not on your PATH; add it with:"
    say "  export PATH=\"$install_dir:\$PATH\""
    say "(put that line in ~/.profile, ~/.bashrc or ~/.zshrc to keep it)"
    ;;
  esac
}

main "$@"
