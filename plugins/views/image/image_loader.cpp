#include "image_loader.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include <stb_image.h>

namespace tessera::view_image {

namespace {

struct FileCloser {
    void operator()(std::FILE* file) const noexcept { std::fclose(file); }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// stb_image reads through these, so a superseded load fails at its next read.
struct Reader {
    std::FILE* file;
    const std::atomic<std::uint64_t>* latest;
    std::uint64_t generation;
    [[nodiscard]] bool cancelled() const noexcept {
        return latest->load(std::memory_order_relaxed) != generation;
    }
};

int read_callback(void* user, char* data, int size) {
    auto* reader = static_cast<Reader*>(user);
    if (reader->cancelled()) return 0;
    return static_cast<int>(std::fread(data, 1, static_cast<std::size_t>(size), reader->file));
}

void skip_callback(void* user, int n) {
    auto* reader = static_cast<Reader*>(user);
    std::fseek(reader->file, n, SEEK_CUR);
}

int eof_callback(void* user) {
    auto* reader = static_cast<Reader*>(user);
    return reader->cancelled() || std::feof(reader->file) ? 1 : 0;
}

const stbi_io_callbacks kCallbacks = {&read_callback, &skip_callback, &eof_callback};

std::string reason() {
    const char* why = stbi_failure_reason();
    return why && *why ? why : "unknown error";
}

HeaderCheck check_open_file(std::FILE* file, const std::string& path, const ImageLimits& limits) {
    HeaderCheck check;
    int width = 0;
    int height = 0;
    int channels = 0;
    if (!stbi_info_from_file(file, &width, &height, &channels)) {
        check.message = path + ": not an image stb_image can read (" + reason() + ")";
        return check;
    }
    check.width = static_cast<std::uint32_t>(width);
    check.height = static_cast<std::uint32_t>(height);
    const std::uint64_t pixels = std::uint64_t{check.width} * check.height;
    if (width <= 0 || height <= 0) {
        check.message = path + ": the header gives an empty image (" + std::to_string(width) +
                        " x " + std::to_string(height) + ")";
    } else if (check.width > limits.max_side || check.height > limits.max_side) {
        check.message = path + ": " + std::to_string(width) + " x " + std::to_string(height) +
                        " pixels, over the limit of " + std::to_string(limits.max_side) +
                        " pixels a side";
    } else if (pixels > limits.max_pixels) {
        check.message = path + ": " + std::to_string(pixels) + " pixels, over the limit of " +
                        std::to_string(limits.max_pixels);
    } else {
        check.ok = true;
    }
    return check;
}

}  // namespace

HeaderCheck check_image_header(const std::string& path, const ImageLimits& limits) {
    File file(std::fopen(path.c_str(), "rb"));
    if (!file) {
        HeaderCheck check;
        check.message = path + ": cannot open (" + std::strerror(errno) + ")";
        return check;
    }
    return check_open_file(file.get(), path, limits);
}

ImageLoader::ImageLoader(ImageLimits limits) : limits_(limits) {}

ImageLoader::~ImageLoader() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
        ++generation_;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void ImageLoader::load(std::string path) {
    {
        std::lock_guard lock(mutex_);
        ++generation_;
        image_.reset();
        state_ = State{};
        if (!path.empty()) {
            state_.status = Status::Loading;
            request_ = std::move(path);
        } else {
            request_.reset();
        }
        if (request_ && !worker_.joinable()) worker_ = std::thread([this] { run(); });
    }
    changed_.notify_all();
}

ImageLoader::State ImageLoader::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

std::shared_ptr<DecodedImage> ImageLoader::take() {
    std::lock_guard lock(mutex_);
    return std::move(image_);
}

bool ImageLoader::wait(int timeout_ms) const {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                             [&] { return state_.status != Status::Loading; });
}

void ImageLoader::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return stop_ || request_.has_value(); });
        if (stop_) return;
        const std::string path = std::move(*request_);
        request_.reset();
        const std::uint64_t generation = generation_;
        lock.unlock();

        State result;
        std::shared_ptr<DecodedImage> image;
        File file(std::fopen(path.c_str(), "rb"));
        if (!file) {
            result.status = Status::Failed;
            result.message = path + ": cannot open (" + std::strerror(errno) + ")";
        } else if (HeaderCheck header = check_open_file(file.get(), path, limits_); !header.ok) {
            result.status = Status::Failed;
            result.width = header.width;
            result.height = header.height;
            result.message = header.message;
        } else {
            result.width = header.width;
            result.height = header.height;
            {
                std::lock_guard publish(mutex_);
                if (generation_ == generation) {
                    state_.width = header.width;
                    state_.height = header.height;
                }
            }
            Reader reader{file.get(), &generation_, generation};
            int width = 0;
            int height = 0;
            int channels = 0;
            std::shared_ptr<const std::uint8_t> pixels(
                stbi_load_from_callbacks(&kCallbacks, &reader, &width, &height, &channels, 4),
                [](const std::uint8_t* p) { stbi_image_free(const_cast<std::uint8_t*>(p)); });
            if (pixels && width == static_cast<int>(header.width) &&
                height == static_cast<int>(header.height)) {
                image = std::make_shared<DecodedImage>(
                    DecodedImage{header.width, header.height, pixels});
                result.status = Status::Ready;
            } else {
                result.status = Status::Failed;
                result.message = path + ": cannot decode (" +
                                 (pixels ? std::string("size differs from the header") : reason()) +
                                 ")";
            }
        }

        lock.lock();
        if (generation_ == generation) {
            state_ = std::move(result);
            image_ = std::move(image);
            changed_.notify_all();
        }
    }
}

}  // namespace tessera::view_image
