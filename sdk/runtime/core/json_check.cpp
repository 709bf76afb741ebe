// is_json: a small strict JSON checker for the raw metadata writers copy into their
// output. Values a reader kept are JSON already, but metadata set elsewhere may not be,
// and one bad value must not corrupt a whole export. See json_text.hpp.

#include <simdjson.h>

#include "core/json_text.hpp"

namespace tessera {
namespace {

class Checker {
public:
    explicit Checker(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

    bool document() {
        space();
        if (!value(0)) return false;
        space();
        return p_ == end_;
    }

private:
    // simdjson's readers stop at 1024 levels; leave room for the document around the value.
    static constexpr int max_depth = 1000;

    void space() {
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\n' || *p_ == '\r')) ++p_;
    }
    bool eat(char c) {
        if (p_ < end_ && *p_ == c) {
            ++p_;
            return true;
        }
        return false;
    }
    bool literal(std::string_view word) {
        if (static_cast<std::size_t>(end_ - p_) < word.size() ||
            std::string_view(p_, word.size()) != word)
            return false;
        p_ += word.size();
        return true;
    }
    bool digits() {
        const char* start = p_;
        while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
        return p_ > start;
    }
    static bool hex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    bool string() {
        if (!eat('"')) return false;
        while (p_ < end_) {
            const auto c = static_cast<unsigned char>(*p_++);
            if (c == '"') return true;
            if (c < 0x20) return false;
            if (c != '\\') continue;
            if (p_ >= end_) return false;
            const char escape = *p_++;
            if (escape == 'u') {
                for (int i = 0; i < 4; ++i)
                    if (p_ >= end_ || !hex(*p_++)) return false;
            } else if (std::string_view("\"\\/bfnrt").find(escape) == std::string_view::npos) {
                return false;
            }
        }
        return false;
    }

    bool number() {
        eat('-');
        if (eat('0')) {
        } else if (!digits()) {
            return false;
        }
        if (eat('.') && !digits()) return false;
        if (eat('e') || eat('E')) {
            if (!eat('+')) eat('-');
            if (!digits()) return false;
        }
        return true;
    }

    bool value(int depth) {
        if (p_ >= end_ || depth > max_depth) return false;
        switch (*p_) {
            case '{': {
                ++p_;
                space();
                if (eat('}')) return true;
                do {
                    space();
                    if (!string()) return false;
                    space();
                    if (!eat(':')) return false;
                    space();
                    if (!value(depth + 1)) return false;
                    space();
                } while (eat(','));
                return eat('}');
            }
            case '[': {
                ++p_;
                space();
                if (eat(']')) return true;
                do {
                    space();
                    if (!value(depth + 1)) return false;
                    space();
                } while (eat(','));
                return eat(']');
            }
            case '"':
                return string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

    const char* p_;
    const char* end_;
};

/// Whether simdjson's getters, with which the readers take a top-level number or string,
/// may refuse `value` although its grammar is right: a number that may not fit a double,
/// a string with an escape that may be half a surrogate pair.
bool scalar_needs_parser(std::string_view value) {
    if (value.front() == '"') {
        for (std::size_t i = value.find("\\u"); i != std::string_view::npos;
             i = value.find("\\u", i + 2))
            if (value[i + 2] == 'd' || value[i + 2] == 'D') return true;
        return false;
    }
    if (value.front() != '-' && (value.front() < '0' || value.front() > '9'))
        return false;  // true, false or null
    // Up to 15 digits always fit a double; an exponent may take it out of range.
    std::size_t digits = 0;
    for (const char c : value) {
        if (c == 'e' || c == 'E') return true;
        digits += c >= '0' && c <= '9';
    }
    return digits > 15;
}

}  // namespace

bool is_json(std::string_view text) {
    if (!simdjson::validate_utf8(text.data(), text.size()) || !Checker(text).document())
        return false;
    // Nested values are kept verbatim by the readers, but top-level scalars are read.
    constexpr std::string_view space = " \t\n\r";
    const std::size_t begin = text.find_first_not_of(space);
    const std::string_view value = text.substr(begin, text.find_last_not_of(space) + 1 - begin);
    if (value.front() == '{' || value.front() == '[' || !scalar_needs_parser(value)) return true;
    const simdjson::padded_string padded(value);
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document document;
    if (parser.iterate(padded).get(document) != simdjson::SUCCESS) return false;
    return (value.front() == '"' ? document.get_string().error() : document.get_double().error()) ==
           simdjson::SUCCESS;
}

}  // namespace tessera
