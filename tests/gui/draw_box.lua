-- Drawing a box with injected drags stores it with the right image
-- coordinates at two zoom levels; the screenshot shows it in its label colour.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("pedestrian", "box")

-- Zoom 1: the image fitted to the canvas.
local fit = studio.canvas().scale
check(fit > 1, "the 320x240 image should be enlarged to fit the canvas, scale " .. fit)
draw_box(40, 30, 120, 150)
local boxes = studio.annotations(item)
check(#boxes == 1, "one box expected after the first drag, found " .. #boxes)
local a = boxes[1]
check(a.label == "pedestrian", "label " .. a.label)
local tolerance = 1.0 / fit + 1e-3
near(a.left, 40, tolerance, "left at fit zoom")
near(a.top, 30, tolerance, "top at fit zoom")
near(a.right, 120, tolerance, "right at fit zoom")
near(a.bottom, 150, tolerance, "bottom at fit zoom")

-- Zoom 2: one image pixel per screen pixel (key 0).
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)
studio.key("0")
studio.wait(2)
near(studio.canvas().scale, 1, 1e-6, "scale after 0 (1:1)")
draw_box(180, 60, 300, 220)
local second = new_annotation(item, { [a.id] = true })
check(second ~= nil, "a second box expected after the drag at 1:1")
near(second.left, 180, 1.001, "left at 1:1")
near(second.top, 60, 1.001, "top at 1:1")
near(second.right, 300, 1.001, "right at 1:1")
near(second.bottom, 220, 1.001, "bottom at 1:1")

-- The screenshot shows the box's outline in the pedestrian colour (#00C0FF).
studio.select(0)
studio.wait(2)
local file = out .. "/draw_box.png"
studio.screenshot(file)
local x, y = studio.to_screen(240, 60)  -- middle of the second box's top edge
local seen = {}
local found = false
for dy = -2, 2 do
  local r, g, b = studio.png_pixel(file, math.floor(x + 0.5), math.floor(y + 0.5) + dy)
  seen[#seen + 1] = string.format("%d,%d,%d", r, g, b)
  found = found or (r < 60 and g > 150 and b > 200)
end
check(found, "no pixel on the box's top edge has the label colour 0,192,255: " .. table.concat(seen, " "))
studio.quit(0)
