// A small strict JSON checker for the raw "coco:" metadata the writer copies into its
// output: values read by this module are JSON already, but metadata set elsewhere may
// not be, and one bad value must not corrupt the whole export. See coco.hpp.

#include <simdjson.h>

#include "coco.hpp"

namespace tessera::formats::coco {
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
    static constexpr int max_depth = 64;

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

}  // namespace

bool is_json(std::string_view text) {
    return simdjson::validate_utf8(text.data(), text.size()) && Checker(text).document();
}

}  // namespace tessera::formats::coco
