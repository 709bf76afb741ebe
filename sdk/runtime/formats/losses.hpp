#pragma once
// What an import or an export could not carry: counted by kind and label, with
// the first few places of each, so that nothing is dropped without a word.
//
// Readers and writers call Losses::note for every annotation, attribute or
// field the target cannot hold (a polyline exported to COCO, a mask to VOC),
// and for every field they convert into a weaker form. The CLI prints the
// summary after an import or export, `--json` gives it as JSON and `--strict`
// makes the first loss an error, so that nothing is written.

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace tessera::formats {

/// One kind of loss: what, for which label, how often, and where first.
struct Loss {
    /// What could not be carried, e.g. "Polyline annotations (COCO has no polylines)".
    std::string what;
    /// The label concerned; empty when none applies.
    std::string label;
    std::uint64_t count = 0;
    /// The first kExamples places, e.g. "item 3 (street/0001.png) annotation 17".
    std::vector<std::string> examples;
};

/// The losses of one import or export. Thread-safe: a reader may note losses on
/// its own thread while the importer notes others.
class Losses {
public:
    /// Places kept per kind of loss.
    static constexpr std::size_t kExamples = 3;

    /// `strict`: the first loss noted throws Error instead of being counted.
    explicit Losses(bool strict = false) : strict_(strict) {}

    /// Records one loss of kind `what` (for `label`) at `where`.
    void note(std::string_view what, std::string_view label, std::string_view where);

    /// Every kind of loss, in the order first noted.
    [[nodiscard]] std::vector<Loss> all() const;
    [[nodiscard]] bool empty() const;
    /// The total count over every kind.
    [[nodiscard]] std::uint64_t total() const;

private:
    mutable std::mutex mutex_;
    bool strict_;
    std::vector<Loss> losses_;
};

/// Lines for a terminal summarising `losses` ("not carried: 4 Polyline annotations
/// (COCO has no polylines) of label lane, e.g. item 3 annotation 17, ..."), one
/// per kind; none when empty. Text from files is escaped for the terminal.
[[nodiscard]] std::vector<std::string> loss_lines(const std::vector<Loss>& losses);

/// `losses` as a JSON array of {"what", "label", "count", "examples"}.
[[nodiscard]] std::string loss_json(const std::vector<Loss>& losses);

}  // namespace tessera::formats
