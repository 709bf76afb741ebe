// tessera role DIR [--json]                       the project's roles
// tessera role DIR NAME annotator|inspector|lead|none [--author NAME]
// tessera role DIR --self-review allow|forbid [--author NAME]
//
// Gives users roles (store/roles.hpp says what each may do). While the project
// has no lead anybody may give roles; from then on only a lead (--author, else
// $USER) may, and the last lead cannot be taken away.

#include <fmt/format.h>

#include "cli.hpp"
#include "core/json_text.hpp"
#include "store/project.hpp"

namespace tessera::cli {
namespace {

void print_roles(const store::Roles& roles, bool json) {
    if (json) {
        std::string users;
        for (const auto& [user, role] : roles.users) {
            if (!users.empty()) users += ',';
            append_json_string(users, user);
            users += fmt::format(":\"{}\"", role_name(role));
        }
        fmt::print("{{\"roles\":{{{}}},\"self_review\":{}}}\n", users,
                   roles.self_review ? "true" : "false");
        return;
    }
    if (roles.users.empty())
        fmt::print(
            "no roles: everybody may annotate, review and assign (give the first with "
            "`tessera role DIR NAME lead`)\n");
    for (const auto& [user, role] : roles.users) fmt::print("{:<24} {}\n", user, role_name(role));
    fmt::print("self-review: {}\n", roles.self_review ? "allowed" : "forbidden");
}

}  // namespace

int run_role(const Context&, const Args& args) {
    if (args.positional.empty() || args.positional.size() == 2 || args.positional.size() > 3)
        throw UsageError("expected DIR, or DIR NAME ROLE, or DIR --self-review allow|forbid");
    store::Project project = store::Project::open(args.positional[0]);
    const std::string self_review = args.value("--self-review");
    if (args.positional.size() == 1 && self_review.empty()) {
        print_roles(project.roles(), args.flag("--json"));
        return kOk;
    }
    if (!self_review.empty() && args.positional.size() != 1)
        throw UsageError("--self-review goes alone: tessera role DIR --self-review allow|forbid");
    if (!self_review.empty() && self_review != "allow" && self_review != "forbid")
        throw UsageError(
            fmt::format("--self-review takes allow or forbid, not \"{}\"", self_review));

    const bool setting_role = args.positional.size() == 3;
    const std::string user = setting_role ? args.positional[1] : std::string();
    const std::string name = setting_role ? args.positional[2] : std::string();
    const std::optional<store::Role> role = store::parse_role(name);
    if (setting_role && !role && name != "none")
        throw UsageError(
            fmt::format("unknown role \"{}\": expected annotator, inspector, lead or none", name));

    const store::Roles roles = project.roles();
    const std::string author = author_of(args);
    std::size_t leads = 0;
    for (const auto& [other, r] : roles.users) leads += r == store::Role::Lead ? 1 : 0;
    if (std::string refusal = roles.refusal(author, store::Action::SetRoles);
        leads > 0 && !refusal.empty()) {
        fmt::print(stderr, "tessera role: {}\n", refusal);
        return kFindings;
    }
    if (!self_review.empty()) {
        project.set_self_review(self_review == "allow");
        fmt::print("self-review {}\n", self_review == "allow" ? "allowed" : "forbidden");
        return kOk;
    }
    if (roles.of(user) == store::Role::Lead && role != store::Role::Lead && leads == 1) {
        fmt::print(stderr,
                   "tessera role: {} is the project's only lead; make somebody else lead first\n",
                   user);
        return kFindings;
    }
    project.set_role(user, role);
    fmt::print("{} is {}\n", user,
               role ? fmt::format("now {}", role_name(*role)) : std::string("without a role"));
    if (leads == 0 && role != store::Role::Lead)
        fmt::print(
            "note: roles now apply to everybody, and nobody is a lead yet: make one "
            "(tessera role DIR NAME lead) before handing out work\n");
    return kOk;
}

}  // namespace tessera::cli
