-- The Lua timeline view (plugins/lua/timeline) on an audio item: dragging with
-- the span tool stores a TimeSpan of the dragged seconds in the chosen label,
-- no label means no span, the select tool picks a span and drags its end,
-- Delete removes it, undo brings it back and the wheel zooms about the
-- pointer. Run by run_audio_test.sh, whose probe rule reports each stored
-- span as a finding "span LABEL START END".
dofile(os.getenv("TESSERA_GUI_LIB"))

-- The timeline's layout in canvas pixels (plugins/lua/timeline/init.lua).
local AXIS, ROW = 30, 28

local item = open_first_item("utterance", "span")
local canvas = studio.canvas()
-- Item x is seconds: the unknown duration shows 60 s across the canvas.
check(canvas.scale > 5 and canvas.scale < 20, "pixels per second when fitted: " .. canvas.scale)
local tolerance = 1.0 / canvas.scale + 1e-3

local function row_y(row) return canvas.y + AXIS + (row - 1) * ROW + ROW / 2 end
local function x_of(seconds) return (studio.to_screen(seconds, 0)) end

local function stored_spans()
  local spans = {}
  for _, f in ipairs(studio.findings()) do
    local label, start, stop = f.message:match("^span (%S+) (%S+) (%S+)$")
    if label then spans[label] = { start = tonumber(start), stop = tonumber(stop), id = f.annotation } end
  end
  return spans
end

-- A span from 2 s to 7 s in the first row.
studio.drag(x_of(2), row_y(1), x_of(7), row_y(1))
studio.wait(3)
local annotations = studio.annotations(item)
check(#annotations == 1, "one annotation expected after the drag, found " .. #annotations)
check(annotations[1].kind == "TimeSpan", "a TimeSpan expected, got " .. annotations[1].kind)
check(annotations[1].label == "utterance", "label " .. annotations[1].label)
local utterance = stored_spans().utterance
check(utterance ~= nil, "the probe rule reports no utterance span")
near(utterance.start, 2, tolerance, "start of the dragged span")
near(utterance.stop, 7, tolerance, "end of the dragged span")

-- Without a label the span tool draws nothing.
studio.label("")
studio.wait(1)
studio.drag(x_of(10), row_y(1), x_of(15), row_y(1))
check(#studio.annotations(item) == 1, "a drag without a label must not add a span")

-- A second label gets a row of its own.
studio.label("event")
studio.drag(x_of(20), row_y(2), x_of(30), row_y(2))
studio.wait(3)
local event = stored_spans().event
check(event ~= nil, "the probe rule reports no event span")
near(event.start, 20, tolerance, "start of the event span")
near(event.stop, 30, tolerance, "end of the event span")

-- Select the utterance and drag its end from 7 s to 9 s.
studio.tool("select")
studio.wait(1)
studio.click(x_of(4.5), row_y(1))
check(studio.selected() == annotations[1].id,
      "clicking the span should select " .. annotations[1].id .. ", selected " .. studio.selected())
studio.drag(x_of(7), row_y(1), x_of(9), row_y(1))
studio.wait(3)
utterance = stored_spans().utterance
near(utterance.start, 2, tolerance, "start after dragging the end")
near(utterance.stop, 9, tolerance, "end after dragging the end")

-- The screenshot: the selected utterance and the event in their label colours.
studio.wait(2)
local file = out .. "/timeline_span.png"
studio.screenshot(file)
local r, g, b = studio.png_pixel(file, math.floor(x_of(25) + 0.5), math.floor(row_y(2) + 8))
check(r > b + 40, string.format("the event span should be drawn in its red label colour, got %d,%d,%d", r, g, b))
r, g, b = studio.png_pixel(file, math.floor(x_of(6) + 0.5), math.floor(row_y(1) + 8))
check(b > r + 40, string.format("the utterance span should be drawn in its blue label colour, got %d,%d,%d", r, g, b))

-- Delete removes the selected span; undo brings it back.
studio.mouse(x_of(40), row_y(3))
studio.key("Delete")
studio.wait(2)
check(#studio.annotations(item) == 1, "Delete should leave the event span only")
studio.key("Z", { ctrl = true })
studio.wait(3)
check(#studio.annotations(item) == 2, "undo should bring the utterance back")

-- The wheel zooms about the pointer: the second under it stays under it.
local before, x25 = studio.canvas().scale, x_of(25)
studio.mouse(x25, row_y(3))
studio.wait(1)
studio.wheel(2)
studio.wait(3)
near(studio.canvas().scale, before * 1.25 ^ 2, before * 0.01, "pixels per second after zooming in")
near(x_of(25), x25, 1.0, "screen x of 25 s after zooming about it")
studio.quit(0)
