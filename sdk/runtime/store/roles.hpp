#pragma once
// Who may do what in a project. A project without roles is a one-person or
// trusted-team project: everybody may do everything. Once a lead gives anybody
// a role, every user needs one: annotators annotate and submit, inspectors
// review (and correct while reviewing), leads do both, hand out work and set
// roles. An inspector may not review an item they worked on (its assignee, or
// the author of one of its annotations) unless the project allows self-review.
//
// The roles live in the project's database (table `roles`, meta key
// `self_review`), so every program that opens the project sees the same ones.
// They are checked by the studio and the CLI, not by the file system: anybody
// who can write the folder can change them (the team server will enforce them).

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tessera::store {

enum class Role { Annotator = 1, Inspector = 2, Lead = 3 };

/// What a user wants to do.
enum class Action {
    Annotate,  ///< edit annotations, submit
    Review,    ///< accept, reject, reopen and correct in review mode
    Assign,    ///< hand out items
    SetRoles,  ///< give or take roles, allow self-review
};

/// "annotator", "inspector", "lead".
[[nodiscard]] std::string_view role_name(Role role);
/// The role named `name`, or nullopt.
[[nodiscard]] std::optional<Role> parse_role(std::string_view name);

/// The project's roles.
struct Roles {
    std::map<std::string, Role, std::less<>> users;
    /// Inspectors may review items they worked on.
    bool self_review = false;

    /// The role of `user`, nullopt when they have none.
    [[nodiscard]] std::optional<Role> of(std::string_view user) const;
    /// Why `user` may not do `action` (one sentence naming them and what a
    /// lead can do about it); empty when they may. Nobody is refused while
    /// the project has no roles.
    [[nodiscard]] std::string refusal(std::string_view user, Action action) const;
};

}  // namespace tessera::store
