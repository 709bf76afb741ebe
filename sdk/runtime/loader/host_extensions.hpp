#pragma once
// The host as native plugins see it: one tessera_host_t per plugin, offering
// tessera.host.log/1 (always) and tessera.host.project/1 (while a project is
// attached).
//
// Implemented: log (to a host-supplied callback, stderr by default, each line
// attributed to the plugin), project reads (item count, paging item ids,
// items, annotation sets, the label schema) and edit batches through
// store::Project::apply.
// A host adds its own extensions with offer() (the studio offers
// tessera.host.ui/1) and may route submitted edits through itself with
// set_submit() (the studio's undo stack).

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include <tessera/ext/host_log.h>
#include <tessera/ext/host_project.h>
#include <tessera/host.h>

namespace tessera::store {
class Project;
}

namespace tessera::plugins {

/// Receives every log line of plugins and of the loader about a plugin.
/// Called from any thread (QA workers included), so it must be thread-safe.
using LogFn = std::function<void(tessera_log_level_t level, std::string_view plugin_id,
                                 std::string_view message)>;

/// Writes "tessera: [PLUGIN] LEVEL: MESSAGE" lines to stderr, one at a time.
[[nodiscard]] LogFn stderr_log();

/// "debug", "info", "warning" or "error".
[[nodiscard]] std::string_view to_string(tessera_log_level_t level);

/// The host side of the ABI for every native plugin of one host.
class HostExtensions {
public:
    /// `name`, `version` and `sdk_version` are what plugins read from tessera_host_t.
    explicit HostExtensions(std::string name = "tessera", std::string version = "0.1.0",
                            tessera_version_t sdk_version = TESSERA_VERSION_INIT);
    ~HostExtensions();
    HostExtensions(const HostExtensions&) = delete;
    HostExtensions& operator=(const HostExtensions&) = delete;

    /// The SDK version the host presents; plugins must be compatible with it.
    [[nodiscard]] tessera_version_t sdk_version() const { return sdk_version_; }

    /// Replaces the log callback (stderr_log() by default). [main-thread], before loading.
    void set_log(LogFn log);
    /// Logs `message` attributed to `plugin_id`. [thread-safe]
    void log(tessera_log_level_t level, std::string_view plugin_id, std::string_view message) const;

    /// Offers `project` to plugins through tessera.host.project/1; nullptr
    /// withdraws it (calls then fail with "no project is open"). The project
    /// must outlive its attachment. A Project is not thread-safe, so every
    /// member of the extension is [main-thread]. [main-thread]
    void attach_project(store::Project* project) { project_.store(project); }
    /// The attached project, or nullptr.
    [[nodiscard]] store::Project* project() const { return project_.load(); }

    /// Applies one EditBatch (not yet verified) and returns its journal number;
    /// throws Error when it is refused (nothing changed).
    using SubmitFn = std::function<std::uint64_t(std::span<const std::uint8_t> edit_batch)>;
    /// Routes tessera.host.project/1 submit_edits through `submit` instead of
    /// the attached project's apply(). [main-thread], before plugins submit.
    void set_submit(SubmitFn submit) { submit_ = std::move(submit); }
    [[nodiscard]] const SubmitFn& submit() const { return submit_; }

    /// Offers the host extension `extension` (host-owned, outliving the
    /// plugins) under `id`, e.g. the studio's tessera.host.ui/1. [main-thread], before loading.
    void offer(std::string id, const void* extension);
    /// The extension offered under `id`, or nullptr.
    [[nodiscard]] const void* offered(std::string_view id) const;

    /// The tessera_host_t handed to plugin `plugin_id`: its log lines carry
    /// that id. Lives as long as this object. [main-thread]
    [[nodiscard]] const tessera_host_t* host_for(std::string_view plugin_id);

    /// The plugin id a host of host_for() belongs to ("" for a foreign host).
    [[nodiscard]] static std::string_view plugin_id_of(const tessera_host_t* host);

    struct PluginHost;

private:
    std::string name_;
    std::string version_;
    tessera_version_t sdk_version_;
    LogFn log_;
    std::atomic<store::Project*> project_{nullptr};
    SubmitFn submit_;
    std::map<std::string, const void*, std::less<>> offered_;
    std::deque<std::unique_ptr<PluginHost>> hosts_;
};

}  // namespace tessera::plugins
