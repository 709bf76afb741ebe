-- After a restart the QA panel is where the user left it (move.lua); View →
-- Reset layout puts it back at its default place and forgets the saved layout.
dofile(os.getenv("TESSERA_GUI_LIB"))

local f = assert(io.open(out .. "/moved"))
local x, y, width, height = f:read("*n", "*n", "*n", "*n")
f:close()
local qa = studio.panel("qa")
check(qa ~= nil, "the QA panel is shown")
near(qa.x, x, 1, "QA x after the restart")
near(qa.y, y, 1, "QA y after the restart")
near(qa.width, width, 1, "QA width after the restart")
near(qa.height, height, 1, "QA height after the restart")
studio.screenshot(out .. "/layout_restored.png")

click_widget("menu.view")
studio.wait(2)
click_widget("menu.reset_layout")
studio.wait(2)
local items = studio.panel("items")
qa = studio.panel("qa")
near(qa.x, 1000, 0, "QA x after Reset layout")
near(qa.y - items.y, 410, 0, "QA y after Reset layout")
local saved = os.getenv("XDG_CONFIG_HOME") .. "/tessera/studio/layouts/default.layout"
check(io.open(saved) == nil, "Reset layout deletes " .. saved)
studio.screenshot(out .. "/layout_reset.png")
studio.quit(0)
