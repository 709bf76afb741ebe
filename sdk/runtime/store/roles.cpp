#include "store/roles.hpp"

#include <fmt/format.h>

namespace tessera::store {

std::string_view role_name(Role role) {
    switch (role) {
        case Role::Annotator:
            return "annotator";
        case Role::Inspector:
            return "inspector";
        case Role::Lead:
            return "lead";
    }
    return "unknown";
}

std::optional<Role> parse_role(std::string_view name) {
    for (const Role role : {Role::Annotator, Role::Inspector, Role::Lead})
        if (role_name(role) == name) return role;
    return std::nullopt;
}

std::optional<Role> Roles::of(std::string_view user) const {
    const auto found = users.find(user);
    if (found == users.end()) return std::nullopt;
    return found->second;
}

std::string Roles::refusal(std::string_view user, Action action) const {
    if (users.empty()) return {};
    const std::optional<Role> role = of(user);
    if (!role)
        return fmt::format(
            "{} has no role in this project; a lead can give one with "
            "`tessera role DIR {} annotator|inspector|lead`",
            user, user);
    if (*role == Role::Lead) return {};
    const bool allowed = (action == Action::Annotate && *role == Role::Annotator) ||
                         (action == Action::Review && *role == Role::Inspector);
    if (allowed) return {};
    static constexpr std::string_view kWhat[] = {"annotate", "review", "assign items", "set roles"};
    return fmt::format("{} is an {} in this project and may not {}; ask a lead", user,
                       role_name(*role), kWhat[static_cast<int>(action)]);
}

}  // namespace tessera::store
