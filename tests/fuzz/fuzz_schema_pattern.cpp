// libFuzzer target: a schema attribute pattern (it comes from a plugin or a
// project) is compiled with limits and matched against a value; neither step
// may crash, overflow the stack or take more than linear time.
//
// Input: the pattern, a NUL byte, then the value (no NUL: all pattern, empty value).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/schema_pattern.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t split = input.find('\0');
    const std::string_view source = input.substr(0, split);
    const std::string_view value =
        split == std::string_view::npos ? std::string_view{} : input.substr(split + 1);
    const tessera::SchemaPattern pattern = tessera::SchemaPattern::compile(source);
    if (pattern.ok() == !pattern.error().empty()) __builtin_trap();  // exactly one of the two
    if (value.size() <= tessera::kMaxPatternValueBytes) (void)pattern.matches(value);
    return 0;
}
