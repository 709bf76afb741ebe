#pragma once
// Errors of the C++ helpers: an exception type carrying a status, and the
// per-thread last-error messages behind tessera_plugin_t.get_last_error().

#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

#include "../status.h"

namespace tessera::cpp {

/// An exception a plugin throws to fail the current call with a specific
/// status (other exceptions become TESSERA_ERROR). The message reaches the
/// host through get_last_error() and the host log.
class Error : public std::runtime_error {
public:
    /// Fails with `status` and `message` (UTF-8).
    Error(tessera_status_t status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    /// Fails with TESSERA_ERROR and `message`.
    explicit Error(const std::string& message) : Error(TESSERA_ERROR, message) {}

    /// The status the failing call returns.
    [[nodiscard]] tessera_status_t status() const noexcept { return status_; }

private:
    tessera_status_t status_;
};

/// The last failure message of one plugin instance, kept per calling thread
/// as the ABI requires: what thread T reads is what T's last failing call
/// set, valid until T's next failing call on the same instance.
class LastError {
public:
    /// Records `message` for the calling thread. Never throws (a message
    /// that cannot be stored is dropped).
    void set(std::string message) noexcept {
        try {
            std::lock_guard lock(mutex_);
            messages_[std::this_thread::get_id()] = std::move(message);
        } catch (...) {
        }
    }

    /// The calling thread's last message, "" when there is none. Only the
    /// calling thread changes its own string, so the pointer stays valid
    /// until its next set().
    [[nodiscard]] const char* get() const noexcept {
        try {
            std::lock_guard lock(mutex_);
            auto found = messages_.find(std::this_thread::get_id());
            return found == messages_.end() ? "" : found->second.c_str();
        } catch (...) {
            return "";
        }
    }

private:
    mutable std::mutex mutex_;
    std::unordered_map<std::thread::id, std::string> messages_;
};

}  // namespace tessera::cpp
