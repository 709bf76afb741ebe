-- Polygon tool: click points, close with Enter; a second one closes by
-- clicking its first point.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("pedestrian", "polygon")

local function click_item(x, y)
  local sx, sy = studio.to_screen(x, y)
  studio.click(sx, sy)
end

for _, p in ipairs({ { 50, 50 }, { 150, 60 }, { 120, 160 }, { 60, 140 } }) do click_item(p[1], p[2]) end
studio.key("Enter")
local polygons = studio.annotations(item)
check(#polygons == 1, "one polygon after Enter, found " .. #polygons)
check(polygons[1].kind == "Polygon", "kind " .. polygons[1].kind)
check(#polygons[1].points == 8, "four points expected, got " .. (#polygons[1].points // 2))
near(polygons[1].points[3], 150, 1, "second point x")
near(polygons[1].points[4], 60, 1, "second point y")

for _, p in ipairs({ { 200, 40 }, { 300, 50 }, { 260, 120 }, { 200, 40 } }) do click_item(p[1], p[2]) end
check(#studio.annotations(item) == 2, "clicking the first point closes the second polygon")
studio.screenshot(out .. "/polygon.png")
studio.quit(0)
