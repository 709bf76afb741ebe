#include <cstdlib>

#include <fmt/format.h>

#include "cli.hpp"

namespace tessera::cli {

std::string Args::value(const std::string& name, const std::string& fallback) const {
    const auto it = values.find(name);
    return it == values.end() ? fallback : it->second;
}

Args parse_args(const std::vector<std::string>& args, const std::set<std::string>& with_value,
                const std::set<std::string>& switches, bool other_values) {
    Args parsed;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") {
            parsed.positional.insert(parsed.positional.end(),
                                     args.begin() + static_cast<long>(i) + 1, args.end());
            break;
        }
        if (!arg.starts_with("--")) {
            parsed.positional.push_back(arg);
            continue;
        }
        const std::size_t eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        if (with_value.count(name)) {
            if (eq != std::string::npos) {
                parsed.values[name] = arg.substr(eq + 1);
            } else if (i + 1 < args.size()) {
                parsed.values[name] = args[++i];
            } else {
                throw UsageError(fmt::format("{} needs a value", name));
            }
        } else if (switches.count(name) && eq == std::string::npos) {
            parsed.flags.insert(name);
        } else if (other_values && !switches.count(name)) {
            if (eq != std::string::npos) {
                parsed.others[name] = arg.substr(eq + 1);
            } else if (i + 1 < args.size()) {
                parsed.others[name] = args[++i];
            } else {
                throw UsageError(fmt::format("{} needs a value", name));
            }
        } else {
            throw UsageError(fmt::format("unknown option {}", name));
        }
    }
    return parsed;
}

std::string author_of(const Args& args) {
    if (const std::string author = args.value("--author"); !author.empty()) return author;
    if (const char* user = std::getenv("USER"); user != nullptr && *user != '\0') return user;
    return "unknown";
}

}  // namespace tessera::cli
