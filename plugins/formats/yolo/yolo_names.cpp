// YOLO class names: the `names:` entry of data.yaml and classes.txt.
// See yolo.hpp for what is implemented and what is missing. The YAML reader
// understands only what data.yaml files put in `names:` and `nc:`; every
// other top-level key is skipped with whatever is indented below it.

#include <algorithm>
#include <charconv>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/text.hpp"
#include "yolo/yolo.hpp"
#include "yolo/yolo_detail.hpp"

namespace tessera::formats::yolo {
namespace detail {

std::optional<std::filesystem::path> mirror(const std::filesystem::path& path,
                                            std::string_view from, std::string_view to) {
    std::vector<std::filesystem::path> parts(path.begin(), path.end());
    if (parts.size() < 2) return std::nullopt;
    // The file name itself is never renamed, only a folder.
    for (std::size_t i = parts.size() - 1; i-- > 0;) {
        if (parts[i].native() != from) continue;
        parts[i] = to;
        std::filesystem::path out;
        for (const auto& part : parts) out /= part;
        return out;
    }
    return std::nullopt;
}

std::string_view split_key(std::string_view subset) {
    std::string name(subset);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::pair<std::string_view, std::string_view> splits[] = {
        {"training", "train"}, {"train", "train"},  {"validation", "val"}, {"valid", "val"},
        {"val", "val"},        {"testing", "test"}, {"test", "test"}};
    for (const auto& [prefix, key] : splits)
        if (name.starts_with(prefix) &&
            std::all_of(name.begin() + static_cast<std::ptrdiff_t>(prefix.size()), name.end(),
                        [](unsigned char c) { return std::isdigit(c); }))
            return key;
    return {};
}

}  // namespace detail

namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t';
}

void append_utf8(std::string& out, char32_t code) {
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

/// A class name and where it starts in the file.
struct Name {
    std::string text;
    std::size_t offset = 0;
};

/// Checks names for emptiness, UTF-8 and duplicates and returns their texts.
std::vector<std::string> checked(const std::filesystem::path& file, std::string_view text,
                                 std::vector<Name>& names) {
    std::unordered_map<std::string, std::size_t> seen;
    std::vector<std::string> out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        Name& name = names[i];
        if (name.text.empty())
            fail_at(file, text, name.offset, "expected a class name, found an empty one");
        if (first_invalid_utf8(name.text).has_value())
            fail_at(file, text, name.offset, "class name is not valid UTF-8");
        const auto [it, inserted] = seen.emplace(name.text, i);
        if (!inserted)
            fail_at(file, text, name.offset,
                    fmt::format("class name \"{}\" is given twice (classes {} and {})", name.text,
                                it->second, i));
        out.push_back(std::move(name.text));
    }
    return out;
}

/// The subset of YAML that data.yaml files use for class names.
class NamesYaml {
public:
    NamesYaml(const std::filesystem::path& file, std::string_view text)
        : file_(file), text_(text) {}

    /// The class names; `keys` gets every top-level key in file order.
    std::vector<std::string> parse(std::vector<std::string>& keys) {
        std::size_t pos = text_.starts_with("\xEF\xBB\xBF") ? 3 : 0;
        std::optional<std::vector<Name>> names;
        std::optional<std::size_t> nc;
        std::size_t nc_offset = 0;
        while (pos < text_.size()) {
            const std::size_t eol = line_end(pos);
            const std::size_t next = eol < text_.size() ? eol + 1 : eol;
            // Indented lines and "- " items at the margin belong to the key above them.
            if (blank_or_comment(pos, eol) || text_[pos] == ' ' || starts_item(pos, eol) ||
                text_[pos] == '%' || text_.substr(pos, 3) == "---" ||
                text_.substr(pos, 3) == "...") {
                pos = next;
                continue;
            }
            if (text_[pos] == '\t') fail(pos, "tabs are not allowed for indentation in YAML");
            std::size_t p = pos;
            Name key = text_[p] == '"' || text_[p] == '\'' ? quoted(p) : plain_key(p, eol);
            if (p >= eol || text_[p] != ':' || (p + 1 < eol && !is_space(text_[p + 1])))
                fail(p, "expected \"key: value\"");
            ++p;
            keys.push_back(key.text);
            if (key.text == "names") {
                if (names) fail(key.offset, "names is given twice");
                names.emplace();
                pos = names_value(p, *names);
            } else if (key.text == "nc") {
                nc_offset = skip_spaces(p, eol);
                nc = count(nc_offset, eol);
                pos = next;
            } else {
                pos = next;
            }
        }
        if (!names) fail(text_.size(), "expected a \"names:\" entry listing the class names");
        if (nc && *nc != names->size())
            fail(nc_offset, fmt::format("nc is {} but names lists {} classes", *nc, names->size()));
        return checked(file_, text_, *names);
    }

private:
    [[noreturn]] void fail(std::size_t offset, std::string_view message) const {
        fail_at(file_, text_, offset, message);
    }

    std::size_t line_end(std::size_t pos) const {
        const std::size_t eol = text_.find('\n', pos);
        return eol == std::string_view::npos ? text_.size() : eol;
    }

    /// End of the content of the line ending at `eol`, without a '\r'.
    std::size_t content_end(std::size_t eol) const {
        return eol > 0 && text_[eol - 1] == '\r' ? eol - 1 : eol;
    }

    std::size_t skip_spaces(std::size_t p, std::size_t end) const {
        while (p < end && is_space(text_[p])) ++p;
        return p;
    }

    bool blank_or_comment(std::size_t p, std::size_t eol) const {
        p = skip_spaces(p, eol);
        return p >= content_end(eol) || text_[p] == '#';
    }

    /// True when the line at `p` is a "- item" of a block list.
    bool starts_item(std::size_t p, std::size_t eol) const {
        return text_[p] == '-' && (p + 1 >= content_end(eol) || is_space(text_[p + 1]));
    }

    /// Rest of the line from `p` must be spaces or a comment; returns the next line.
    std::size_t finish_line(std::size_t p, std::string_view after) const {
        const std::size_t eol = line_end(p);
        p = skip_spaces(p, content_end(eol));
        if (p < content_end(eol) && text_[p] != '#')
            fail(p, fmt::format("unexpected text after {}", after));
        return eol < text_.size() ? eol + 1 : eol;
    }

    Name plain_key(std::size_t& p, std::size_t eol) const {
        const std::size_t start = p;
        const std::size_t end = content_end(eol);
        while (p < end && !(text_[p] == ':' && (p + 1 >= end || is_space(text_[p + 1])))) ++p;
        std::size_t last = p;
        while (last > start && is_space(text_[last - 1])) --last;
        return {std::string(text_.substr(start, last - start)), start};
    }

    std::size_t count(std::size_t p, std::size_t eol) const {
        std::size_t value = 0;
        const auto [ptr, ec] =
            std::from_chars(text_.data() + p, text_.data() + content_end(eol), value);
        const std::size_t end = static_cast<std::size_t>(ptr - text_.data());
        if (ec != std::errc() || p == end) fail(p, "nc: expected a whole number of classes");
        finish_line(end, "the number of classes");
        return value;
    }

    /// A 'single' or "double" quoted scalar starting at `p`; leaves `p` after the closing quote.
    Name quoted(std::size_t& p) const {
        const char quote = text_[p];
        Name name{{}, p};
        ++p;
        while (true) {
            if (p >= text_.size() || text_[p] == '\n' || text_[p] == '\r')
                fail(name.offset, fmt::format("expected a closing {} on the same line", quote));
            const char c = text_[p];
            if (c == quote) {
                if (quote == '\'' && p + 1 < text_.size() && text_[p + 1] == '\'') {
                    name.text.push_back('\'');
                    p += 2;
                    continue;
                }
                ++p;
                return name;
            }
            if (c == '\\' && quote == '"') {
                escape(p, name.text);
                continue;
            }
            name.text.push_back(c);
            ++p;
        }
    }

    void escape(std::size_t& p, std::string& out) const {
        const std::size_t at = p;
        if (p + 1 >= text_.size()) fail(at, "expected an escape after \\");
        const char c = text_[p + 1];
        p += 2;
        std::size_t hex_digits = 0;
        switch (c) {
            case '\\':
                out.push_back('\\');
                return;
            case '"':
                out.push_back('"');
                return;
            case '/':
                out.push_back('/');
                return;
            case ' ':
                out.push_back(' ');
                return;
            case 'n':
                out.push_back('\n');
                return;
            case 't':
                out.push_back('\t');
                return;
            case 'r':
                out.push_back('\r');
                return;
            case '0':
                out.push_back('\0');
                return;
            case 'x':
                hex_digits = 2;
                break;
            case 'u':
                hex_digits = 4;
                break;
            case 'U':
                hex_digits = 8;
                break;
            default:
                fail(at, fmt::format("unknown escape \\{} in a double-quoted name", c));
        }
        std::uint32_t code = 0;
        const char* end = text_.data() + std::min(text_.size(), p + hex_digits);
        const auto [ptr, ec] = std::from_chars(text_.data() + p, end, code, 16);
        if (ec != std::errc() || ptr != text_.data() + p + hex_digits)
            fail(at, fmt::format("expected {} hexadecimal digits after \\{}", hex_digits, c));
        if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
            fail(at, fmt::format("\\{} escape is not a Unicode scalar value", c));
        append_utf8(out, code);
        p += hex_digits;
    }

    /// A name in flow ([a, b]) or block (- a) context, quoted or plain.
    Name scalar(std::size_t& p, bool flow) const {
        const std::size_t eol = content_end(line_end(p));
        p = skip_spaces(p, eol);
        if (p < eol && (text_[p] == '"' || text_[p] == '\'')) return quoted(p);
        const std::size_t start = p;
        if (p < eol && text_[p] == '#') return {{}, start};  // a comment: no name
        if (p < eol && std::string_view("&*!|>%@`{[").find(text_[p]) != std::string_view::npos)
            fail(p,
                 "expected a class name; YAML anchors, tags, block scalars and nested "
                 "collections are not supported here");
        if (p < eol && text_[p] == '-' && (p + 1 >= eol || is_space(text_[p + 1])))
            fail(p, "expected a class name, found a nested list");
        while (p < eol) {
            const char c = text_[p];
            if (flow && (c == ',' || c == ']' || c == '}')) break;
            if (c == '#' && p > start && is_space(text_[p - 1])) break;
            if (c == ':' && (p + 1 >= eol || is_space(text_[p + 1])))
                fail(p, "expected a class name, found a nested \"key: value\"");
            ++p;
        }
        std::size_t last = p;
        while (last > start && is_space(text_[last - 1])) --last;
        return {std::string(text_.substr(start, last - start)), start};
    }

    /// Skips spaces, line breaks and comments inside a flow collection.
    std::size_t skip_flow_space(std::size_t p) const {
        while (p < text_.size()) {
            const char c = text_[p];
            if (is_space(c) || c == '\n' || c == '\r') {
                ++p;
            } else if (c == '#') {
                p = line_end(p);
            } else {
                break;
            }
        }
        return p;
    }

    /// An index key of "0: name" at `p`; leaves `p` after the ':'.
    std::size_t index_key(std::size_t& p, std::size_t end) const {
        std::size_t index = 0;
        const auto [ptr, ec] = std::from_chars(text_.data() + p, text_.data() + end, index);
        const std::size_t after = static_cast<std::size_t>(ptr - text_.data());
        if (ec != std::errc() || after == p || after >= end || text_[after] != ':')
            fail(p, "expected \"- name\" or \"index: name\"");
        p = after + 1;
        return index;
    }

    /// Parses the value of "names:" starting right after the colon at `p`;
    /// returns the offset of the line after it.
    std::size_t names_value(std::size_t p, std::vector<Name>& names) const {
        const std::size_t eol = line_end(p);
        p = skip_spaces(p, content_end(eol));
        if (p >= content_end(eol) || text_[p] == '#')
            return block(eol < text_.size() ? eol + 1 : eol, names);
        if (text_[p] == '[' || text_[p] == '{') return flow(p, names);
        fail(p, "names: expected a list of class names: [a, b], \"- a\" lines or \"0: a\" lines");
    }

    std::size_t flow(std::size_t p, std::vector<Name>& names) const {
        const std::size_t open = p;
        const bool map = text_[p] == '{';
        const char close = map ? '}' : ']';
        std::map<std::size_t, Name> by_index;
        ++p;
        while (true) {
            p = skip_flow_space(p);
            if (p >= text_.size())
                fail(open, fmt::format("expected a closing {} for this list", close));
            if (text_[p] == close) break;
            std::size_t index = names.size() + by_index.size();
            const std::size_t key_at = p;
            if (map) index = index_key(p, content_end(line_end(p)));
            Name name = scalar(p, true);
            if (map && !by_index.emplace(index, std::move(name)).second)
                fail(key_at, fmt::format("class {} is given twice", index));
            if (!map) names.push_back(std::move(name));
            p = skip_flow_space(p);
            if (p < text_.size() && text_[p] == ',') {
                ++p;
                continue;
            }
            if (p < text_.size() && text_[p] == close) break;
            if (p >= text_.size())
                fail(open, fmt::format("expected a closing {} for this list", close));
            fail(p, fmt::format("expected , or {} after a class name", close));
        }
        if (map) from_map(by_index, names, open);
        return finish_line(p + 1, "the names list");
    }

    std::size_t block(std::size_t pos, std::vector<Name>& names) const {
        std::map<std::size_t, Name> by_index;
        std::optional<std::size_t> indent;
        bool list = false;
        const std::size_t first = pos;
        while (pos < text_.size()) {
            const std::size_t eol = line_end(pos);
            const std::size_t next = eol < text_.size() ? eol + 1 : eol;
            if (blank_or_comment(pos, eol)) {
                pos = next;
                continue;
            }
            const std::size_t p0 = skip_spaces(pos, eol);
            if (text_.substr(pos, p0 - pos).find('\t') != std::string_view::npos)
                fail(pos, "tabs are not allowed for indentation in YAML");
            const std::size_t this_indent = p0 - pos;
            const bool item = starts_item(p0, eol);
            if (this_indent == 0 && !item) break;  // the next top-level key
            if (!indent) {
                indent = this_indent;
                list = item;
            } else if (*indent != this_indent) {
                fail(p0, fmt::format("expected the indentation of the names above ({} spaces)",
                                     *indent));
            } else if (item != list) {
                fail(p0,
                     "expected every name in the same form: all \"- name\" or all \"index: name\"");
            }
            std::size_t p = p0;
            if (item) {
                ++p;
                names.push_back(scalar(p, false));
            } else {
                const std::size_t index = index_key(p, content_end(eol));
                Name name = scalar(p, false);
                if (!by_index.emplace(index, std::move(name)).second)
                    fail(p0, fmt::format("class {} is given twice", index));
            }
            finish_line(p, "the class name");
            pos = next;
        }
        if (!indent)
            fail(first,
                 "names: expected a list of class names: [a, b], \"- a\" lines or \"0: a\" lines");
        if (!list) from_map(by_index, names, first);
        return pos;
    }

    /// Turns "index: name" entries into names in index order; indexes must run 0, 1, ...
    void from_map(std::map<std::size_t, Name>& by_index, std::vector<Name>& names,
                  std::size_t offset) const {
        std::size_t expected = 0;
        for (auto& [index, name] : by_index) {
            if (index != expected)
                fail(offset,
                     fmt::format("names: class {} is missing; indexes must run from 0 to {}",
                                 expected, by_index.size() - 1));
            names.push_back(std::move(name));
            ++expected;
        }
    }

    const std::filesystem::path& file_;
    std::string_view text_;
};

}  // namespace

DataYaml read_data_yaml(const std::filesystem::path& file, std::string_view text) {
    DataYaml yaml;
    yaml.names = NamesYaml(file, text).parse(yaml.keys);
    return yaml;
}

std::vector<std::string> parse_data_yaml(const std::filesystem::path& file, std::string_view text) {
    return read_data_yaml(file, text).names;
}

std::vector<std::string> parse_classes_txt(const std::filesystem::path& file,
                                           std::string_view text) {
    std::vector<Name> names;
    std::size_t pos = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    std::optional<std::size_t> empty_line;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::size_t begin = pos, end = eol;
        while (begin < end && (is_space(text[begin]) || text[begin] == '\r')) ++begin;
        while (end > begin && (is_space(text[end - 1]) || text[end - 1] == '\r')) --end;
        if (begin == end) {
            if (!empty_line) empty_line = pos;
        } else {
            // An empty line between names would shift every index after it.
            if (empty_line)
                fail_at(file, text, *empty_line, "expected a class name, found an empty line");
            names.push_back({std::string(text.substr(begin, end - begin)), begin});
        }
        pos = eol + 1;
    }
    if (names.empty()) fail_at(file, text, 0, "expected class names, one per line");
    return checked(file, text, names);
}

}  // namespace tessera::formats::yolo
