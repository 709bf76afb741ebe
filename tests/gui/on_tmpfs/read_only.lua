-- A project on a read-only mount opens read-only and says so; a box drawn on
-- it is refused visibly (NOT SAVED, red, the box kept on screen) and nothing
-- is written.
dofile(os.getenv("TESSERA_GUI_LIB"))

local text, is_error = studio.message()
check(is_error and text:find("read-only", 1, true), "the studio says at once that the project is read-only: " ..
      tostring(text))
local item = open_first_item("car", "box")
draw_box(20, 20, 120, 90)
studio.wait(2)
text, is_error = studio.message()
check(is_error and text:find("read-only", 1, true), "the refused box says why: " .. tostring(text))
local reason, shown = studio.unsaved()
check(reason ~= nil and shown == 1, "the refused box stays on screen as unsaved")
check(#studio.annotations(item) == 0, "nothing was written")
studio.screenshot(out .. "/read_only.png")
studio.quit(0)
