#pragma once
// The host as a C++ plugin sees it: its extensions, its log and the open
// project's label schema.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <flatbuffers/flatbuffers.h>
#include <tessera/v1/label_schema_generated.h>

#include "../bytes.h"
#include "../ext/host_log.h"
#include "../ext/host_project.h"
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

    /// The open project's label schema as a verified tessera.v1.LabelSchema
    /// buffer; empty when the host has no project open, fails, or hands out
    /// something else. Never throws: nothing may unwind through the host's
    /// call. [main-thread], as tessera.host.project/1.
    [[nodiscard]] std::vector<std::uint8_t> read_label_schema() const noexcept {
        const auto* project = extension<tessera_host_project_t>(TESSERA_EXT_HOST_PROJECT);
        if (!project || !project->read_label_schema) return {};
        std::vector<std::uint8_t> bytes;
        const tessera_bytes_sink_t sink{.ctx = &bytes, .write = &append_to_vector};
        if (project->read_label_schema(host_, &sink) != TESSERA_OK || bytes.empty()) return {};
        flatbuffers::Verifier verifier(bytes.data(), bytes.size());
        if (!v1::VerifyLabelSchemaBuffer(verifier)) return {};  // the host verifies; trust nothing
        return bytes;
    }

private:
    // A sink appending to the std::vector<std::uint8_t> in `ctx`; false (the
    // host stops) when it cannot grow, instead of throwing through the host.
    static bool TESSERA_ABI append_to_vector(const tessera_bytes_sink_t* sink, const uint8_t* data,
                                             size_t size) noexcept {
        try {
            auto& out = *static_cast<std::vector<std::uint8_t>*>(sink->ctx);
            out.insert(out.end(), data, data + size);
            return true;
        } catch (...) {
            return false;
        }
    }

    const tessera_host_t* host_ = nullptr;
    const tessera_host_log_t* log_ = nullptr;
};

}  // namespace tessera::cpp
