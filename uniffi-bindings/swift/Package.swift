// swift-tools-version:5.9
// The Swift package of the ishare-jwt bindings (UniFFI, `import IshareJwt`):
// the library target IshareJwt over the generated IshareJwt.swift, and
// IshareJwtFFI, the C module that file imports:
// - on Apple platforms the XCFramework scripts/build-xcframework makes
//   (static libraries for iOS, the iOS simulator and macOS, with the
//   generated header and module map);
// - on Linux a system library target over the generated header and a module
//   map that links libishare_jwt_uniffi.so (pass its directory:
//   `swift build -Xlinker -L<dir>`).
// The generated files (Sources/IshareJwt/IshareJwt.swift,
// Sources/IshareJwtFFI/*, IshareJwtFFI.xcframework) are build outputs, not
// committed: scripts/build-xcframework writes them on macOS,
// scripts/test-kotlin on Linux.
import PackageDescription

#if os(Linux)
let ffi: Target = .systemLibrary(name: "IshareJwtFFI", path: "Sources/IshareJwtFFI")
#else
let ffi: Target = .binaryTarget(name: "IshareJwtFFI", path: "IshareJwtFFI.xcframework")
#endif

let package = Package(
    name: "IshareJwt",
    platforms: [.iOS(.v13), .macOS(.v11)],
    products: [.library(name: "IshareJwt", targets: ["IshareJwt"])],
    targets: [
        ffi,
        .target(name: "IshareJwt", dependencies: ["IshareJwtFFI"], path: "Sources/IshareJwt"),
    ]
)
