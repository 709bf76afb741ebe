-- The canvas cache: a still scene is rasterized once and then shown from its
-- texture, with exactly the pixels direct drawing gives; a change redraws it.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("car", "box")
draw_box(40, 30, 120, 150)
draw_box(150, 40, 300, 200)
check(#studio.annotations(item) == 2, "two boxes expected")
local canvas = studio.canvas()

-- Still: after the first frames, every frame comes from the texture.
studio.mouse(canvas.x + canvas.width - 5, canvas.y + canvas.height - 5)
studio.wait(5)
local frames0, cached0, renders0 = studio.canvas_cache()
studio.wait(30)
local frames1, cached1, renders1 = studio.canvas_cache()
check(frames1 - frames0 >= 30, "30 frames expected, got " .. (frames1 - frames0))
check(cached1 - cached0 == frames1 - frames0,
      string.format("a still canvas should come from the cache: %d of %d frames did", cached1 - cached0, frames1 - frames0))
check(renders1 == renders0, "a still canvas should not be rendered again, rendered " .. (renders1 - renders0) .. " times")

-- The same pixels with and without the cache, selection handles included.
studio.select(studio.annotations(item)[1].id)
studio.wait(3)
local cached_png, direct_png = out .. "/cached.png", out .. "/direct.png"
studio.screenshot(cached_png)
studio.canvas_cache(false)
studio.wait(2)
studio.screenshot(direct_png)
studio.canvas_cache(true)
local differing = studio.png_diff(cached_png, direct_png, math.floor(canvas.x), math.floor(canvas.y),
                                  math.floor(canvas.width), math.floor(canvas.height))
check(differing == 0, differing .. " canvas pixels differ between the cached and the direct drawing")

-- A change shows at once: zooming to 1:1 renders the texture again and the
-- screenshot shows the new scale.
local _, _, renders2 = studio.canvas_cache()
studio.mouse(canvas.x + 5, canvas.y + 5)
studio.key("0")
studio.wait(3)
local _, _, renders3 = studio.canvas_cache()
check(renders3 > renders2, "zooming should render the cached texture again")
near(studio.canvas().scale, 1, 1e-6, "scale after 0 (1:1)")
studio.select(0)
studio.wait(3)
local zoomed_cached, zoomed_direct = out .. "/zoomed_cached.png", out .. "/zoomed_direct.png"
studio.screenshot(zoomed_cached)
studio.canvas_cache(false)
studio.wait(2)
studio.screenshot(zoomed_direct)
studio.canvas_cache(true)
differing = studio.png_diff(zoomed_cached, zoomed_direct, math.floor(canvas.x), math.floor(canvas.y),
                            math.floor(canvas.width), math.floor(canvas.height))
check(differing == 0, differing .. " canvas pixels differ between the cached and the direct drawing at 1:1")
-- The second box's top edge is in the car colour (#FF9933) at its 1:1 place.
local x, y = studio.to_screen(225, 40)
local seen, found = {}, false
for dy = -2, 2 do
  local r, g, b = studio.png_pixel(zoomed_cached, math.floor(x + 0.5), math.floor(y + 0.5) + dy)
  seen[#seen + 1] = string.format("%d,%d,%d", r, g, b)
  found = found or (r > 230 and g > 130 and g < 175 and b < 80)
end
check(found, "no pixel on the box's top edge at 1:1 has the car colour 255,153,51: " .. table.concat(seen, " "))
studio.quit(0)
