#pragma once
// Scripted sessions (`tessera-studio --script FILE.lua PROJECT`): a Lua file
// drives the studio as a user would — it opens items, picks tools, moves the
// mouse, presses buttons and keys, waits frames, asserts on the store, writes
// screenshots and quits with a status. The GUI tests run on it under Xvfb.
//
// The script runs as a coroutine: studio.wait(n) and everything that needs
// the UI to react (clicks, drags, keys) yields for frames, so the studio runs
// its real frame loop between the script's steps. Input is injected into
// Dear ImGui after the GLFW backend read the real devices, so the studio
// cannot tell scripted input from a user's. A Lua error, a failed assert or
// a script that ends without studio.quit() ends the session with status 1 and
// the message on stderr. The script is the user's own file: it runs with
// Lua's standard libraries, not in the plugin sandbox.

#include <array>
#include <filesystem>
#include <string>

struct lua_State;

namespace tessera::studio {

class App;

class Script {
public:
    /// Loads `file` (throws Error with the Lua message when it does not compile).
    Script(App& app, const std::filesystem::path& file);
    ~Script();
    Script(const Script&) = delete;
    Script& operator=(const Script&) = delete;

    /// Overwrites ImGui's input with the script's. Called before ImGui::NewFrame().
    void inject_input();
    /// Runs the script until it waits again. Called after every frame.
    void resume();

    // The injected input (read and written by the studio.* functions).
    struct Input {
        float x = 0, y = 0;
        std::array<bool, 3> buttons{};
        std::array<bool, 512> keys{};
        bool ctrl = false, shift = false, alt = false;
        float wheel = 0;
        std::string text;  // typed in the next frame
    };
    Input input;
    /// Frames still to wait before the script resumes.
    int wait_frames = 0;

private:
    App& app_;
    lua_State* L_ = nullptr;
    lua_State* thread_ = nullptr;
    bool done_ = false;
};

}  // namespace tessera::studio
