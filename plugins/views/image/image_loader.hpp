#pragma once
// Loads the open item's image on a worker thread. stb_image is not hardened
// against hostile files (docs/architecture.md §6): the header is read first with
// stbi_info and checked against size limits, and only then is the image
// decoded. The main thread polls; a new load abandons the one in progress
// (its reads start failing, so stb_image gives up early).

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

namespace tessera::view_image {

/// The largest image the view decodes.
struct ImageLimits {
    std::uint32_t max_side = 16384;          ///< pixels, width and height each
    std::uint64_t max_pixels = 268'435'456;  ///< width x height (1 GiB as RGBA)
};

/// What the header check of an image file found.
struct HeaderCheck {
    bool ok = false;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::string message;  ///< why not ok, naming the file
};

/// Reads the header of the image at `path` (UTF-8) with stbi_info and checks
/// its size against `limits`, decoding no pixel.
[[nodiscard]] HeaderCheck check_image_header(const std::string& path, const ImageLimits& limits);

/// Decoded pixels: `width` x `height` RGBA8, rows top to bottom.
struct DecodedImage {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::shared_ptr<const std::uint8_t> rgba;  ///< width * height * 4 bytes
};

/// One worker thread decoding the latest requested image.
class ImageLoader {
public:
    enum class Status { Idle, Loading, Ready, Failed };

    /// A snapshot of the current load.
    struct State {
        Status status = Status::Idle;
        std::uint32_t width = 0;  ///< from the header, once read
        std::uint32_t height = 0;
        std::string message;  ///< why it failed
    };

    explicit ImageLoader(ImageLimits limits = {});
    /// Abandons the load in progress and joins the worker.
    ~ImageLoader();
    ImageLoader(const ImageLoader&) = delete;
    ImageLoader& operator=(const ImageLoader&) = delete;

    /// Starts loading `path`, abandoning any earlier load. "" = no image.
    void load(std::string path);
    /// The state of the latest load.
    [[nodiscard]] State state() const;
    /// Hands over the decoded pixels once, when the latest load is Ready.
    [[nodiscard]] std::shared_ptr<DecodedImage> take();
    /// Blocks until the latest load is Ready or Failed, or `timeout_ms` pass;
    /// true when it finished. For tests and tools, never for frame().
    bool wait(int timeout_ms) const;

private:
    void run();

    const ImageLimits limits_;
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    // Bumped by every load() and by the destructor; the worker's reads fail
    // and its result is dropped once it no longer matches.
    std::atomic<std::uint64_t> generation_{0};
    std::optional<std::string> request_;
    State state_;
    std::shared_ptr<DecodedImage> image_;
    bool stop_ = false;
    std::thread worker_;
};

}  // namespace tessera::view_image
