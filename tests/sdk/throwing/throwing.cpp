// A plugin whose rules misbehave on purpose, to test the C++ helpers'
// trampolines: one rule throws std::runtime_error, one throws a non-standard
// type, one reads a parameter that is not a number, one behaves.

#include <stdexcept>

#include <tessera/cpp/tessera.hpp>

namespace {

class Throwing : public tessera::cpp::PluginBase {
public:
    static constexpr tessera_plugin_descriptor_t descriptor = {
        .sdk_version = TESSERA_VERSION_INIT,
        .id = "test.sdk.throwing",
        .name = "Throwing test plugin",
        .vendor = nullptr,
        .version = "1.0.0",
        .description = nullptr,
    };

    Throwing() {
        add_rule("test.throws-std", "throws std::runtime_error", TESSERA_SEVERITY_ERROR,
                 [](const tessera::cpp::QaInput&, tessera::cpp::Findings&) {
                     throw std::runtime_error("the std exception's message");
                 });
        add_rule("test.throws-int", "throws an int", TESSERA_SEVERITY_ERROR,
                 [](const tessera::cpp::QaInput&, tessera::cpp::Findings&) { throw 42; });
        add_rule("test.bad-param", "reads parameter limit as a number", TESSERA_SEVERITY_ERROR,
                 [](const tessera::cpp::QaInput&, tessera::cpp::Findings& findings) {
                     (void)findings.number("limit", 1);
                 });
        add_rule("test.counts", "reports the number of annotations", TESSERA_SEVERITY_INFO,
                 [](const tessera::cpp::QaInput& input, tessera::cpp::Findings& findings) {
                     findings.report(std::to_string(input.annotations().size()) + " annotations");
                 });
    }

    void init() override {
        if (host().name() == "refuse-me") throw tessera::cpp::Error("this host is refused");
        log(TESSERA_LOG_DEBUG, "throwing plugin ready");
    }
};

}  // namespace

TESSERA_CPP_PLUGIN_ENTRY(Throwing);
