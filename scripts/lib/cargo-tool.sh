# Sourced by scripts/test (stage deps) and scripts/release-check: installs a
# cargo subcommand from crates.io at an exact version into .tools/cargo/
# inside the checkout (gitignored), once, and puts it on PATH.
#   install_cargo_tool CRATE VERSION
# Skips the install when that version is already there; prints how long the
# step took either way.

CARGO_TOOLS=$PWD/.tools/cargo
export PATH=$CARGO_TOOLS/bin:$PATH

install_cargo_tool() {
  local crate=$1 version=$2 start=$SECONDS installed
  installed=$(cargo install --list --root "$CARGO_TOOLS" 2>/dev/null | grep -E "^$crate v" || true)
  if [ "$installed" = "$crate v$version:" ]; then
    echo "--- $crate $version present ($((SECONDS - start)) s)"
    return 0
  fi
  echo "--- installing $crate $version (cargo install --locked, compiled from crates.io)"
  cargo install --quiet --locked --root "$CARGO_TOOLS" "$crate" --version "=$version" || {
    echo "could not install $crate $version"
    return 1
  }
  echo "--- $crate $version installed ($((SECONDS - start)) s)"
}
