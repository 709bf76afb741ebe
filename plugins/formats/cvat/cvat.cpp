// The CVAT for images 1.1 format descriptor. The module is described in cvat.hpp.

#include "cvat/cvat.hpp"
#include "builtin_formats.hpp"

namespace tessera::formats {

const Format& cvat_format() {
    static const Format format{
        .name = "cvat",
        .description =
            "CVAT for images 1.1 XML: one annotations.xml (a file, or a folder holding it)",
        .read = cvat::read,
        .write = cvat::write,
        .writes_one_file = true,
    };
    return format;
}

}  // namespace tessera::formats
