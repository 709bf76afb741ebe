-- A box drawn while the disk is full is refused visibly: the status bar says
-- NOT SAVED in red with the reason, the box stays on screen, nothing is
-- stored; once there is room again, Ctrl+S stores it.
dofile(os.getenv("TESSERA_GUI_LIB"))
local filler = os.getenv("TESSERA_FILL_FILE")

local item = open_first_item("car", "box")
check(#studio.annotations(item) == 0, "the item starts without annotations")
-- Fill the project's disk to the last byte.
os.execute("dd if=/dev/zero of='" .. filler .. "' bs=64k 2>/dev/null")
draw_box(20, 20, 120, 90)
studio.wait(2)

local text, is_error = studio.message()
check(is_error, "the refusal is an error in the status bar, not 'Saved': " .. tostring(text))
check(text:find("full", 1, true) ~= nil, "the status bar says why: " .. text)
local reason, shown = studio.unsaved()
check(reason ~= nil, "the refused box is kept as the unsaved edit")
check(shown == 1, "the refused box stays on screen (shown: " .. shown .. ")")
check(#studio.annotations(item) == 0, "nothing was stored")
check(studio.widget("status.retry") ~= nil, "the status bar offers Retry")
studio.screenshot(out .. "/refused.png")

os.remove(filler)
studio.key("S", { ctrl = true })
studio.wait(2)
reason, shown = studio.unsaved()
check(reason == nil, "after Ctrl+S with room on the disk, nothing is unsaved")
check(#studio.annotations(item) == 1, "the box is in the store")
local box = studio.annotations(item)[1]
near(box.left, 20, 1, "the stored box keeps its coordinates")
text, is_error = studio.message()
check(not is_error, "the status bar is back to normal: " .. text)
studio.screenshot(out .. "/saved.png")
studio.quit(0)
