-- The canvas cache: a still scene is rasterized once and then shown from its
-- texture; a pan shows the texture moved; a change redraws it. The pixels are
-- those of drawing directly: exactly at 1:1, and at the fit zoom but where a
-- pixel centre falls exactly on an edge of a magnified image texel, which
-- the two drawings may give to either side.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("car", "box")
draw_box(40, 30, 120, 150)
draw_box(150, 40, 300, 200)
check(#studio.annotations(item) == 2, "two boxes expected")
local canvas = studio.canvas()

-- Canvas pixels that differ between two screenshots, exactly or (ties = 1)
-- but for such ties; and how many were taken for ties.
local function differing(a, b, ties)
  return studio.png_diff(a, b, math.floor(canvas.x), math.floor(canvas.y),
                         math.floor(canvas.width), math.floor(canvas.height), ties or 0)
end

-- Ties are rare: a texel edge on a row or column of pixel centres gives at most
-- a row or column of the canvas. A drawing off by a pixel would differ at every
-- edge, each one a "tie".
local function check_ties(count, ties, what)
  check(count == 0, count .. " canvas pixels differ between " .. what)
  check(ties <= math.max(canvas.width, canvas.height),
        ties .. " canvas pixels differ by a pixel between " .. what .. ": more than a row of ties")
end

-- Screenshots of the canvas through the cache and drawn directly.
local function cached_and_direct(name)
  local cached, direct = out .. "/" .. name .. "_cached.png", out .. "/" .. name .. "_direct.png"
  studio.screenshot(cached)
  studio.canvas_cache(false)
  studio.wait(2)
  studio.screenshot(direct)
  studio.canvas_cache(true)
  studio.wait(2)
  return cached, direct
end

-- Pans with the middle button by `steps` moves of (dx, dy) screen pixels;
-- returns how many frames showed the texture moved and how often it was rendered.
local function pan(steps, dx, dy)
  local x, y = canvas.x + 100, canvas.y + 100
  studio.mouse(x, y)
  studio.wait(3)
  local _, _, renders0, moved0 = studio.canvas_cache()
  studio.button(2, true)
  studio.wait(1)
  for i = 1, steps do
    studio.mouse(x + dx * i, y + dy * i)
    studio.wait(1)
  end
  studio.button(2, false)
  studio.wait(2)
  local _, _, renders1, moved1 = studio.canvas_cache()
  return moved1 - moved0, renders1 - renders0
end

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
local cached, direct = cached_and_direct("fit")
local count, ties = differing(cached, direct, 1)
check_ties(count, ties, "the cached and the direct drawing")

-- Panning shows the texture moved instead of rasterizing the drawing again.
studio.select(0)
local moved, renders = pan(12, 3, 2)
check(moved >= 12, "panning should show the cached texture moved, did in " .. moved .. " frames")
check(renders <= 1, "panning should not render the texture again, rendered " .. renders .. " times")
cached, direct = cached_and_direct("fit_panned")
count, ties = differing(cached, direct, 1)
check_ties(count, ties, "the moved texture and the direct drawing")

-- A change shows at once: zooming to 1:1 after still frames renders the
-- texture again right away, once, and the screenshot shows the new scale.
studio.mouse(canvas.x + 5, canvas.y + 5)
studio.wait(3)
local _, _, renders2 = studio.canvas_cache()
studio.key("0")
studio.wait(3)
local _, _, renders3 = studio.canvas_cache()
check(renders3 - renders2 == 1, "zooming should render the cached texture again once, rendered " .. (renders3 - renders2) .. " times")
near(studio.canvas().scale, 1, 1e-6, "scale after 0 (1:1)")
studio.wait(3)
cached, direct = cached_and_direct("one_to_one")
count = differing(cached, direct)
check(count == 0, count .. " canvas pixels differ between the cached and the direct drawing at 1:1")
-- The second box's top edge is in the car colour (#FF9933) at its 1:1 place.
local function car_colour_at(png, item_x, item_y)
  local x, y = studio.to_screen(item_x, item_y)
  local seen, found = {}, false
  for dy = -2, 2 do
    local r, g, b = studio.png_pixel(png, math.floor(x + 0.5), math.floor(y + 0.5) + dy)
    seen[#seen + 1] = string.format("%d,%d,%d", r, g, b)
    found = found or (r > 230 and g > 130 and g < 175 and b < 80)
  end
  return found, table.concat(seen, " ")
end
local found, seen = car_colour_at(cached, 225, 40)
check(found, "no pixel on the box's top edge at 1:1 has the car colour 255,153,51: " .. seen)

-- Panned at 1:1, the moved texture is exactly the direct drawing, and the
-- box is where the transform says.
moved = pan(10, -4, 3)
check(moved >= 10, "panning at 1:1 should show the cached texture moved, did in " .. moved .. " frames")
cached, direct = cached_and_direct("one_to_one_panned")
count = differing(cached, direct)
check(count == 0, count .. " canvas pixels differ between the moved texture and the direct drawing at 1:1")
found, seen = car_colour_at(cached, 225, 40)
check(found, "no pixel on the box's top edge after panning has the car colour: " .. seen)
studio.quit(0)
