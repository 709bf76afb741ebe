// tessera-studio [--profile FILE] [--script FILE.lua] [--locale en|zh-CN] [--author NAME]
//                [--window-size WIDTHxHEIGHT] PROJECT
// The annotation studio on one project. Everything is in the tessera_host
// library (studio/app.hpp); this file only reads the command line.

#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "core/error.hpp"
#include "studio/app.hpp"

namespace {

constexpr const char* kUsage =
    "usage: tessera-studio [--profile FILE] [--script FILE.lua] [--locale en|zh-CN] [--author "
    "NAME] [--window-size WIDTHxHEIGHT] PROJECT\n"
    "  --profile FILE      a studio profile: plugins, schema, tools, rules, locale, theme, "
    "hotkeys, layout\n"
    "  --script FILE.lua   run a scripted session (tests): inject input, assert, take screenshots\n"
    "  --locale LOCALE     UI language: en or zh-CN (default: the profile's, else en)\n"
    "  --author NAME       who edits (default: $USER)\n"
    "  --window-size WxH   the window's size in pixels (default: 1280x800)\n";

}  // namespace

int main(int argc, char** argv) {
    tessera::studio::AppOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        const auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                fmt::print(stderr, "tessera-studio: {} needs a value\n{}", arg, kUsage);
                std::exit(2);
            }
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            fmt::print("{}", kUsage);
            return 0;
        } else if (arg == "--profile") {
            options.profile = value();
        } else if (arg == "--script") {
            options.script = value();
        } else if (arg == "--locale") {
            options.locale = value();
        } else if (arg == "--author") {
            options.author = value();
        } else if (arg == "--window-size") {
            const std::string size = value();
            int width = 0;
            int height = 0;
            char end = 0;
            if (std::sscanf(size.c_str(), "%dx%d%c", &width, &height, &end) != 2 || width < 320 ||
                height < 240) {
                fmt::print(stderr,
                           "tessera-studio: --window-size {}: expected WIDTHxHEIGHT, at least "
                           "320x240\n",
                           size);
                return 2;
            }
            options.window.width = width;
            options.window.height = height;
        } else if (!arg.empty() && arg[0] == '-') {
            fmt::print(stderr, "tessera-studio: unknown option {}\n{}", arg, kUsage);
            return 2;
        } else if (options.project.empty()) {
            options.project = std::string(arg);
        } else {
            fmt::print(stderr, "tessera-studio: one project at a time ({} and {})\n{}",
                       options.project.string(), arg, kUsage);
            return 2;
        }
    }
    if (options.project.empty()) {
        fmt::print(stderr, "tessera-studio: no project given\n{}", kUsage);
        return 2;
    }
    try {
        tessera::studio::App app(std::move(options));
        return app.run();
    } catch (const tessera::Error& e) {
        fmt::print(stderr, "tessera-studio: {}\n", e.what());
        return 1;
    }
}
