// libFuzzer target for the YOLO readers: data.yaml / classes.txt names and label lines.
// The input up to the first NUL byte is read as data.yaml and as classes.txt; the
// rest (or the same text when there is no NUL) as a label file.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "yolo/yolo.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace yolo = tessera::formats::yolo;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t nul = input.find('\0');
    const std::string_view names = input.substr(0, nul);
    const std::string_view labels = nul == std::string_view::npos ? input : input.substr(nul + 1);

    std::vector<std::string> classes{"a", "b", "c"};
    try {
        classes = yolo::parse_data_yaml("data.yaml", names);
    } catch (const tessera::Error&) {
    }
    try {
        (void)yolo::parse_classes_txt("classes.txt", names);
    } catch (const tessera::Error&) {
    }
    try {
        std::uint64_t next_id = 1;
        (void)yolo::parse_labels("labels/a.txt", labels, classes, 640, 480, next_id);
    } catch (const tessera::Error&) {
    }
    return 0;
}
