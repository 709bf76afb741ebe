// The YOLO format descriptor. The module is described in yolo.hpp.

#include "yolo/yolo.hpp"
#include "builtin_formats.hpp"

namespace tessera::formats {

const Format& yolo_format() {
    static const Format format{
        .name = "yolo",
        .description =
            "YOLO detection/segmentation: folder with data.yaml or classes.txt, "
            "images/ and labels/*.txt",
        .read = yolo::read,
        .write = yolo::write,
    };
    return format;
}

}  // namespace tessera::formats
