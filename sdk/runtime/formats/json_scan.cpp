#include "formats/json_scan.hpp"

#include <cstdint>
#include <optional>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tessera::formats {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

#if defined(__SSE2__)
/// Bit i set when byte p[i] is one of `chars` (16 bytes from p, which may be
/// read: the caller checks there are 16).
template <char... chars>
unsigned match16(const char* p) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits = (_mm_cmpeq_epi8(block, _mm_set1_epi8(chars)) | ...);
    return static_cast<unsigned>(_mm_movemask_epi8(hits));
}
#endif

/// The first of `chars` at or after `p`, or `end`: 16 bytes at a time where the
/// processor can.
template <char... chars>
const char* find_first(const char* p, const char* end) {
#if defined(__SSE2__)
    for (; end - p >= 16; p += 16)
        if (const unsigned mask = match16<chars...>(p)) return p + __builtin_ctz(mask);
#endif
    while (p < end && ((*p != chars) && ...)) ++p;
    return p;
}

/// Just past the closing quote of the string whose opening quote is at `p`.
const char* string_end(const char* p, const char* end) {
    for (++p;; p += 2) {  // past the escape and the byte escaped
        p = find_first<'"', '\\'>(p, end);
        if (p >= end) return nullptr;
        if (*p == '"') return p + 1;
    }
}

/// Just past the bracket that closes the one at `p`, going through the text
/// from one string or bracket to the next.
const char* container_end_stepwise(const char* p, const char* end) {
    // Bit n of `arrays` says whether the bracket open at depth n + 1 is '['.
    std::uint64_t arrays = 0;
    int depth = 0;
    for (;; ++p) {
        p = find_first<'"', '{', '[', '}', ']'>(p, end);
        if (p == end) return nullptr;
        switch (*p) {
            case '"':
                p = string_end(p, end);
                if (p == nullptr) return nullptr;
                --p;
                break;
            case '{':
            case '[':
                if (depth == 64) return nullptr;
                if (*p == '[') {
                    arrays |= std::uint64_t{1} << depth;
                } else {
                    arrays &= ~(std::uint64_t{1} << depth);
                }
                ++depth;
                break;
            default:  // '}' or ']'
                --depth;
                if (((arrays >> depth) & 1) != (*p == ']' ? 1u : 0u)) return nullptr;
                if (depth == 0) return p + 1;
                break;
        }
    }
}

#if defined(__SSE2__)
/// Where the quotes, backslashes and brackets are among the 64 bytes from `p`:
/// bit i of each mask stands for byte p[i].
struct Block {
    std::uint64_t quotes = 0, backslashes = 0, opening = 0, closing = 0, curly = 0;

    explicit Block(const char* p) {
        for (int part = 0; part < 4; ++part) {
            const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
            // '[' | 0x20 == '{' and ']' | 0x20 == '}'; bit 5 tells curly from square.
            const __m128i folded = _mm_or_si128(bytes, _mm_set1_epi8(0x20));
            const auto mask = [&](__m128i hits) {
                return std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(hits))}
                       << (16 * part);
            };
            quotes |= mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('"')));
            backslashes |= mask(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\')));
            opening |= mask(_mm_cmpeq_epi8(folded, _mm_set1_epi8('{')));
            closing |= mask(_mm_cmpeq_epi8(folded, _mm_set1_epi8('}')));
            curly |= mask(_mm_slli_epi16(bytes, 2));  // bit 5 of each byte moved to bit 7
        }
    }
};

/// Bit i set when an odd number of bits [0, i] of `x` are set.
std::uint64_t prefix_xor(std::uint64_t x) {
    for (int shift = 1; shift < 64; shift *= 2) x ^= x << shift;
    return x;
}

/// container_end_stepwise 64 bytes at a time, for text without backslashes:
/// which brackets are inside strings follows from the quotes before them. Gives
/// up (nullopt) at a backslash or within 64 bytes of `end`.
std::optional<const char*> container_end_by_block(const char* p, const char* end) {
    std::uint64_t arrays = 0;  // as in container_end_stepwise
    int depth = 0;
    std::uint64_t in_string = 0;  // all ones when a string is open across the blocks
    for (; end - p >= 64; p += 64) {
        const Block block(p);
        if (block.backslashes != 0) return std::nullopt;
        const std::uint64_t strings = prefix_xor(block.quotes) ^ in_string;
        in_string = static_cast<std::uint64_t>(static_cast<std::int64_t>(strings) >> 63);
        for (std::uint64_t brackets = (block.opening | block.closing) & ~strings; brackets != 0;
             brackets &= brackets - 1) {
            const int i = __builtin_ctzll(brackets);
            const bool square = ((block.curly >> i) & 1) == 0;
            if ((block.opening >> i) & 1) {
                if (depth == 64) return nullptr;
                if (square) {
                    arrays |= std::uint64_t{1} << depth;
                } else {
                    arrays &= ~(std::uint64_t{1} << depth);
                }
                ++depth;
            } else {
                --depth;
                if (((arrays >> depth) & 1) != (square ? 1u : 0u)) return nullptr;
                if (depth == 0) return p + i + 1;
            }
        }
    }
    return std::nullopt;
}
#endif

}  // namespace

const char* skip_json_space(const char* p, const char* end) {
    while (p < end && is_space(*p)) ++p;
    return p;
}

const char* json_value_end(const char* p, const char* end) {
    if (p >= end) return nullptr;
    if (*p == '"') return string_end(p, end);
    if (*p != '{' && *p != '[') {
        while (p < end && !is_space(*p) && *p != ',' && *p != ':' && *p != '{' && *p != '}' &&
               *p != '[' && *p != ']' && *p != '"')
            ++p;
        return p;
    }
#if defined(__SSE2__)
    // A value that ends within 64 bytes of the text's end, or holds a backslash,
    // is gone through again step by step.
    if (const std::optional<const char*> found = container_end_by_block(p, end)) return *found;
#endif
    return container_end_stepwise(p, end);
}

}  // namespace tessera::formats
