#include "formats/losses.hpp"

#include <fmt/format.h>

#include "core/display_text.hpp"
#include "core/error.hpp"
#include "core/json_text.hpp"

namespace tessera::formats {

void Losses::note(std::string_view what, std::string_view label, std::string_view where) {
    if (strict_) {
        throw Error(fmt::format("--strict: {}{}{}{}; nothing was written", what,
                                label.empty() ? "" : " of label ", label,
                                where.empty() ? std::string() : fmt::format(" at {}", where)));
    }
    const std::lock_guard lock(mutex_);
    for (Loss& loss : losses_) {
        if (loss.what != what || loss.label != label) continue;
        ++loss.count;
        if (loss.examples.size() < kExamples && !where.empty()) loss.examples.emplace_back(where);
        return;
    }
    Loss loss{std::string(what), std::string(label), 1, {}};
    if (!where.empty()) loss.examples.emplace_back(where);
    losses_.push_back(std::move(loss));
}

std::vector<Loss> Losses::all() const {
    const std::lock_guard lock(mutex_);
    return losses_;
}

bool Losses::empty() const {
    const std::lock_guard lock(mutex_);
    return losses_.empty();
}

std::uint64_t Losses::total() const {
    const std::lock_guard lock(mutex_);
    std::uint64_t total = 0;
    for (const Loss& loss : losses_) total += loss.count;
    return total;
}

std::vector<std::string> loss_lines(const std::vector<Loss>& losses) {
    std::vector<std::string> lines;
    for (const Loss& loss : losses) {
        std::string line = fmt::format("  {} × {}", loss.count, terminal_text(loss.what));
        if (!loss.label.empty()) line += fmt::format(", label {}", terminal_text(loss.label));
        for (std::size_t i = 0; i < loss.examples.size(); ++i)
            line += fmt::format("{}{}", i == 0 ? ": " : "; ", terminal_text(loss.examples[i]));
        if (loss.count > loss.examples.size() && !loss.examples.empty()) line += "; ...";
        lines.push_back(std::move(line));
    }
    return lines;
}

std::string loss_json(const std::vector<Loss>& losses) {
    std::string out = "[";
    for (const Loss& loss : losses) {
        if (out.size() > 1) out += ',';
        out += R"({"what":)";
        append_json_string(out, loss.what);
        out += R"(,"label":)";
        append_json_string(out, loss.label);
        out += fmt::format(R"(,"count":{},"examples":[)", loss.count);
        for (std::size_t i = 0; i < loss.examples.size(); ++i) {
            if (i > 0) out += ',';
            append_json_string(out, loss.examples[i]);
        }
        out += "]}";
    }
    out += ']';
    return out;
}

}  // namespace tessera::formats
