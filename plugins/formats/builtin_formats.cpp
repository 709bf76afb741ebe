#include "builtin_formats.hpp"

namespace tessera::formats {

void register_builtin_formats(Registry& registry) {
    registry.add(coco_format());
    registry.add(yolo_format());
    registry.add(voc_format());
    registry.add(labelme_format());
    registry.add(cvat_format());
}

}  // namespace tessera::formats
