-- The default layout fills the window, whatever its size: the items on the
-- left, the canvas in the centre, the right column to the right edge and the
-- status bar along the bottom. At 1280 x 800 it is the original layout to the
-- pixel. Nothing is saved when nothing was moved.
dofile(os.getenv("TESSERA_GUI_LIB"))
local W, H = tonumber(os.getenv("TESSERA_GUI_WIDTH")), tonumber(os.getenv("TESSERA_GUI_HEIGHT"))

local function panel(id)
  local rect = studio.panel(id)
  check(rect ~= nil, "the panel " .. id .. " was not shown")
  return rect
end
local function round(x) return math.floor(x + 0.5) end

local items, canvas, labels = panel("items"), panel("canvas"), panel("labels")
local attributes, qa, status = panel("attributes"), panel("qa"), panel("status")
local menu = items.y
check(menu > 10 and menu < 40, "the items panel starts below the menu bar, at y " .. menu)
local area = H - menu - 28

near(status.x, 0, 0, "status bar x")
near(status.width, W, 0, "status bar width")
near(status.y, H - 28, 0, "status bar top")  -- 28 px high (ImGui makes the window 32: clipped)
near(items.x, 0, 0, "items x")
near(items.width, round(0.203125 * W), 0, "items width")
near(items.y + items.height, H - 28, 0, "items bottom")
near(canvas.x, items.width, 0, "canvas x")
near(canvas.x + canvas.width, labels.x, 0, "canvas right edge")
near(labels.x, round(0.78125 * W), 0, "right column x")
near(labels.x + labels.width, W, 0, "right column right edge")
near(attributes.y, labels.y + labels.height, 0, "attributes below labels")
near(qa.y, attributes.y + attributes.height, 0, "QA below attributes")
near(qa.y - menu, round(0.5474 * area), 0, "QA y")

if W == 1280 and H == 800 then
  -- The layout the studio had before it followed the window's size.
  near(items.width, 260, 0, "items width at 1280x800")
  near(labels.x, 1000, 0, "right column x at 1280x800")
  near(labels.width, 280, 0, "right column width at 1280x800")
  near(labels.height, 190, 0, "labels height at 1280x800")
  near(attributes.y - menu, 190, 0, "attributes y at 1280x800")
  near(attributes.height, 220, 0, "attributes height at 1280x800")
  near(qa.y - menu, 410, 0, "QA y at 1280x800")
end

local saved = os.getenv("XDG_CONFIG_HOME") .. "/tessera/studio/layouts/default.layout"
check(io.open(saved) == nil, "no layout saved while nothing was moved: " .. saved)
studio.screenshot(string.format("%s/layout_%dx%d.png", out, W, H))
studio.quit(0)
