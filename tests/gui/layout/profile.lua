-- A profile's layout (pixels of a 1280 x 800 window, samples/profiles/driving.json)
-- scales with the window: items [0, 20, 220, 752], canvas [220, 20, 780, 752].
dofile(os.getenv("TESSERA_GUI_LIB"))
local W, H = tonumber(os.getenv("TESSERA_GUI_WIDTH")), tonumber(os.getenv("TESSERA_GUI_HEIGHT"))
local function round(x) return math.floor(x + 0.5) end
local sx, sy = W / 1280, H / 800

local items, canvas = studio.panel("items"), studio.panel("canvas")
check(items ~= nil and canvas ~= nil, "the items and canvas panels are shown")
near(items.x, 0, 0, "items x")
near(items.y, round(20 * sy), 0, "items y")
near(items.width, round(220 * sx), 0, "items width")
near(items.height, round(752 * sy), 0, "items height")
near(canvas.x, round(220 * sx), 0, "canvas x")
near(canvas.width, round(780 * sx), 0, "canvas width")
studio.screenshot(string.format("%s/profile_%dx%d.png", out, W, H))
studio.quit(0)
