#pragma once
// PluginBase: one C++ class becomes a tessera_plugin_t. Every callback the
// host can reach goes through a noexcept trampoline that catches everything
// (std::exception and ...) and turns it into a status, a per-thread
// get_last_error() message and a line in the host log (tessera.host.log/1).
// An exception thrown by one QA rule fails only that rule on that item
// (tessera_qa_context_t::rule_failed); the other rules still run and report.
// A plugin with a view (tessera.view/1) gives it to set_view() in init(); see
// view.hpp.
//
//   class Rules : public tessera::cpp::PluginBase {
//   public:
//       static constexpr tessera_plugin_descriptor_t descriptor = {
//           .sdk_version = TESSERA_VERSION_INIT, .id = "com.example.rules", ...};
//       Rules() { add_rule("com.example.rules.x", "...", TESSERA_SEVERITY_ERROR, check_x); }
//   };
//   TESSERA_CPP_PLUGIN_ENTRY(Rules);

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <flatbuffers/flatbuffers.h>

#include "../entry.h"
#include "../ext/label_schema.h"
#include "../ext/qa_rules.h"
#include "../factory.h"
#include "../plugin.h"
#include "../status.h"
#include "../version.h"
#include "error.hpp"
#include "findings.hpp"
#include "host.hpp"
#include "input.hpp"
#include "schema_builder.hpp"
#include "view.hpp"

namespace tessera::cpp {

template <class... Plugins>
struct Library;

/// Base class of a C++ plugin. A derived class `P` must be default-
/// constructible and declare `static constexpr tessera_plugin_descriptor_t
/// descriptor`. Register rules and schemas in the constructor or in init();
/// the host is reachable from init() on.
class PluginBase {
public:
    /// The check of one rule: read `input`, report through `findings`. Called
    /// from several worker threads at once; an exception fails this rule on
    /// this item only (the other rules still run).
    using RuleCheck = std::function<void(const QaInput& input, Findings& findings)>;

    PluginBase() = default;
    virtual ~PluginBase() = default;
    PluginBase(const PluginBase&) = delete;
    PluginBase& operator=(const PluginBase&) = delete;

    /// Second-stage set-up, after the host is attached. Throw to refuse the
    /// plugin; the message reaches the host. [main-thread]
    virtual void init() {}

    /// Runs the enabled rules over one item. The default runs each rule added
    /// with add_rule() and fails a rule that throws through Findings::fail(),
    /// so only that rule gets an error finding; override for rules that share
    /// work. An exception escaping this call fails every rule. [thread-safe]
    virtual void check_item(const QaInput& input) const {
        std::string unreported;  // failures the host's context could not take
        const auto fail = [&](const Findings& findings, const std::string& message) {
            if (findings.fail(message)) return;
            unreported +=
                (unreported.empty() ? "" : "; ") + ("rule " + findings.rule() + ": ") + message;
        };
        for (const Rule& rule : rules_) {
            Findings findings(input.context(), rule.id);
            try {
                if (findings.enabled()) rule.check(input, findings);
            } catch (const std::exception& e) {
                fail(findings, e.what());
            } catch (...) {
                fail(findings, "unknown exception");
            }
        }
        if (!unreported.empty()) throw Error(unreported);
    }

    /// Extensions beyond the label-schema and qa-rules ones the base offers
    /// (e.g. a tessera_plugin_format_t), by id; nullptr = none. [thread-safe]
    [[nodiscard]] virtual const void* extension(std::string_view id) const noexcept {
        (void)id;
        return nullptr;
    }

    /// The host that created this instance.
    [[nodiscard]] const Host& host() const noexcept { return host_; }
    /// This instance as the host sees it.
    [[nodiscard]] const tessera_plugin_t* c_plugin() const noexcept { return &c_plugin_; }
    /// The plugin id from the descriptor.
    [[nodiscard]] std::string_view id() const noexcept {
        return c_plugin_.desc && c_plugin_.desc->id ? c_plugin_.desc->id : "";
    }
    /// The view given to set_view(), or nullptr.
    [[nodiscard]] View* view() const noexcept { return view_.get(); }

    /// Writes one line to the host log, attributed to this plugin. Thread-safe.
    void log(tessera_log_level_t level, std::string_view message) const noexcept {
        host_.log(level, message, &c_plugin_);
    }

protected:
    /// Offers a QA rule: unique `id`, one-line `description`, default severity
    /// and the check. Call before init() returns.
    void add_rule(std::string id, std::string description, tessera_severity_t severity,
                  RuleCheck check) {
        if (sealed_) throw std::logic_error("add_rule(" + id + ") after init()");
        rules_.push_back(Rule{std::move(id), std::move(description), severity, std::move(check)});
    }

    /// Offers a label schema (packed now). Call before init() returns.
    void add_label_schema(const LabelSchemaBuilder& schema) {
        if (sealed_) throw std::logic_error("add_label_schema() after init()");
        schemas_.push_back(schema.finish());
    }

    /// Offers `view` as this plugin's tessera.view/1, listed as `info` (with at
    /// least one tool). Call in init() (a view usually needs host()); once per plugin.
    void set_view(ViewInfo info, std::unique_ptr<View> view) {
        if (sealed_) throw std::logic_error("set_view() after init()");
        if (view_) throw std::logic_error("set_view() called twice");
        if (!view) throw std::invalid_argument("set_view() without a view");
        if (info.tools.empty())
            throw std::invalid_argument(
                "set_view(): the view has no tools; it needs at least one (the first is the "
                "default)");
        view_ = std::move(view);
        view_ext_ = tessera_plugin_view_t{
            .name = info.name,
            .media_kinds = info.media_kinds,
            .tools = info.tools.data(),
            .tool_count = static_cast<uint32_t>(info.tools.size()),
            .open_item = &c_open_item,
            .set_annotations = &c_set_annotations,
            .frame = &c_frame,
            .options = &c_options,
        };
    }

private:
    template <class... Plugins>
    friend struct Library;

    struct Rule {
        std::string id;
        std::string description;
        tessera_severity_t severity;
        RuleCheck check;
    };

    // Connects the instance to `host`; called by the factory right after construction.
    void attach(const tessera_host_t* host,
                const tessera_plugin_descriptor_t* descriptor) noexcept {
        host_ = Host(host);
        c_plugin_ = tessera_plugin_t{
            .desc = descriptor,
            .plugin_data = this,
            .init = &c_init,
            .destroy = &c_destroy,
            .get_extension = &c_get_extension,
            .get_last_error = &c_get_last_error,
        };
    }

    // Records a failure of `call` and logs it. Never throws.
    void failed(const char* call, const char* what) const noexcept {
        try {
            std::string message = std::string(id()) + ": " + call + ": " + what;
            log(TESSERA_LOG_ERROR, message);
            last_error_.set(std::move(message));
        } catch (...) {
            last_error_.set({});
        }
    }

    // The trampoline: runs `body`, turning any exception into `failure` (or
    // the Error's own status when the call returns a status).
    template <class Result, class Body>
    Result guarded(const char* call, Result failure, Body&& body) const noexcept {
        try {
            return body();
        } catch (const Error& e) {
            failed(call, e.what());
            if constexpr (std::is_same_v<Result, tessera_status_t>) return e.status();
        } catch (const std::exception& e) {
            failed(call, e.what());
        } catch (...) {
            failed(call, "unknown exception");
        }
        return failure;
    }

    static PluginBase& self(const tessera_plugin_t* plugin) noexcept {
        return *static_cast<PluginBase*>(plugin->plugin_data);
    }

    static bool TESSERA_ABI c_init(const tessera_plugin_t* plugin) noexcept {
        PluginBase& s = self(plugin);
        return s.guarded("init", false, [&] {
            s.init();
            s.sealed_ = true;
            return true;
        });
    }

    static void TESSERA_ABI c_destroy(const tessera_plugin_t* plugin) noexcept {
        delete &self(plugin);  // destructors must not throw
    }

    static const void* TESSERA_ABI c_get_extension(const tessera_plugin_t* plugin,
                                                   const char* id) noexcept {
        static const tessera_plugin_label_schema_t label_schema = {
            .count = &c_schema_count,
            .get = &c_schema_get,
        };
        static const tessera_plugin_qa_rules_t qa_rules = {
            .count = &c_rule_count,
            .get = &c_rule_get,
            .check_item = &c_check_item,
        };
        const PluginBase& s = self(plugin);
        if (!id) return nullptr;
        if (const void* own = s.extension(id)) return own;
        if (!s.schemas_.empty() && std::strcmp(id, TESSERA_EXT_LABEL_SCHEMA) == 0)
            return &label_schema;
        if (!s.rules_.empty() && std::strcmp(id, TESSERA_EXT_QA_RULES) == 0) return &qa_rules;
        if (s.view_ && std::strcmp(id, TESSERA_EXT_VIEW) == 0) return &s.view_ext_;
        return nullptr;
    }

    static std::span<const std::uint8_t> span_of(tessera_bytes_t bytes) noexcept {
        return bytes.data ? std::span<const std::uint8_t>(bytes.data, bytes.size)
                          : std::span<const std::uint8_t>();
    }
    static tessera_status_t TESSERA_ABI c_open_item(const tessera_plugin_t* plugin,
                                                    tessera_bytes_t item,
                                                    tessera_bytes_t annotations,
                                                    const char* media_path) noexcept {
        PluginBase& s = self(plugin);
        return s.guarded<tessera_status_t>("open_item", TESSERA_ERROR, [&] {
            s.view_->open_item(span_of(item), span_of(annotations), media_path ? media_path : "");
            return TESSERA_OK;
        });
    }
    static tessera_status_t TESSERA_ABI c_set_annotations(const tessera_plugin_t* plugin,
                                                          tessera_bytes_t annotations) noexcept {
        PluginBase& s = self(plugin);
        return s.guarded<tessera_status_t>("set_annotations", TESSERA_ERROR, [&] {
            s.view_->set_annotations(span_of(annotations));
            return TESSERA_OK;
        });
    }
    static void TESSERA_ABI c_frame(const tessera_plugin_t* plugin, const tessera_host_ui_t* ui_api,
                                    tessera_ui_t* ui, const tessera_view_state_t* state) noexcept {
        if (!ui_api || !state) return;
        PluginBase& s = self(plugin);
        try {
            s.view_->frame(*ui_api, ui, *state);
            s.last_frame_error_.clear();
        } catch (const std::exception& e) {
            s.frame_failed(e.what());
        } catch (...) {
            s.frame_failed("unknown exception");
        }
    }
    // A frame that fails fails again at the next one: each message is reported once.
    void frame_failed(const char* what) noexcept {
        try {
            if (last_frame_error_ == what) return;
            last_frame_error_ = what;
        } catch (...) {
        }
        failed("frame", what);
    }
    static void TESSERA_ABI c_options(const tessera_plugin_t* plugin,
                                      const tessera_host_ui_t* ui_api, tessera_ui_t* ui) noexcept {
        if (!ui_api) return;
        PluginBase& s = self(plugin);
        (void)s.guarded<bool>("options", false, [&] {
            s.view_->options(*ui_api, ui);
            return true;
        });
    }

    static const char* TESSERA_ABI c_get_last_error(const tessera_plugin_t* plugin) noexcept {
        return self(plugin).last_error_.get();
    }

    static uint32_t TESSERA_ABI c_schema_count(const tessera_plugin_t* plugin) noexcept {
        return static_cast<uint32_t>(self(plugin).schemas_.size());
    }

    static tessera_status_t TESSERA_ABI c_schema_get(const tessera_plugin_t* plugin, uint32_t index,
                                                     tessera_bytes_t* schema) noexcept {
        const PluginBase& s = self(plugin);
        return s.guarded<tessera_status_t>(
            "label_schema.get", TESSERA_ERROR, [&]() -> tessera_status_t {
                if (!schema) throw Error(TESSERA_INVALID_ARGUMENT, "schema is NULL");
                if (index >= s.schemas_.size()) {
                    throw Error(TESSERA_NOT_FOUND, "no label schema " + std::to_string(index));
                }
                *schema = tessera_bytes_t{.data = s.schemas_[index].data(),
                                          .size = s.schemas_[index].size()};
                return TESSERA_OK;
            });
    }

    static uint32_t TESSERA_ABI c_rule_count(const tessera_plugin_t* plugin) noexcept {
        return static_cast<uint32_t>(self(plugin).rules_.size());
    }

    static bool TESSERA_ABI c_rule_get(const tessera_plugin_t* plugin, uint32_t index,
                                       tessera_qa_rule_info_t* info) noexcept {
        const PluginBase& s = self(plugin);
        if (!info || index >= s.rules_.size()) return false;
        const Rule& rule = s.rules_[index];
        *info = tessera_qa_rule_info_t{
            .id = rule.id.c_str(),
            .description = rule.description.c_str(),
            .default_severity = rule.severity,
        };
        return true;
    }

    static tessera_status_t TESSERA_ABI c_check_item(const tessera_plugin_t* plugin,
                                                     const tessera_qa_context_t* context) noexcept {
        const PluginBase& s = self(plugin);
        return s.guarded<tessera_status_t>("check_item", TESSERA_ERROR, [&]() -> tessera_status_t {
            if (!context || !context->report)
                throw Error(TESSERA_INVALID_ARGUMENT, "no QA context");
            s.check_item(QaInput(*context));
            return TESSERA_OK;
        });
    }

    Host host_;
    tessera_plugin_t c_plugin_{};
    mutable LastError last_error_;
    std::vector<Rule> rules_;
    std::vector<flatbuffers::DetachedBuffer> schemas_;
    std::unique_ptr<View> view_;
    tessera_plugin_view_t view_ext_{};
    std::string last_frame_error_;  // of the last failing frame(), reported once
    bool sealed_ = false;
};

/// The folder holding the library's plugin.json, as passed to the entry's
/// init(); "" before it.
[[nodiscard]] inline std::string& plugin_dir() noexcept {
    static std::string dir;
    return dir;
}

/// The entry and factory of a library of C++ plugins `Plugins...` (each
/// derived from PluginBase). Use through TESSERA_CPP_PLUGIN_ENTRY. A plugin
/// class may define `static void on_load(std::string_view plugin_dir)` and
/// `static void on_unload()`; on_load may throw to refuse the library.
template <class... Plugins>
struct Library {
    static_assert(sizeof...(Plugins) > 0, "a library provides at least one plugin");
    static_assert((std::is_base_of_v<PluginBase, Plugins> && ...),
                  "plugins derive from tessera::cpp::PluginBase");

    /// tessera_plugin_entry_t::init.
    static bool TESSERA_ABI init(const char* dir) noexcept {
        try {
            plugin_dir() = dir ? dir : "";
            (call_on_load<Plugins>(), ...);
            return true;
        } catch (const std::exception& e) {
            // No host exists yet: stderr is the only channel left.
            std::fprintf(stderr, "tessera plugin in %s: init failed: %s\n", dir ? dir : "?",
                         e.what());
        } catch (...) {
            std::fprintf(stderr, "tessera plugin in %s: init failed\n", dir ? dir : "?");
        }
        return false;
    }

    /// tessera_plugin_entry_t::deinit.
    static void TESSERA_ABI deinit() noexcept { (call_on_unload<Plugins>(), ...); }

    /// tessera_plugin_entry_t::get_factory.
    static const void* TESSERA_ABI get_factory(const char* factory_id) noexcept {
        static const tessera_plugin_factory_t factory = {
            .get_plugin_count = &count,
            .get_plugin_descriptor = &descriptor,
            .create_plugin = &create,
        };
        if (!factory_id || std::strcmp(factory_id, TESSERA_PLUGIN_FACTORY_ID) != 0) return nullptr;
        return &factory;
    }

private:
    static constexpr const tessera_plugin_descriptor_t* descriptors[] = {&Plugins::descriptor...};

    template <class P>
    static void call_on_load() {
        if constexpr (requires { P::on_load(std::string_view()); }) P::on_load(plugin_dir());
    }
    template <class P>
    static void call_on_unload() noexcept {
        if constexpr (requires { P::on_unload(); }) {
            try {
                P::on_unload();
            } catch (...) {
            }
        }
    }

    static uint32_t TESSERA_ABI count(const tessera_plugin_factory_t*) noexcept {
        return static_cast<uint32_t>(sizeof...(Plugins));
    }

    static const tessera_plugin_descriptor_t* TESSERA_ABI
    descriptor(const tessera_plugin_factory_t*, uint32_t index) noexcept {
        return index < sizeof...(Plugins) ? descriptors[index] : nullptr;
    }

    template <class P>
    static const tessera_plugin_t* create_one(const tessera_host_t* host) noexcept {
        try {
            P* plugin = new P();
            plugin->attach(host, &P::descriptor);
            return &plugin->c_plugin_;
        } catch (const std::exception& e) {
            Host(host).log(TESSERA_LOG_ERROR,
                           std::string(P::descriptor.id) + ": create_plugin: " + e.what());
        } catch (...) {
            Host(host).log(TESSERA_LOG_ERROR,
                           std::string(P::descriptor.id) + ": create_plugin: unknown exception");
        }
        return nullptr;
    }

    static const tessera_plugin_t* TESSERA_ABI create(const tessera_plugin_factory_t*,
                                                      const tessera_host_t* host,
                                                      const char* plugin_id) noexcept {
        if (!plugin_id) return nullptr;
        const tessera_plugin_t* created = nullptr;
        ((created == nullptr && std::strcmp(plugin_id, Plugins::descriptor.id) == 0
              ? (void)(created = create_one<Plugins>(host))
              : (void)0),
         ...);
        return created;
    }
};

}  // namespace tessera::cpp

/// Defines the library's `tessera_plugin_entry` for the C++ plugin classes
/// given (one or more, each derived from tessera::cpp::PluginBase). Use once
/// per library, at namespace scope, followed by a semicolon.
#define TESSERA_CPP_PLUGIN_ENTRY(...)                                               \
    extern "C" TESSERA_EXPORT const tessera_plugin_entry_t tessera_plugin_entry = { \
        .sdk_version = TESSERA_VERSION_INIT,                                        \
        .init = &::tessera::cpp::Library<__VA_ARGS__>::init,                        \
        .deinit = &::tessera::cpp::Library<__VA_ARGS__>::deinit,                    \
        .get_factory = &::tessera::cpp::Library<__VA_ARGS__>::get_factory,          \
    }
