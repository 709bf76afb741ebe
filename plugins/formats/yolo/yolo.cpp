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
        .options =
            {
                {.name = "yolo-task",
                 .values = {"detect", "segment"},
                 .help = "export every shape as a box line (detect) or as a polygon line "
                         "(segment); one kind per file, as Ultralytics requires"},
                {.name = "yolo-layout",
                 .values = {"ultralytics", "darknet"},
                 .help = "export images/<subset>/, labels/<subset>/ and data.yaml (ultralytics) "
                         "or obj.names, obj.data, <subset>.txt and obj_<subset>_data/ (darknet, "
                         "CVAT's YOLO 1.1)"},
            },
    };
    return format;
}

}  // namespace tessera::formats
