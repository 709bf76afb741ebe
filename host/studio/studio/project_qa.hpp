#pragma once
// QA of the whole project in the background, for the item browser's QA
// filter: the rules of the live QA run over every item on a worker thread,
// through a connection of its own to the project, and what they find is kept
// per item. Live QA of the open item is newer: update() records it, and it
// wins over the background run's result for that item.
//
// Threads: the run happens on its own thread; every member function is for
// the main thread.

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "qa/engine.hpp"
#include "store/project.hpp"

namespace tessera::studio {

/// What QA found on one item.
struct ItemQa {
    std::uint32_t errors = 0;    ///< error-severity findings
    std::uint32_t findings = 0;  ///< findings of any severity
    /// The rules that found something, as indices into ProjectQa::rules(), ascending.
    std::vector<std::uint32_t> rules;
};

class ProjectQa {
public:
    /// Starts checking every item of the project in `dir` with the rules of
    /// `providers` under `settings` (plugins `default_plugins` on by
    /// default, as qa::RunOptions); returns at once. The providers must
    /// outlive this object.
    ProjectQa(std::filesystem::path dir, std::vector<const qa::RuleProvider*> providers,
              qa::RuleSettings settings, std::vector<std::string> default_plugins);
    /// Stops the run after the items in flight and waits for it.
    ~ProjectQa();
    ProjectQa(const ProjectQa&) = delete;
    ProjectQa& operator=(const ProjectQa&) = delete;

    /// Items checked so far and how many there are.
    [[nodiscard]] std::uint64_t checked() const { return checked_.load(); }
    [[nodiscard]] std::uint64_t total() const { return total_.load(); }
    /// True once the run is over; its findings are then in find().
    [[nodiscard]] bool done();
    /// Why the run failed (the project or a rule set could not be read); empty when it did not.
    [[nodiscard]] const std::string& error() { return (void)done(), error_; }

    /// What QA found on `item`: its live findings if update() recorded any,
    /// else the run's (once done); nullptr when nothing is known or found.
    [[nodiscard]] const ItemQa* find(store::ItemId item);
    /// Records `findings` of live QA as the item's own.
    void update(store::ItemId item, std::span<const qa::Finding> findings);

    /// Ids of the rules that found something, indexed by ItemQa::rules.
    [[nodiscard]] const std::vector<std::string>& rules() const { return rules_; }
    /// Number of items each rule found something on (indexed like rules()).
    [[nodiscard]] std::vector<std::size_t> items_per_rule();
    /// Counts changes of what find() returns (the run ending, update()).
    [[nodiscard]] std::uint64_t revision() const { return revision_; }

private:
    void run(std::stop_token stop, std::filesystem::path dir, qa::RuleSettings settings,
             std::vector<std::string> default_plugins);
    // Summed up against rules(): main thread only.
    ItemQa summarize(std::span<const qa::Finding> findings);

    std::vector<const qa::RuleProvider*> providers_;
    std::atomic<std::uint64_t> checked_{0};
    std::atomic<std::uint64_t> total_{0};

    // Handed over by the run's thread when it ends.
    std::mutex mutex_;
    bool finished_ = false;
    std::unordered_map<store::ItemId, ItemQa> run_found_;
    std::vector<std::string> run_rules_;  // what run_found_ indexes
    std::string run_error_;

    // Main thread only.
    bool done_ = false;
    std::string error_;
    std::vector<std::string> rules_;
    std::unordered_map<store::ItemId, ItemQa> found_;  // the run's
    std::unordered_map<store::ItemId, ItemQa> live_;   // update()'s
    std::uint64_t revision_ = 0;

    std::jthread thread_;  // last: stopped and joined before the rest goes
};

}  // namespace tessera::studio
