#pragma once
// The host as a C++ plugin sees it: its extensions and its log.

#include <string>
#include <string_view>

#include "../ext/host_log.h"
#include "../host.h"
#include "../plugin.h"

namespace tessera::cpp {

/// A borrowed view of a tessera_host_t. Cheap to copy; everything it points
/// to is host-owned and outlives the plugin instance.
class Host {
public:
    /// A host that offers nothing (logging is dropped).
    Host() = default;
    /// Wraps `host` (may be NULL) and looks up tessera.host.log/1 once.
    explicit Host(const tessera_host_t* host) noexcept : host_(host) {
        log_ = extension<tessera_host_log_t>(TESSERA_EXT_HOST_LOG);
    }

    /// The C struct, or nullptr.
    [[nodiscard]] const tessera_host_t* get() const noexcept { return host_; }

    /// Host name, e.g. "tessera"; "" when unknown.
    [[nodiscard]] std::string_view name() const noexcept {
        return host_ && host_->name ? host_->name : "";
    }

    /// The host extension `id` cast to its struct, or nullptr when the host
    /// does not offer it. Thread-safe.
    template <class Extension>
    [[nodiscard]] const Extension* extension(const char* id) const noexcept {
        if (!host_ || !host_->get_extension) return nullptr;
        return static_cast<const Extension*>(host_->get_extension(host_, id));
    }

    /// True when the host offers tessera.host.log/1.
    [[nodiscard]] bool has_log() const noexcept { return log_ && log_->log; }

    /// Writes one line to the host log, attributed to `plugin` (may be
    /// nullptr); dropped when the host has no log. Thread-safe, never throws.
    void log(tessera_log_level_t level, std::string_view message,
             const tessera_plugin_t* plugin = nullptr) const noexcept {
        if (!has_log()) return;
        try {
            const std::string line(message);
            log_->log(host_, plugin, level, line.c_str());
        } catch (...) {
            // Out of memory while copying a log line: nothing better to do.
        }
    }

private:
    const tessera_host_t* host_ = nullptr;
    const tessera_host_log_t* log_ = nullptr;
};

}  // namespace tessera::cpp
