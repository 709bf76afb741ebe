// The labelme format descriptor. The module is described in labelme.hpp.

#include "labelme/labelme.hpp"
#include "builtin_formats.hpp"

namespace tessera::formats {

const Format& labelme_format() {
    static const Format format{
        .name = "labelme",
        .description = "labelme JSON: one .json per image, a file or a folder of them",
        .read = labelme::read,
        .write = labelme::write,
    };
    return format;
}

}  // namespace tessera::formats
