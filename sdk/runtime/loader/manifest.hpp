#pragma once
// plugin.json: what the host knows of a plugin before any of its code is
// loaded (docs/architecture.md §4).
//
//   { "id": "com.example.rules", "name": "Example rules", "version": "1.2.0",
//     "sdk_version": "1.0", "kind": "native", "file": "libexample_rules.so" }
//
// Required: id, sdk_version, kind, file. Unknown keys are skipped so that
// newer manifests still load.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <tessera/version.h>

namespace tessera::plugins {

/// File name of a plugin's manifest inside its folder.
inline constexpr std::string_view kManifestFileName = "plugin.json";
/// The largest plugin.json read: 1 MiB (a manifest is a few hundred bytes).
inline constexpr std::uint64_t kManifestMaxBytes = 1u << 20;

/// How a plugin is implemented.
enum class Kind {
    Builtin,  ///< compiled into the host; has no manifest
    Native,   ///< a shared library exporting tessera_plugin_entry
    Lua,      ///< a folder with init.lua, run in the sandbox
};

/// "builtin", "native" or "lua".
[[nodiscard]] std::string_view to_string(Kind kind);

/// A parsed plugin.json.
struct Manifest {
    /// The manifest file itself.
    std::filesystem::path path;
    /// The folder holding it (the plugin folder).
    std::filesystem::path dir;
    /// Stable id, lower-case reverse-DNS style: [a-z0-9._-]+.
    std::string id;
    /// Display name; the id when absent.
    std::string name;
    /// Plugin version as written; empty when absent.
    std::string version;
    /// SDK the plugin was built against ("MAJOR.MINOR"; revision 0).
    tessera_version_t sdk_version{};
    /// Native or Lua (never Builtin).
    Kind kind = Kind::Native;
    /// The library (native) or main chunk (Lua): a plain file name inside dir.
    std::string file;

    /// dir / file.
    [[nodiscard]] std::filesystem::path file_path() const { return dir / file; }
};

/// True when `id` is a valid plugin id: non-empty, at most 128 bytes of
/// [a-z0-9._-], starting with a letter or digit.
[[nodiscard]] bool is_valid_plugin_id(std::string_view id);

/// Reads and checks `file` (a plugin.json): a regular file (a symlink only to a
/// file inside its folder) of at most kManifestMaxBytes, checked before it is
/// read. Throws Error "FILE:LINE:COL: what was expected" on a bad manifest,
/// "FILE: is a FIFO, not a regular file" and the like on a file of another kind.
[[nodiscard]] Manifest read_manifest(const std::filesystem::path& file);

/// Parses manifest `text` as if read from `file` (tests).
[[nodiscard]] Manifest parse_manifest(const std::filesystem::path& file, std::string_view text);

}  // namespace tessera::plugins
