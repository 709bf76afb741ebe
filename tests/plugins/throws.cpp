// A C++ plugin written without the SDK's noexcept trampolines: its init()
// lets an exception escape into the host, which must refuse it, not crash.

#include <cstring>
#include <stdexcept>

#include <tessera/tessera.h>

namespace {

const tessera_plugin_descriptor_t descriptor{
    TESSERA_VERSION_INIT, "test.throws", "Throws", nullptr, "0.3.1", nullptr};

bool init(const tessera_plugin_t*) {
    throw std::runtime_error("out of licences");
}
void destroy(const tessera_plugin_t*) {}
const void* get_extension(const tessera_plugin_t*, const char*) {
    return nullptr;
}
const char* get_last_error(const tessera_plugin_t*) {
    return "";
}

const tessera_plugin_t instance{&descriptor, nullptr, init, destroy, get_extension, get_last_error};

uint32_t count(const tessera_plugin_factory_t*) {
    return 1;
}
const tessera_plugin_descriptor_t* describe(const tessera_plugin_factory_t*, uint32_t index) {
    return index == 0 ? &descriptor : nullptr;
}
const tessera_plugin_t* create(const tessera_plugin_factory_t*, const tessera_host_t*,
                               const char*) {
    return &instance;
}
const tessera_plugin_factory_t factory{count, describe, create};

bool entry_init(const char*) {
    return true;
}
void entry_deinit() {}
const void* get_factory(const char* id) {
    return std::strcmp(id, TESSERA_PLUGIN_FACTORY_ID) == 0 ? &factory : nullptr;
}

}  // namespace

extern "C" TESSERA_EXPORT const tessera_plugin_entry_t tessera_plugin_entry{
    TESSERA_VERSION_INIT, entry_init, entry_deinit, get_factory};
