#include "loader/native_plugin.hpp"

#include <dlfcn.h>

#include <cstring>
#include <system_error>

#include <tessera/ext/format.h>
#include <tessera/ext/label_schema.h>
#include <tessera/ext/qa_rules.h>
#include <tessera/ext/view.h>
#include <tessera/factory.h>

#include "core/regular_file.hpp"
#include "core/verify.hpp"

namespace tessera::plugins {

/// A dlopen()ed library whose entry init() succeeded: deinit() and dlclose()
/// on destruction.
class NativeLibrary {
public:
    NativeLibrary(void* handle, std::shared_ptr<HostExtensions> host)
        : handle_(handle), host_(std::move(host)) {}
    ~NativeLibrary() {
        if (entry_ != nullptr && initialized_) {
            try {
                entry_->deinit();
            } catch (...) {  // nothing to do about it while unloading
            }
        }
        ::dlclose(handle_);
    }
    NativeLibrary(const NativeLibrary&) = delete;
    NativeLibrary& operator=(const NativeLibrary&) = delete;

    void* handle() const { return handle_; }
    const tessera_plugin_entry_t* entry_ = nullptr;
    bool initialized_ = false;

private:
    void* handle_;
    std::shared_ptr<HostExtensions> host_;  // plugins may log until deinit()
};

std::string version_text(tessera_version_t version) {
    return fmt::format("{}.{}", version.major, version.minor);
}

NativePlugin::NativePlugin(std::shared_ptr<NativeLibrary> library, const tessera_plugin_t* plugin,
                           std::string id)
    : library_(std::move(library)), plugin_(plugin), id_(std::move(id)) {}

NativePlugin::~NativePlugin() {
    try {
        plugin_->destroy(plugin_);
    } catch (...) {  // the instance is gone either way
    }
}

const void* NativePlugin::extension(const char* ext_id) const {
    return call_plugin(fmt::format("get_extension(\"{}\")", ext_id),
                       [&] { return plugin_->get_extension(plugin_, ext_id); });
}

std::string NativePlugin::last_error() const {
    try {
        const char* message = plugin_->get_last_error(plugin_);
        return message != nullptr ? message : "";
    } catch (...) {
        return "";
    }
}

std::string NativePlugin::quoted_last_error() const {
    const std::string message = last_error();
    return message.empty() ? " (no reason given)" : ": " + message;
}

namespace {

// Throws Error "WHAT is NULL" when a required callback is missing.
void require(const void* member, std::string_view what) {
    if (member == nullptr) throw Error(fmt::format("{} is NULL; it is required", what));
}

void require_compatible(tessera_version_t host, tessera_version_t plugin, std::string_view who) {
    if (!tessera_version_is_compatible(host, plugin))
        throw Error(fmt::format("{} built for SDK {}, this host has {}", who, version_text(plugin),
                                version_text(host)));
}

const tessera_plugin_descriptor_t& find_descriptor(const tessera_plugin_factory_t& factory,
                                                   const std::string& id) {
    const std::uint32_t count = call_plugin("factory get_plugin_count()",
                                            [&] { return factory.get_plugin_count(&factory); });
    std::string provided;
    for (std::uint32_t i = 0; i < count && i < 4096; ++i) {
        const tessera_plugin_descriptor_t* desc =
            call_plugin("factory get_plugin_descriptor()",
                        [&] { return factory.get_plugin_descriptor(&factory, i); });
        if (desc == nullptr || desc->id == nullptr) continue;
        if (desc->id == id) return *desc;
        provided += fmt::format("{}\"{}\"", provided.empty() ? "" : ", ", desc->id);
    }
    throw Error(
        fmt::format("the library provides no plugin \"{}\" (plugin.json's id); it provides {}", id,
                    provided.empty() ? "none" : provided));
}

void check_descriptor(tessera_version_t host, const tessera_plugin_descriptor_t& desc) {
    require(desc.name, "descriptor name");
    require(desc.version, "descriptor version");
    require_compatible(host, desc.sdk_version, "its plugin descriptor was");
}

std::vector<std::vector<std::uint8_t>> label_schemas(const NativePlugin& plugin,
                                                     const void* extension) {
    const auto& ext = *static_cast<const tessera_plugin_label_schema_t*>(extension);
    require(reinterpret_cast<const void*>(ext.count), "tessera.label-schema/1 count");
    require(reinterpret_cast<const void*>(ext.get), "tessera.label-schema/1 get");
    const std::uint32_t count =
        call_plugin("label-schema count()", [&] { return ext.count(plugin.get()); });
    std::vector<std::vector<std::uint8_t>> schemas;
    for (std::uint32_t i = 0; i < count; ++i) {
        tessera_bytes_t bytes{nullptr, 0};
        const tessera_status_t status =
            call_plugin("label-schema get()", [&] { return ext.get(plugin.get(), i, &bytes); });
        if (status != TESSERA_OK)
            throw Error(fmt::format("label schema {}: get() returned status {}{}", i, status,
                                    plugin.quoted_last_error()));
        if (bytes.data == nullptr)
            throw Error(fmt::format("label schema {}: get() returned no bytes", i));
        const std::span<const std::uint8_t> span(bytes.data, bytes.size);
        const auto* schema = verified_root<v1::LabelSchema>(span, v1::LabelSchemaIdentifier(),
                                                            fmt::format("label schema {}", i));
        if (schema->id() == nullptr || schema->id()->size() == 0)
            throw Error(fmt::format("label schema {} has no id", i));
        schemas.emplace_back(span.begin(), span.end());
    }
    return schemas;
}

const tessera_plugin_view_t* check_view(const void* extension) {
    const auto& ext = *static_cast<const tessera_plugin_view_t*>(extension);
    require(ext.name, "tessera.view/1 name");
    require(ext.media_kinds, "tessera.view/1 media_kinds");
    require(reinterpret_cast<const void*>(ext.open_item), "tessera.view/1 open_item");
    require(reinterpret_cast<const void*>(ext.set_annotations), "tessera.view/1 set_annotations");
    require(reinterpret_cast<const void*>(ext.frame), "tessera.view/1 frame");
    if (ext.tool_count == 0) throw Error("tessera.view/1 offers no tools");
    require(ext.tools, "tessera.view/1 tools");
    for (std::uint32_t i = 0; i < ext.tool_count; ++i) {
        require(ext.tools[i].id, "tessera.view/1 tool id");
        require(ext.tools[i].name, "tessera.view/1 tool name");
    }
    return &ext;
}

// Collects and checks the instance's extensions.
void collect_extensions(NativeContribution& result, const std::shared_ptr<HostExtensions>& host) {
    const NativePlugin& plugin = *result.plugin;
    if (const void* ext = plugin.extension(TESSERA_EXT_LABEL_SCHEMA)) {
        result.schemas = label_schemas(plugin, ext);
        result.extensions.emplace_back(TESSERA_EXT_LABEL_SCHEMA);
    }
    if (const void* ext = plugin.extension(TESSERA_EXT_QA_RULES)) {
        result.rules = make_native_rules(result.plugin, ext, host);
        result.extensions.emplace_back(TESSERA_EXT_QA_RULES);
    }
    if (const void* ext = plugin.extension(TESSERA_EXT_FORMAT)) {
        result.formats.push_back(make_native_format(result.plugin, ext));
        result.extensions.emplace_back(TESSERA_EXT_FORMAT);
    }
    if (const void* ext = plugin.extension(TESSERA_EXT_VIEW)) {
        result.view = check_view(ext);
        result.extensions.emplace_back(TESSERA_EXT_VIEW);
    }
}

}  // namespace

NativeContribution load_native_plugin(const Manifest& manifest,
                                      const std::shared_ptr<HostExtensions>& host) {
    const std::filesystem::path file = manifest.file_path();
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(file, ec)))
        throw Error(fmt::format("{}: library not found (named by {}'s \"file\")",
                                file.generic_string(), kManifestFileName));
    // What it is, checked on an opened descriptor: dlopen() of a FIFO would wait
    // forever. dlopen() then opens it again by name (a library finds its
    // neighbours through $ORIGIN, which a /proc/self/fd path would break), so
    // only a file swapped in that instant escapes the check.
    const RegularFile library_file(file, manifest.dir);

    ::dlerror();
    void* handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
        const char* why = ::dlerror();
        throw Error(
            fmt::format("cannot load {}: {}", file.generic_string(), why ? why : "dlopen failed"));
    }
    auto library = std::make_shared<NativeLibrary>(handle, host);
    const auto* entry =
        static_cast<const tessera_plugin_entry_t*>(::dlsym(handle, TESSERA_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr)
        throw Error(fmt::format("{} does not export the symbol {}", file.generic_string(),
                                TESSERA_PLUGIN_ENTRY_SYMBOL));
    require_compatible(host->sdk_version(), entry->sdk_version,
                       fmt::format("{} was", file.filename().string()));
    require(reinterpret_cast<const void*>(entry->init), "entry init");
    require(reinterpret_cast<const void*>(entry->deinit), "entry deinit");
    require(reinterpret_cast<const void*>(entry->get_factory), "entry get_factory");
    library->entry_ = entry;

    const std::string dir = manifest.dir.string();
    if (!call_plugin("entry init()", [&] { return entry->init(dir.c_str()); }))
        throw Error("entry init() failed");
    library->initialized_ = true;

    const auto* factory = static_cast<const tessera_plugin_factory_t*>(call_plugin(
        "entry get_factory()", [&] { return entry->get_factory(TESSERA_PLUGIN_FACTORY_ID); }));
    if (factory == nullptr)
        throw Error(
            fmt::format("entry get_factory(\"{}\") returned NULL", TESSERA_PLUGIN_FACTORY_ID));
    require(reinterpret_cast<const void*>(factory->get_plugin_count), "factory get_plugin_count");
    require(reinterpret_cast<const void*>(factory->get_plugin_descriptor),
            "factory get_plugin_descriptor");
    require(reinterpret_cast<const void*>(factory->create_plugin), "factory create_plugin");

    const tessera_plugin_descriptor_t& desc = find_descriptor(*factory, manifest.id);
    check_descriptor(host->sdk_version(), desc);

    const tessera_host_t* plugin_host = host->host_for(manifest.id);
    const tessera_plugin_t* instance = call_plugin("factory create_plugin()", [&] {
        return factory->create_plugin(factory, plugin_host, manifest.id.c_str());
    });
    if (instance == nullptr) throw Error("factory create_plugin() returned NULL");
    // Without destroy() the instance cannot be freed: leave it, refuse the plugin.
    require(reinterpret_cast<const void*>(instance->destroy), "plugin destroy");
    NativeContribution result;
    result.plugin = std::make_shared<NativePlugin>(library, instance, manifest.id);
    require(reinterpret_cast<const void*>(instance->init), "plugin init");
    require(reinterpret_cast<const void*>(instance->get_extension), "plugin get_extension");
    require(reinterpret_cast<const void*>(instance->get_last_error), "plugin get_last_error");
    if (instance->desc == nullptr || instance->desc->id == nullptr ||
        instance->desc->id != manifest.id)
        throw Error(fmt::format(
            "the instance's descriptor id is \"{}\", expected \"{}\" (plugin.json's id)",
            instance->desc && instance->desc->id ? instance->desc->id : "(null)", manifest.id));
    if (!call_plugin("plugin init()", [&] { return instance->init(instance); }))
        throw Error("plugin init() failed" + result.plugin->quoted_last_error());

    result.name = desc.name;
    result.version = desc.version;
    collect_extensions(result, host);
    return result;
}

}  // namespace tessera::plugins
