-- The user drags the QA panel by its title bar; the move is saved for the
-- next session (restore.lua).
dofile(os.getenv("TESSERA_GUI_LIB"))

local qa = studio.panel("qa")
check(qa ~= nil, "the QA panel is shown")
local x, y = qa.x + 40, qa.y + 8  -- on the title bar
studio.drag(x, y, x - 500, y - 200)
studio.wait(2)
local moved = studio.panel("qa")
near(moved.x, qa.x - 500, 1, "QA x after the drag")
near(moved.y, qa.y - 200, 1, "QA y after the drag")
near(moved.width, qa.width, 0, "QA width after the drag")

local saved = os.getenv("XDG_CONFIG_HOME") .. "/tessera/studio/layouts/default.layout"
check(io.open(saved) ~= nil, "the moved layout is saved in " .. saved)
local f = io.open(out .. "/moved", "w")
f:write(string.format("%.1f %.1f %.1f %.1f\n", moved.x, moved.y, moved.width, moved.height))
f:close()
studio.screenshot(out .. "/layout_moved.png")
studio.quit(0)
