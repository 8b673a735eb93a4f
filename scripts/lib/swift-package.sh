# Sourced by scripts/build-xcframework and scripts/test-kotlin (from the
# repository root): puts the generated Swift bindings where
# uniffi-bindings/swift/Package.swift looks for them.

SWIFT_PACKAGE=uniffi-bindings/swift

# IshareJwt.swift (from uniffi-bindgen's output directory $1) as the source
# of the IshareJwt target.
swift_package_sources() {
  local generated=$1
  mkdir -p "$SWIFT_PACKAGE/Sources/IshareJwt"
  cp "$generated/IshareJwt.swift" "$SWIFT_PACKAGE/Sources/IshareJwt/"
}

# The header and module map of the IshareJwtFFI system library target
# (Linux): the generated module map plus `link`, so that SwiftPM links
# libishare_jwt_uniffi.
swift_package_linux_ffi() {
  local generated=$1 dir=$SWIFT_PACKAGE/Sources/IshareJwtFFI
  mkdir -p "$dir"
  cp "$generated/IshareJwtFFI.h" "$dir/"
  sed 's|^\( *\)header "IshareJwtFFI.h"$|&\n\1link "ishare_jwt_uniffi"|' \
    "$generated/IshareJwtFFI.modulemap" >"$dir/module.modulemap"
  grep -q 'link "ishare_jwt_uniffi"' "$dir/module.modulemap" ||
    { echo "$dir/module.modulemap: no link line (the generated module map changed shape)"; return 1; }
}
