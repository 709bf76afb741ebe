#include "loader/loader.hpp"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/verify.hpp"
#include "loader/lua_bridge.hpp"
#include "loader/native_plugin.hpp"

namespace tessera::plugins {
namespace {

std::string string_of(const flatbuffers::String* s) {
    return s != nullptr ? s->str() : std::string();
}

const v1::LabelSchema& schema_root(std::span<const std::uint8_t> bytes) {
    return *flatbuffers::GetRoot<v1::LabelSchema>(bytes.data());
}

std::string where(const PluginRecord& record) {
    return record.kind == Kind::Builtin ? std::string("built into the host")
                                        : "from " + record.folder.generic_string();
}

}  // namespace

std::string_view to_string(State state) {
    switch (state) {
        case State::Loaded:
            return "loaded";
        case State::Refused:
            return "refused";
        case State::Disabled:
            return "disabled";
    }
    return "unknown";
}

const v1::LabelSchema& SchemaRecord::root() const {
    return schema_root(bytes);
}

PluginHost::PluginHost(LoadOptions options, std::string host_name, std::string host_version)
    : options_(std::move(options)),
      host_(std::make_shared<HostExtensions>(std::move(host_name), std::move(host_version),
                                             options_.sdk_version)) {}

// Members go in reverse order: formats and providers (which may hold plugin
// instances) before the instances; each library unloads with its last user.
PluginHost::~PluginHost() = default;

const PluginRecord* PluginHost::find(std::string_view id) const {
    const auto loaded = std::find_if(records_.begin(), records_.end(), [&](const PluginRecord& r) {
        return r.id == id && r.state == State::Loaded;
    });
    if (loaded != records_.end()) return &*loaded;
    const auto any = std::find_if(records_.begin(), records_.end(),
                                  [&](const PluginRecord& r) { return r.id == id; });
    return any == records_.end() ? nullptr : &*any;
}

const SchemaRecord* PluginHost::find_schema(std::string_view id) const {
    const auto it = std::find_if(schemas_.begin(), schemas_.end(),
                                 [&](const SchemaRecord& s) { return s.id == id; });
    return it == schemas_.end() ? nullptr : &*it;
}

std::vector<const qa::RuleProvider*> PluginHost::rule_providers() const {
    return providers_;
}

PluginRecord& PluginHost::refuse(PluginRecord record, std::string reason) {
    record.state = State::Refused;
    record.reason = std::move(reason);
    record.extensions.clear();
    host_->log(TESSERA_LOG_WARNING, record.id,
               fmt::format("plugin {} ({}) refused: {}", record.id, where(record), record.reason));
    records_.push_back(std::move(record));
    return records_.back();
}

PluginRecord& PluginHost::accept(PluginRecord record, Contribution contribution) {
    if (record.name.empty())
        record.name = contribution.name.empty() ? record.id : contribution.name;
    if (record.version.empty()) record.version = contribution.version;

    // Nothing a plugin contributes may already be taken: the first plugin wins.
    std::vector<SchemaRecord> schemas;
    for (std::size_t i = 0; i < contribution.schemas.size(); ++i) {
        auto& bytes = contribution.schemas[i];
        try {
            (void)verified_root<v1::LabelSchema>(bytes, v1::LabelSchemaIdentifier(),
                                                 fmt::format("label schema {}", i));
        } catch (const Error& e) {
            return refuse(std::move(record), e.what());
        }
        const v1::LabelSchema& root = schema_root(bytes);
        SchemaRecord schema{string_of(root.id()), string_of(root.version()), record.id,
                            std::move(bytes)};
        if (schema.id.empty())
            return refuse(std::move(record), fmt::format("label schema {} has no id", i));
        if (const SchemaRecord* taken = find_schema(schema.id))
            return refuse(std::move(record),
                          fmt::format("label schema \"{}\" is already provided by {}", schema.id,
                                      taken->plugin_id));
        if (std::any_of(schemas.begin(), schemas.end(),
                        [&](const auto& s) { return s.id == schema.id; }))
            return refuse(std::move(record),
                          fmt::format("label schema \"{}\" is provided twice", schema.id));
        schemas.push_back(std::move(schema));
    }
    for (std::size_t i = 0; i < contribution.formats.size(); ++i) {
        const formats::Format& format = contribution.formats[i];
        for (std::size_t j = 0; j < i; ++j)
            if (contribution.formats[j].name == format.name)
                return refuse(std::move(record),
                              fmt::format("format \"{}\" is provided twice", format.name));
        if (formats_.find(format.name) != nullptr)
            return refuse(
                std::move(record),
                fmt::format("format \"{}\" is already provided by another plugin", format.name));
    }
    if (contribution.rules != nullptr) {
        for (const qa::RuleInfo& rule : contribution.rules->rules())
            for (const qa::RuleProvider* provider : providers_)
                for (const qa::RuleInfo& other : provider->rules())
                    if (other.id == rule.id)
                        return refuse(std::move(record),
                                      fmt::format("QA rule \"{}\" is already provided by {}",
                                                  rule.id, provider->plugin_id()));
    }

    for (const formats::Format& format : contribution.formats) formats_.add(format);
    for (SchemaRecord& schema : schemas) schemas_.push_back(std::move(schema));
    if (contribution.rules != nullptr) providers_.push_back(contribution.rules);
    if (contribution.view != nullptr)
        views_.push_back({record.id, contribution.view_plugin, contribution.view});
    if (contribution.keep_alive) keep_alive_.push_back(std::move(contribution.keep_alive));
    record.extensions = std::move(contribution.extensions);
    record.state = State::Loaded;
    record.reason.clear();
    records_.push_back(std::move(record));
    return records_.back();
}

const PluginRecord& PluginHost::add_builtin(BuiltinPlugin plugin) {
    PluginRecord record;
    record.id = plugin.id;
    record.name = plugin.name.empty() ? plugin.id : plugin.name;
    record.version = plugin.version;
    record.kind = Kind::Builtin;
    if (const PluginRecord* screened = screen(record)) return *screened;
    Contribution contribution;
    if (!plugin.schemas.empty()) contribution.extensions.emplace_back("tessera.label-schema/1");
    if (plugin.rules != nullptr) contribution.extensions.emplace_back("tessera.qa-rules/1");
    if (!plugin.formats.empty()) contribution.extensions.emplace_back("tessera.format/1");
    contribution.schemas = std::move(plugin.schemas);
    contribution.rules = plugin.rules;
    contribution.formats = std::move(plugin.formats);
    return accept(std::move(record), std::move(contribution));
}

const PluginRecord* PluginHost::screen(PluginRecord& record) {
    if (const PluginRecord* first = find(record.id);
        first != nullptr && first->state == State::Loaded)
        return &refuse(std::move(record),
                       fmt::format("duplicate id {}, already loaded {}", record.id, where(*first)));
    if (options_.disabled.count(record.id) == 0) return nullptr;
    record.state = State::Disabled;
    record.reason = "disabled by the host's configuration";
    records_.push_back(std::move(record));
    return &records_.back();
}

void PluginHost::load(std::span<const SearchFolder> search_path) {
    for (const SearchFolder& folder : search_path)
        for (const std::filesystem::path& dir : plugin_folders(folder.path))
            if (!seen(dir)) (void)load_folder(dir, folder.origin);
}

bool PluginHost::seen(const std::filesystem::path& dir) const {
    // The same folder on disk reached twice (a built-in folder also on
    // TESSERA_PLUGIN_PATH, a symlink) is one plugin, not a duplicate of itself.
    // A native plugin refused in the project folder for want of permission may
    // still load from a folder the user chose (the user folder, TESSERA_PLUGIN_PATH).
    std::error_code ec;
    for (std::size_t i = 0; i < records_.size(); ++i)
        if (!records_[i].folder.empty() && awaiting_permission_.count(i) == 0 &&
            std::filesystem::equivalent(records_[i].folder, dir, ec))
            return true;
    return false;
}

const PluginRecord& PluginHost::load_folder(const std::filesystem::path& dir, Origin origin) {
    PluginRecord record;
    record.folder = dir;
    record.origin = origin;
    Manifest manifest;
    try {
        manifest = read_manifest(dir / kManifestFileName);
    } catch (const Error& e) {
        // No trustworthy id: the folder name stands in for it.
        record.id = dir.filename().string();
        return refuse(std::move(record), e.what());
    }
    record.id = manifest.id;
    record.name = manifest.name;
    record.version = manifest.version;
    record.kind = manifest.kind;

    if (const PluginRecord* screened = screen(record)) return *screened;
    // Native code runs with the user's rights: a project does not bring it in
    // unless the user said so. Refused before dlopen(), so no constructor runs.
    if (manifest.kind == Kind::Native && origin == Origin::Project &&
        !options_.allow_project_native) {
        awaiting_permission_.insert(records_.size());
        return refuse(std::move(record),
                      fmt::format("native plugin in the project's plugins folder, not loaded: "
                                  "native plugins run with your rights; to allow the project's "
                                  "native plugins, set {}=1",
                                  kAllowProjectNativeEnv));
    }
    const tessera_version_t host_version = options_.sdk_version;
    if (!tessera_version_is_compatible(host_version, manifest.sdk_version))
        return refuse(std::move(record),
                      fmt::format("built for SDK {}, this host has {} ({})",
                                  version_text(manifest.sdk_version), version_text(host_version),
                                  manifest.path.generic_string()));

    Contribution contribution;
    try {
        if (manifest.kind == Kind::Lua) {
            contribution = load_lua_plugin(manifest, options_.lua, host_);
        } else {
            NativeContribution native = load_native_plugin(manifest, host_);
            contribution.name = std::move(native.name);
            contribution.version = std::move(native.version);
            contribution.extensions = std::move(native.extensions);
            contribution.schemas = std::move(native.schemas);
            contribution.rules = native.rules.get();
            contribution.formats = std::move(native.formats);
            contribution.view_plugin = native.plugin->get();
            contribution.view = native.view;
            // The provider holds the instance; the instance holds the library.
            contribution.keep_alive = std::make_shared<
                std::pair<std::shared_ptr<NativePlugin>, std::shared_ptr<qa::RuleProvider>>>(
                std::move(native.plugin), std::move(native.rules));
        }
    } catch (const Error& e) {
        return refuse(std::move(record), e.what());
    } catch (const std::exception& e) {
        // Whatever a plugin's files or code make go wrong refuses that plugin only.
        return refuse(std::move(record), fmt::format("failed to load: {}", e.what()));
    }
    return accept(std::move(record), std::move(contribution));
}

}  // namespace tessera::plugins
