#include "formats/json_scan.hpp"

#include <cstdint>

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

}  // namespace tessera::formats
