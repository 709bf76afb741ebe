#include "loader/host_extensions.hpp"

#include <cstdio>
#include <cstring>
#include <mutex>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "core/display_text.hpp"
#include "core/error.hpp"
#include "store/project.hpp"

namespace tessera::plugins {

struct HostExtensions::PluginHost {
    tessera_host_t host{};
    HostExtensions* owner = nullptr;
    std::string plugin_id;
    std::string last_error;  // tessera.host.project/1's get_last_error
};

namespace {

using PluginHost = HostExtensions::PluginHost;

PluginHost& state_of(const tessera_host_t* host) {
    return *static_cast<PluginHost*>(host->host_data);
}

// --- tessera.host.log/1 ------------------------------------------------------

void TESSERA_ABI log_line(const tessera_host_t* host, const tessera_plugin_t*,
                          tessera_log_level_t level, const char* message) {
    if (host == nullptr || host->host_data == nullptr) return;
    try {
        const PluginHost& state = state_of(host);
        state.owner->log(level, state.plugin_id, message != nullptr ? message : "");
    } catch (...) {  // a log line is not worth unwinding into the plugin
    }
}

const tessera_host_log_t kLog{.log = log_line};

// --- tessera.host.project/1 --------------------------------------------------

// Runs `body` against the attached project, turning every failure into a
// status and the host's last error. [main-thread]
template <class Body>
tessera_status_t with_project(const tessera_host_t* host, Body&& body) {
    if (host == nullptr || host->host_data == nullptr) return TESSERA_INVALID_ARGUMENT;
    PluginHost& state = state_of(host);
    state.last_error.clear();
    store::Project* project = state.owner->project();
    if (project == nullptr) {
        state.last_error = "no project is open";
        return TESSERA_ERROR;
    }
    try {
        return body(*project, state.last_error);
    } catch (const std::exception& e) {
        state.last_error = e.what();
    } catch (...) {
        state.last_error = "unknown error";
    }
    return TESSERA_ERROR;
}

tessera_status_t write_to(const tessera_bytes_sink_t* out, std::span<const std::uint8_t> bytes,
                          std::string& error) {
    if (out == nullptr || out->write == nullptr) {
        error = "the output sink or its write() is NULL";
        return TESSERA_INVALID_ARGUMENT;
    }
    if (!out->write(out, bytes.data(), bytes.size())) {
        error = "the output sink stopped the copy";
        return TESSERA_ABORTED;
    }
    return TESSERA_OK;
}

// Reads something of item `id`; a missing item is TESSERA_NOT_FOUND.
template <class Read>
tessera_status_t read_of_item(const tessera_host_t* host, std::uint64_t id,
                              const tessera_bytes_sink_t* out, Read&& read) {
    return with_project(host, [&](store::Project& project, std::string& error) -> tessera_status_t {
        store::Bytes bytes;
        try {
            bytes = read(project, id);
        } catch (const Error& e) {
            error = e.what();
            return project.has_item(id) ? TESSERA_ERROR : TESSERA_NOT_FOUND;
        }
        return write_to(out, bytes, error);
    });
}

std::uint64_t TESSERA_ABI item_count(const tessera_host_t* host) {
    std::uint64_t count = 0;
    (void)with_project(host, [&](store::Project& project, std::string&) -> tessera_status_t {
        count = project.item_count();
        return TESSERA_OK;
    });
    return count;
}

std::uint64_t TESSERA_ABI list_items(const tessera_host_t* host, std::uint64_t after,
                                     std::uint64_t* ids, std::uint64_t capacity) {
    std::uint64_t written = 0;
    (void)with_project(host, [&](store::Project& project, std::string& error) -> tessera_status_t {
        if (ids == nullptr && capacity > 0) {
            error = "ids is NULL";
            return TESSERA_INVALID_ARGUMENT;
        }
        for (const store::ItemSummary& summary : project.items()) {  // ordered by id
            if (written == capacity) break;
            if (summary.id > after) ids[written++] = summary.id;
        }
        return TESSERA_OK;
    });
    return written;
}

tessera_status_t TESSERA_ABI read_item(const tessera_host_t* host, std::uint64_t item,
                                       const tessera_bytes_sink_t* out) {
    return read_of_item(host, item, out,
                        [](store::Project& p, std::uint64_t id) { return p.item(id); });
}

tessera_status_t TESSERA_ABI read_annotations(const tessera_host_t* host, std::uint64_t item,
                                              const tessera_bytes_sink_t* out) {
    return read_of_item(host, item, out,
                        [](store::Project& p, std::uint64_t id) { return p.annotations(id); });
}

tessera_status_t TESSERA_ABI read_label_schema(const tessera_host_t* host,
                                               const tessera_bytes_sink_t* out) {
    return with_project(host, [&](store::Project& project, std::string& error) -> tessera_status_t {
        return write_to(out, project.label_schema(), error);
    });
}

tessera_status_t TESSERA_ABI submit_edits(const tessera_host_t* host, tessera_bytes_t edit_batch,
                                          std::uint64_t* journal_seq) {
    return with_project(host, [&](store::Project& project, std::string& error) -> tessera_status_t {
        if (edit_batch.data == nullptr && edit_batch.size > 0) {
            error = "edit_batch.data is NULL";
            return TESSERA_INVALID_ARGUMENT;
        }
        try {
            const std::span<const std::uint8_t> batch(edit_batch.data, edit_batch.size);
            const HostExtensions& owner = *state_of(host).owner;
            const std::uint64_t seq = owner.submit() ? owner.submit()(batch) : project.apply(batch);
            if (journal_seq != nullptr) *journal_seq = seq;
        } catch (const Error& e) {
            error = e.what();
            return TESSERA_ERROR;
        }
        return TESSERA_OK;
    });
}

const char* TESSERA_ABI project_last_error(const tessera_host_t* host) {
    if (host == nullptr || host->host_data == nullptr) return "";
    return state_of(host).last_error.c_str();
}

const tessera_host_project_t kProject{
    .item_count = item_count,
    .list_items = list_items,
    .read_item = read_item,
    .read_annotations = read_annotations,
    .read_label_schema = read_label_schema,
    .submit_edits = submit_edits,
    .get_last_error = project_last_error,
};

// --- tessera_host_t ----------------------------------------------------------

const void* TESSERA_ABI get_extension(const tessera_host_t* host, const char* id) {
    if (host == nullptr || host->host_data == nullptr || id == nullptr) return nullptr;
    if (std::strcmp(id, TESSERA_EXT_HOST_LOG) == 0) return &kLog;
    if (std::strcmp(id, TESSERA_EXT_HOST_PROJECT) == 0)
        return state_of(host).owner->project() != nullptr ? &kProject : nullptr;
    return state_of(host).owner->offered(id);
}

}  // namespace

std::string_view to_string(tessera_log_level_t level) {
    switch (level) {
        case TESSERA_LOG_DEBUG:
            return "debug";
        case TESSERA_LOG_INFO:
            return "info";
        case TESSERA_LOG_WARNING:
            return "warning";
        case TESSERA_LOG_ERROR:
            return "error";
    }
    return "log";
}

LogFn stderr_log() {
    return [](tessera_log_level_t level, std::string_view plugin_id, std::string_view message) {
        static std::mutex mutex;
        // Plugins write these lines: one line each, nothing a terminal acts on.
        const std::string line = fmt::format("tessera: [{}] {}: {}\n", terminal_text(plugin_id),
                                             to_string(level), terminal_text(message));
        const std::lock_guard lock(mutex);
        std::fwrite(line.data(), 1, line.size(), stderr);
    };
}

HostExtensions::HostExtensions(std::string name, std::string version, tessera_version_t sdk_version)
    : name_(std::move(name)),
      version_(std::move(version)),
      sdk_version_(sdk_version),
      log_(stderr_log()) {}

HostExtensions::~HostExtensions() = default;

void HostExtensions::set_log(LogFn log) {
    log_ = log ? std::move(log) : stderr_log();
}

void HostExtensions::log(tessera_log_level_t level, std::string_view plugin_id,
                         std::string_view message) const {
    log_(level, plugin_id, message);
}

const tessera_host_t* HostExtensions::host_for(std::string_view plugin_id) {
    auto state = std::make_unique<PluginHost>();
    state->owner = this;
    state->plugin_id = plugin_id;
    state->host = tessera_host_t{
        .sdk_version = sdk_version_,
        .host_data = state.get(),
        .name = name_.c_str(),
        .version = version_.c_str(),
        .get_extension = get_extension,
    };
    hosts_.push_back(std::move(state));
    return &hosts_.back()->host;
}

void HostExtensions::offer(std::string id, const void* extension) {
    offered_[std::move(id)] = extension;
}

const void* HostExtensions::offered(std::string_view id) const {
    const auto found = offered_.find(id);
    return found == offered_.end() ? nullptr : found->second;
}

std::string_view HostExtensions::plugin_id_of(const tessera_host_t* host) {
    if (host == nullptr || host->host_data == nullptr || host->get_extension != get_extension)
        return {};
    return state_of(host).plugin_id;
}

}  // namespace tessera::plugins
