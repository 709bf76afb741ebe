#pragma once
// Loading a native plugin: dlopen the library named by plugin.json, read its
// one exported symbol, check every callback the host will call, create the
// instance and collect its extensions (docs/architecture.md §4).
//
// Implemented: tessera.label-schema/1 (each buffer verified), tessera.qa-rules/1
// (as a qa::RuleProvider), tessera.format/1 (as a formats::Format),
// tessera.view/1 (checked; the studio opens views).
// Missing: libraries providing several plugins are loaded once per manifest;
// only the descriptor whose id matches plugin.json is instantiated.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <tessera/entry.h>
#include <tessera/ext/view.h>
#include <tessera/plugin.h>

#include "core/error.hpp"
#include "formats/format.hpp"
#include "loader/host_extensions.hpp"
#include "loader/manifest.hpp"
#include "qa/rule.hpp"

namespace tessera::plugins {

/// "1.3" (major.minor) for messages.
[[nodiscard]] std::string version_text(tessera_version_t version);

/// Calls `call` (a call into plugin code) and turns any exception escaping
/// it into Error "WHAT threw an exception: ...". Plugins built with the C++
/// helpers catch their own; this is for those that do not.
template <class Call>
decltype(auto) call_plugin(std::string_view what, Call&& call) {
    try {
        return std::forward<Call>(call)();
    } catch (const std::exception& e) {
        throw Error(fmt::format("{} threw an exception: {}", what, e.what()));
    } catch (...) {
        throw Error(fmt::format("{} threw an exception", what));
    }
}

class NativeLibrary;

/// A live instance of a native plugin. Destroying the last reference destroys
/// the instance, then (once no other instance uses it) calls the library's
/// deinit() and unloads it.
class NativePlugin {
public:
    NativePlugin(std::shared_ptr<NativeLibrary> library, const tessera_plugin_t* plugin,
                 std::string id);
    ~NativePlugin();
    NativePlugin(const NativePlugin&) = delete;
    NativePlugin& operator=(const NativePlugin&) = delete;

    /// The instance (never null).
    [[nodiscard]] const tessera_plugin_t* get() const { return plugin_; }
    /// The plugin id (as in plugin.json).
    [[nodiscard]] const std::string& id() const { return id_; }
    /// Extension `ext_id` or nullptr; throws Error if the plugin throws. [thread-safe]
    [[nodiscard]] const void* extension(const char* ext_id) const;
    /// The plugin's get_last_error() on this thread, "" when it has none or throws.
    [[nodiscard]] std::string last_error() const;
    /// "(no reason given)" when last_error() is empty, else ": " + last_error().
    [[nodiscard]] std::string quoted_last_error() const;

private:
    std::shared_ptr<NativeLibrary> library_;
    const tessera_plugin_t* plugin_;
    std::string id_;
};

/// What a native plugin contributes, checked and copied.
struct NativeContribution {
    std::shared_ptr<NativePlugin> plugin;
    /// Plugin name and version from its descriptor.
    std::string name;
    std::string version;
    /// Extension ids the plugin provides, e.g. "tessera.qa-rules/1".
    std::vector<std::string> extensions;
    /// tessera.v1.LabelSchema buffers, each verified, copied.
    std::vector<std::vector<std::uint8_t>> schemas;
    /// Its QA rules, or null.
    std::shared_ptr<qa::RuleProvider> rules;
    /// Its formats (at most one per plugin with tessera.format/1).
    std::vector<formats::Format> formats;
    /// Its tessera.view/1 extension, or null; lives as long as `plugin`.
    const tessera_plugin_view_t* view = nullptr;
};

/// Loads the native plugin `manifest` describes for a host; throws Error with
/// the reason it is refused (without the plugin id, which the caller adds).
/// Nothing of the library stays loaded when it throws. [main-thread]
[[nodiscard]] NativeContribution load_native_plugin(const Manifest& manifest,
                                                    const std::shared_ptr<HostExtensions>& host);

/// Adapts a plugin's tessera.qa-rules/1 (checked here; throws Error naming the
/// missing member or the bad rule). Defined in native_rules.cpp.
[[nodiscard]] std::shared_ptr<qa::RuleProvider> make_native_rules(
    std::shared_ptr<NativePlugin> plugin, const void* extension,
    std::shared_ptr<HostExtensions> host);

/// Adapts a plugin's tessera.format/1 (checked here). Defined in native_format.cpp.
[[nodiscard]] formats::Format make_native_format(std::shared_ptr<NativePlugin> plugin,
                                                 const void* extension);

}  // namespace tessera::plugins
