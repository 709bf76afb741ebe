#pragma once
// The plugins of one host: built-in ones registered by the host, then native
// and Lua plugins discovered on the search path (docs/architecture.md §4).
//
//   plugins::PluginHost plugins;
//   plugins.add_builtin({.id = "tessera.format.coco", ..., .formats = {coco_format()}});
//   plugins.load(plugins::plugin_search_path({project_dir, builtin_dir}));
//   for (const plugins::PluginRecord& p : plugins.plugins()) ...   // `tessera plugins list`
//
// A plugin that misbehaves (bad manifest, missing library, version mismatch,
// failing init, a missing callback, a buffer failing the Verifier, an
// exception escaping a callback, an id or contribution already taken) is
// refused: recorded with the reason, logged naming it, and the host goes on.
// The first plugin found with an id wins.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tessera/ext/view.h>

#include "core/data_api.hpp"
#include "formats/registry.hpp"
#include "loader/host_extensions.hpp"
#include "loader/manifest.hpp"
#include "loader/search_path.hpp"
#include "lua/limits.hpp"
#include "qa/rule.hpp"

namespace tessera::plugins {

/// Whether a plugin's contributions are in use.
enum class State {
    Loaded,    ///< in use
    Refused,   ///< not loaded; `reason` says why
    Disabled,  ///< found but switched off by the host (LoadOptions::disabled); its code never ran
};

/// "loaded", "refused" or "disabled".
[[nodiscard]] std::string_view to_string(State state);

/// One plugin as `tessera plugins list` shows it.
struct PluginRecord {
    std::string id{};
    std::string name{};
    std::string version{};
    Kind kind = Kind::Native;
    /// The kind of search folder it was found in (Builtin for built-in plugins).
    Origin origin = Origin::Builtin;
    State state = State::Loaded;
    /// Why it is refused or disabled; empty when loaded.
    std::string reason{};
    /// The plugin folder; empty for built-in plugins (and for a refused
    /// plugin whose folder held no readable manifest, the folder it was found in).
    std::filesystem::path folder{};
    /// Extension ids it provides, e.g. "tessera.qa-rules/1".
    std::vector<std::string> extensions{};
};

/// A label schema some plugin provides.
struct SchemaRecord {
    /// The schema's id and version (LabelSchema.id / .version).
    std::string id{};
    std::string version{};
    /// The plugin providing it.
    std::string plugin_id{};
    /// The tessera.v1.LabelSchema buffer, verified.
    std::vector<std::uint8_t> bytes{};
    /// The verified root of `bytes`.
    [[nodiscard]] const v1::LabelSchema& root() const;
};

/// A view some plugin provides (tessera.view/1), native or Lua.
struct ViewRecord {
    /// The plugin providing it.
    std::string plugin_id{};
    /// Its instance and extension; they live as long as the PluginHost.
    const tessera_plugin_t* plugin = nullptr;
    const tessera_plugin_view_t* view = nullptr;
};

/// A plugin compiled into the host (its formats, rules and schemas).
struct BuiltinPlugin {
    std::string id{};
    std::string name{};
    std::string version{};
    /// Formats it provides (extension tessera.format/1).
    std::vector<formats::Format> formats{};
    /// Its rules (extension tessera.qa-rules/1), or null. Not owned: must
    /// outlive the PluginHost (built-in providers are static).
    const qa::RuleProvider* rules = nullptr;
    /// tessera.v1.LabelSchema buffers (extension tessera.label-schema/1); verified when added.
    std::vector<std::vector<std::uint8_t>> schemas{};
};

/// Limits of the Lua sandbox for Lua plugins (docs/architecture.md §5).
using LuaLimits = lua::Limits;

/// How plugins are loaded.
struct LoadOptions {
    /// Ids recorded as disabled instead of loaded (a profile or project switched them off).
    std::set<std::string, std::less<>> disabled{};
    LuaLimits lua{};
    /// Whether native plugins found in the project's own plugins/ folder
    /// (Origin::Project) may load. Off: such a plugin is refused before its
    /// library is opened, so none of its code runs. A user-side setting (the
    /// hosts read kAllowProjectNativeEnv); never taken from the project.
    bool allow_project_native = false;
    /// The SDK version the host presents to plugins: TESSERA_VERSION_INIT
    /// (tests present a newer minor to prove older plugins load).
    tessera_version_t sdk_version = TESSERA_VERSION_INIT;
};

/// What a plugin offers once its code has run (or, for a built-in, as registered).
struct Contribution {
    /// Name and version from the plugin's code (used when plugin.json leaves them out).
    std::string name{};
    std::string version{};
    std::vector<std::string> extensions{};
    /// tessera.v1.LabelSchema buffers, verified.
    std::vector<std::vector<std::uint8_t>> schemas{};
    /// Its rules, or null; kept alive by `keep_alive` (or static, for built-ins).
    const qa::RuleProvider* rules = nullptr;
    std::vector<formats::Format> formats{};
    /// Its view, or null; kept alive by `keep_alive`.
    const tessera_plugin_t* view_plugin = nullptr;
    const tessera_plugin_view_t* view = nullptr;
    /// Whatever must live as long as the contributions (instance, Lua state).
    std::shared_ptr<const void> keep_alive{};
};

/// Every plugin of one host. [main-thread]: load and register from one
/// thread; the accessors may then be read from any thread while nothing loads.
class PluginHost {
public:
    /// `host_name` and `host_version` are what native plugins read from tessera_host_t.
    explicit PluginHost(LoadOptions options = {}, std::string host_name = "tessera",
                        std::string host_version = "0.1.0");
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;

    /// Where plugins and the loader log (stderr by default; see HostExtensions::set_log).
    void set_log(LogFn log) { host_->set_log(std::move(log)); }
    /// Offers `project` to native plugins (tessera.host.project/1); nullptr withdraws it.
    void attach_project(store::Project* project) { host_->attach_project(project); }
    /// The host side of the ABI given to native plugins.
    [[nodiscard]] HostExtensions& host_extensions() { return *host_; }

    /// Registers a built-in plugin. Refused like any other plugin when its id,
    /// a format name, a rule id or a schema id is taken, or a schema fails the
    /// Verifier. Returns its record (valid until the next add or load).
    const PluginRecord& add_builtin(BuiltinPlugin plugin);

    /// Discovers and loads the plugins of every folder of `search_path`, in
    /// order. A plugin folder already recorded (the same folder on disk, by
    /// whatever path) is skipped rather than refused as a duplicate.
    void load(std::span<const SearchFolder> search_path);
    /// Loads the plugin in `dir` (the folder holding plugin.json), found in a
    /// search folder of kind `origin`. Returns its record (valid until the next
    /// add or load).
    const PluginRecord& load_folder(const std::filesystem::path& dir,
                                    Origin origin = Origin::PluginPath);

    /// Every plugin seen, loaded or not, in the order found.
    [[nodiscard]] std::span<const PluginRecord> plugins() const { return records_; }
    /// The first plugin recorded with `id` (the one in use when it loaded), or nullptr.
    [[nodiscard]] const PluginRecord* find(std::string_view id) const;
    /// Label schemas of loaded plugins, in load order.
    [[nodiscard]] std::span<const SchemaRecord> schemas() const { return schemas_; }
    /// The schema whose id is `id`, or nullptr.
    [[nodiscard]] const SchemaRecord* find_schema(std::string_view id) const;
    /// Rule providers of loaded plugins, in load order (built-in ones included).
    [[nodiscard]] std::vector<const qa::RuleProvider*> rule_providers() const;
    /// Formats of loaded plugins by name (built-in ones included).
    [[nodiscard]] const formats::Registry& formats() const { return formats_; }
    /// Views of loaded plugins, in load order.
    [[nodiscard]] std::span<const ViewRecord> views() const { return views_; }

private:
    PluginRecord& refuse(PluginRecord record, std::string reason);
    // Refuses a duplicate id or records a disabled plugin and returns that
    // record; nullptr when loading may go on.
    const PluginRecord* screen(PluginRecord& record);
    // Whether a record exists for the folder `dir` (compared on disk).
    [[nodiscard]] bool seen(const std::filesystem::path& dir) const;
    // Checks that nothing of `contribution` is taken, then publishes it;
    // refuses the plugin otherwise.
    PluginRecord& accept(PluginRecord record, Contribution contribution);

    LoadOptions options_;
    std::shared_ptr<HostExtensions> host_;
    std::vector<PluginRecord> records_;
    // Indexes into records_ of project native plugins refused for want of permission.
    std::set<std::size_t> awaiting_permission_;
    std::vector<SchemaRecord> schemas_;
    std::vector<const qa::RuleProvider*> providers_;
    std::vector<ViewRecord> views_;
    std::vector<std::shared_ptr<const void>> keep_alive_;  // instances, Lua states, owned providers
    formats::Registry formats_;
};

}  // namespace tessera::plugins
