// tessera assign DIR --to NAME ITEM_ID...
// tessera assign DIR --to NAME [--from NAME] [--state STATE] [--count N]
// tessera assign DIR --unassign ITEM_ID... | --unassign --from NAME [--state STATE] [--count N]
//
// Hands items to annotators. The items are chosen and assigned in one write
// transaction, as one SetAssignee edit batch in the journal: two team leads
// handing out "the next 100 new items" at once never hand out the same item.

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>

#include <fmt/format.h>

#include "cli.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"
#include "store/project.hpp"

namespace tessera::cli {
namespace {

constexpr std::size_t kMaxCount = 1'000'000'000;
/// Id ranges printed before "... and N more".
constexpr std::size_t kRangesShown = 20;

/// What the command line asks for.
struct Request {
    std::filesystem::path dir;
    std::string to;                  ///< "" = unassign
    std::vector<store::ItemId> ids;  ///< explicit items, in the order given
    store::ItemQuery query;          ///< otherwise: the items this selects
    bool bulk = false;
};

std::optional<v1::ItemState> parse_state(std::string_view text) {
    std::string folded;
    for (const char c : text)
        if (c != '-' && c != '_')
            folded += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (int s = static_cast<int>(v1::ItemState::MIN); s <= static_cast<int>(v1::ItemState::MAX);
         ++s) {
        std::string name = v1::EnumNameItemState(static_cast<v1::ItemState>(s));
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        if (name == folded) return static_cast<v1::ItemState>(s);
    }
    return std::nullopt;
}

/// A whole number from 1 to `max` written in decimal digits only, or nullopt.
std::optional<std::uint64_t> parse_positive(std::string_view text, std::uint64_t max) {
    if (text.empty() || text.size() > 19) return std::nullopt;
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value == 0 || value > max) return std::nullopt;
    return value;
}

/// `name` as given to `option`, refused (usage) when no item could carry it.
std::string checked_name(const std::string& option, const std::string& name) {
    if (const std::string problem = store::assignee_problem(name); !problem.empty())
        throw UsageError(fmt::format("{}: the name {}", option, problem));
    return name;
}

Request parse_request(const Args& args) {
    if (args.positional.empty()) throw UsageError("expected a project folder");
    Request request;
    request.dir = args.positional[0];
    const bool has_to = args.values.count("--to") > 0;
    const bool unassign = args.flag("--unassign");
    if (!has_to && !unassign) throw UsageError("expected --to NAME (or --unassign)");
    if (has_to && unassign) throw UsageError("--to and --unassign exclude each other");
    request.to = unassign ? std::string() : checked_name("--to", args.value("--to"));

    for (std::size_t i = 1; i < args.positional.size(); ++i) {
        const std::string& text = args.positional[i];
        const auto id = parse_positive(text, static_cast<std::uint64_t>(INT64_MAX));
        if (!id)
            throw UsageError(fmt::format(
                "ITEM_ID {} ('{}'): expected an item id, a whole number from 1 up", i, text));
        if (std::find(request.ids.begin(), request.ids.end(), *id) == request.ids.end())
            request.ids.push_back(*id);
    }

    const bool has_from = args.values.count("--from") > 0;
    const bool has_state = args.values.count("--state") > 0;
    const bool has_count = args.values.count("--count") > 0;
    request.bulk = has_from || has_state || has_count;
    if (request.bulk && !request.ids.empty())
        throw UsageError("give ITEM_IDs or --from/--state/--count to choose items, not both");
    if (!request.bulk && request.ids.empty())
        throw UsageError(
            "expected ITEM_IDs, or --count N, --state STATE or --from NAME to choose items");
    if (!request.bulk) return request;

    request.query.assignee =
        has_from ? checked_name("--from", args.value("--from")) : std::string();
    if (request.to.empty() && request.query.assignee->empty())
        throw UsageError(
            "--unassign chooses items by ITEM_IDs or --from NAME; unassigned items stay so");
    if (has_state) {
        const auto state = parse_state(args.value("--state"));
        if (!state)
            throw UsageError(fmt::format(
                "--state {}: expected new, in-progress, submitted, accepted or rejected",
                args.value("--state")));
        request.query.state = *state;
    }
    if (has_count) {
        const auto count = parse_positive(args.value("--count"), kMaxCount);
        if (!count)
            throw UsageError(
                fmt::format("--count {}: expected a whole number of items from 1 to {}",
                            args.value("--count"), kMaxCount));
        request.query.limit = static_cast<std::size_t>(*count);
    }
    return request;
}

/// "4-6, 9, 12-40": ascending ids as ranges, at most kRangesShown of them
/// (a bulk assignment of 100,000 items stays one line).
std::string id_ranges(std::vector<store::ItemId> ids) {
    std::sort(ids.begin(), ids.end());
    std::string out;
    std::size_t ranges = 0;
    for (std::size_t i = 0; i < ids.size();) {
        std::size_t j = i;
        while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
        if (ranges == kRangesShown) {
            out += fmt::format(", ... and {} more items", ids.size() - i);
            break;
        }
        out += fmt::format("{}{}", ranges ? ", " : "", ids[i]);
        if (j > i) out += fmt::format("-{}", ids[j]);
        ++ranges;
        i = j + 1;
    }
    return out;
}

/// What the state filter and count said, for messages: "unassigned New items".
std::string selection(const store::ItemQuery& query) {
    std::string what =
        query.assignee->empty() ? "unassigned" : fmt::format("{}'s", *query.assignee);
    if (query.state) what += fmt::format(" {}", v1::EnumNameItemState(*query.state));
    return what + " items";
}

}  // namespace

int run_assign(const Context&, const Args& args) {
    const Request request = parse_request(args);
    store::Project project = store::Project::open(request.dir);

    store::Transaction transaction = project.begin();
    // Checked inside the transaction: roles changed meanwhile cannot slip by.
    if (std::string refusal = project.roles().refusal(author_of(args), store::Action::Assign);
        !refusal.empty()) {
        fmt::print(stderr, "tessera assign: {}; nothing was assigned\n", refusal);
        return kFindings;
    }
    const std::vector<store::ItemId> chosen =
        request.bulk ? project.find_items(request.query) : request.ids;
    std::vector<store::ItemId> changed;
    std::vector<store::ItemId> unchanged;
    std::map<std::string, std::size_t> previous;  // former assignee ("" = none) -> items
    v1::EditBatchT batch;
    for (std::size_t i = 0; i < chosen.size(); ++i) {
        if (!project.has_item(chosen[i]))
            fail(request.dir,
                 fmt::format("item {} does not exist (ITEM_ID {} of {}); nothing was assigned",
                             chosen[i], i + 1, chosen.size()));
        const std::string was = project.assignee(chosen[i]);
        if (was == request.to) {
            unchanged.push_back(chosen[i]);
            continue;
        }
        ++previous[was];
        changed.push_back(chosen[i]);
        v1::SetAssigneeT set;
        set.item = chosen[i];
        set.assignee = request.to;
        batch.ops.emplace_back(std::make_unique<v1::EditOpT>())->edit.Set(std::move(set));
    }

    std::uint64_t seq = 0;
    if (!changed.empty()) {
        batch.author = author_of(args);
        batch.time = now_ms();
        batch.comment =
            request.to.empty()
                ? fmt::format("unassign {} item{}", changed.size(), changed.size() == 1 ? "" : "s")
                : fmt::format("assign {} item{} to {}", changed.size(),
                              changed.size() == 1 ? "" : "s", request.to);
        flatbuffers::FlatBufferBuilder builder;
        v1::FinishEditBatchBuffer(builder, v1::CreateEditBatch(builder, &batch));
        seq = transaction.apply({builder.GetBufferPointer(), builder.GetSize()});
        transaction.commit();
    }

    if (args.flag("--json")) {
        std::string out = "{\"assignee\":";
        append_json_string(out, request.to);
        out += ",\"changed\":[";
        for (std::size_t i = 0; i < changed.size(); ++i)
            out += fmt::format("{}{}", i ? "," : "", changed[i]);
        out += "],\"unchanged\":[";
        for (std::size_t i = 0; i < unchanged.size(); ++i)
            out += fmt::format("{}{}", i ? "," : "", unchanged[i]);
        out += "],\"previous\":{";
        bool first = true;
        for (const auto& [name, count] : previous) {
            if (!first) out += ',';
            append_json_string(out, name);
            out += fmt::format(":{}", count);
            first = false;
        }
        out += fmt::format("}},\"journal_entry\":{}}}\n", seq);
        fmt::print("{}", out);
        return kOk;
    }

    const std::size_t n = changed.size();
    if (request.to.empty())
        fmt::print("unassigned {} item{}", n, n == 1 ? "" : "s");
    else
        fmt::print("assigned {} item{} to {}", n, n == 1 ? "" : "s", request.to);
    if (n > 0) fmt::print(": {} (journal entry {})", id_ranges(changed), seq);
    fmt::print("\n");
    std::string from;
    for (const auto& [name, count] : previous)
        if (!name.empty()) from += fmt::format("{}{} {}", from.empty() ? "" : ", ", name, count);
    if (!from.empty()) fmt::print("  taken from {}\n", from);
    if (!unchanged.empty())
        fmt::print("  {} already {}: {}\n", unchanged.size(),
                   request.to.empty() ? "unassigned" : fmt::format("assigned to {}", request.to),
                   id_ranges(unchanged));
    if (request.bulk && request.query.limit != SIZE_MAX && chosen.size() < request.query.limit)
        fmt::print("  only {} {} (asked for {})\n", chosen.size(), selection(request.query),
                   request.query.limit);
    else if (request.bulk && chosen.empty())
        fmt::print("  no {}\n", selection(request.query));
    return kOk;
}

}  // namespace tessera::cli
