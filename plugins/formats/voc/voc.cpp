// The Pascal VOC format descriptor. The module is described in voc.hpp.

#include "voc/voc.hpp"
#include "builtin_formats.hpp"

namespace tessera::formats {

const Format& voc_format() {
    static const Format format{
        .name = "voc",
        .description = "Pascal VOC XML: one .xml per image, a file or a folder of them",
        .read = voc::read,
        .write = voc::write,
        .options = {{.name = "voc-origin",
                     .values = {voc::kOriginValues[0], voc::kOriginValues[1]},
                     .help = "pixel numbering of bndbox: 0 = as written (Datumaro, CVAT, "
                             "Roboflow), 1 = the VOC devkit's 1-based pixels"}},
    };
    return format;
}

}  // namespace tessera::formats
