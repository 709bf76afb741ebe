-- studio.png_diff on a region given with huge or negative numbers: it is
-- clamped to the images (as 64-bit integers, so nothing wraps around an int)
-- and counts what the whole images count.
dofile(os.getenv("TESSERA_GUI_LIB"))

open_first_item("car", "box")
local before, after = out .. "/before.png", out .. "/after.png"
studio.screenshot(before)
studio.wait(2)
draw_box(40, 30, 120, 150)
studio.wait(2)
studio.screenshot(after)
studio.wait(2)

local whole = studio.png_diff(before, after)
check(whole > 0, "drawing a box should change some pixels")
local huge = math.maxinteger
local function counts(expected, x, y, w, h)
  local counted = studio.png_diff(before, after, x, y, w, h)
  check(counted == expected, string.format("png_diff(%d, %d, %d, %d) counted %d, expected %d",
                                           x, y, w, h, counted, expected))
end
counts(whole, 0, 0, huge, huge)
counts(whole, -huge, -huge, huge, huge)
counts(whole, 0, 0, 4294967296 + 10, 4294967296 + 10)
-- All but the first column and row: 1 + 2^31 - 1 does not fit an int.
local first_column = studio.png_diff(before, after, 0, 0, 1, 100000)
local first_row = studio.png_diff(before, after, 1, 0, 100000, 1)
counts(whole - first_column - first_row, 1, 1, 2147483647, 2147483647)
check(studio.png_diff(before, after, huge, huge, huge, huge) == 0, "a region past the images counts nothing")
check(studio.png_diff(before, after, 0, 0, -5, -5) == 0, "a region of negative size counts nothing")
studio.quit(0)
