-- F2 shows the view's own options (tessera.view/1 options(), drawn through
-- tessera.host.ui/1); the image view's "Show every label" checkbox, clicked
-- there, changes what the canvas shows; F2 hides the panel again.
dofile(os.getenv("TESSERA_GUI_LIB"))

open_first_item("pedestrian", "box")
draw_box(40, 30, 120, 150)
studio.select(0)
studio.wait(2)
check(studio.widget("view:Show every label") == nil, "the view options should be hidden at first")

studio.key("F2")
studio.wait(2)
local checkbox = studio.widget("view:Show every label")
check(checkbox ~= nil, "F2 should show the view options with the image view's checkbox")
check(studio.widget("view:Line width") ~= nil, "the image view's line width slider should be shown")

local before = out .. "/view_options_before.png"
local after = out .. "/view_options_after.png"
studio.screenshot(before)
studio.click(checkbox.x + checkbox.height / 2, checkbox.y + checkbox.height / 2)
studio.wait(3)
studio.screenshot(after)
-- The label text now drawn above the box, in the canvas (the panel's own
-- checkmark is outside the compared area).
local bx, by = studio.to_screen(40, 30)
local differing = studio.png_diff(before, after, math.floor(bx), math.floor(by) - 30, 120, 28)
check(differing > 20, "showing every label should draw the box's label above it; " .. differing .. " pixels differ")

studio.key("F2")
studio.wait(2)
check(studio.widget("view:Show every label") == nil, "F2 should hide the view options again")
studio.quit(0)
