-- Timeline: a view written in Lua for audio and video items. It shows time
-- spans (tessera.v1.TimeSpan) on a time axis, one row per label, and draws,
-- selects, resizes and deletes them. Copy it to start a view of your own;
-- the API is in plugins/lua/README.md, "Views in Lua".
--
-- Coordinates: the view sets the host's transform so that item x is time in
-- seconds (screen x = left gutter + (t - first visible second) * pixels per
-- second). The host's transform has one scale for both axes, so item y is
-- canvas pixels divided by that scale: rows are laid out in canvas pixels and
-- converted with y() below, and input.y is converted back with `* view.pps`.
-- The item's media are not read (a Lua view cannot open files): there is no
-- waveform, only the spans.

local GUTTER = 110      -- px at the left for row names
local AXIS = 30         -- px at the top for the time axis
local HANDLE = 6        -- px around a span's edge that grab it
local MIN_SPAN = 3      -- px: a shorter drag is a click, not a span
local WHITE, GREY, DARK = 0xFFFFFFFF, 0xA0A0A0FF, 0x202024FF

-- The open item, as open_item() and set_annotations() hand it over.
local item
local spans = {}        -- { id, label, start, stop } of every time span, in stored order
local rows = {}         -- labels with spans, in order of first appearance
local row_of = {}       -- label -> row number
local duration = 60     -- seconds shown when fitted

-- What the canvas shows and what the pointer is doing.
local view = { t0 = 0, pps = 10, fit = true }
local settings = { row_height = 28, snap = false }
local drag              -- nil, or { kind = "new"|"start"|"stop", ... }
local message, message_frames = nil, 0

-- Canvas pixels <-> item coordinates (see the top of this file).
local function y(py) return py / view.pps end
local function time_at(px) return view.t0 + (px - GUTTER) / view.pps end
local function px_of(t) return GUTTER + (t - view.t0) * view.pps end
local function row_top(row) return AXIS + (row - 1) * settings.row_height end

local function with_alpha(color, alpha) return (color & 0xFFFFFF00) | alpha end

local function say(text)
  message, message_frames = text, 120  -- two seconds
end

-- A time the pointer points at, kept within the media (when its duration is
-- known) and snapped to 0.1 s when the options say so.
local function pointed_time(t)
  t = math.max(0, t)
  if item.duration > 0 then t = math.min(t, item.duration) end
  if settings.snap then t = math.floor(t * 10 + 0.5) / 10 end
  return t
end

-- Reads the spans of `annotations` once per change rather than every frame.
local function index_spans(annotations)
  spans, rows, row_of = {}, {}, {}
  local last_end = 0
  for _, a in ipairs(annotations) do
    local start, stop = a:span()
    if start then
      spans[#spans + 1] = { id = a.id, label = a.label, start = start, stop = stop }
      if not row_of[a.label] then
        rows[#rows + 1] = a.label
        row_of[a.label] = #rows
      end
      last_end = math.max(last_end, stop)
    end
  end
  duration = item.duration > 0 and item.duration or math.max(60, last_end)
end

local function find_span(id)
  for _, s in ipairs(spans) do
    if s.id == id then return s end
  end
end

-- The span under canvas point (px, py), the last drawn (topmost) first.
local function span_at(px, py)
  for i = #spans, 1, -1 do
    local s = spans[i]
    local top = row_top(row_of[s.label])
    if py >= top and py < top + settings.row_height and px >= px_of(s.start) - 1
        and px <= px_of(s.stop) + 1 then
      return s
    end
  end
end

-- Edits go to the host, which applies them, pushes them on its undo stack and
-- calls set_annotations() with the new set; a refusal is shown on the canvas.
local function submit(ui, edits)
  local ok, why = ui:submit(edits, "timeline")
  if not ok then say("refused: " .. why) end
end

-- --- drawing ----------------------------------------------------------------

-- A tick every 1, 2, 5, 10, ... seconds, at least 70 px apart.
local STEPS = { 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600 }

local function tick_text(t, step)
  if step < 1 then return string.format("%.1f s", t) end
  if t >= 60 then return string.format("%d:%02d", t // 60, math.floor(t % 60)) end
  return string.format("%d s", math.floor(t + 0.5))
end

local function draw_axis(ui, width, height)
  local step = STEPS[#STEPS]
  for _, s in ipairs(STEPS) do
    if s * view.pps >= 70 then step = s; break end
  end
  local first = math.max(0, math.floor(time_at(GUTTER) / step) * step)
  local t = first
  while px_of(t) <= width do
    ui:line(t, y(AXIS - 8), t, y(height), 0xFFFFFF20)
    ui:line(t, y(AXIS - 8), t, y(AXIS), GREY)
    ui:text(t + 3 / view.pps, y(4), tick_text(t, step), GREY)
    t = t + step
  end
  ui:line(time_at(GUTTER), y(AXIS), time_at(width), y(AXIS), GREY)
  -- The end of the media.
  ui:line(duration, y(AXIS), duration, y(height), 0xFF8040C0, 2)
end

-- Span `s` in row `row`, highlighted with its edge handles when `selected`.
local function draw_span(ui, s, row, selected)
  local color = ui:label_color(s.label)
  local top = row_top(row) + 3
  local bottom = top + settings.row_height - 6
  ui:fill_rect(s.start, y(top), s.stop, y(bottom), with_alpha(color, selected and 0xA0 or 0x60))
  ui:rect(s.start, y(top), s.stop, y(bottom), selected and WHITE or color, selected and 2 or 1)
  if (s.stop - s.start) * view.pps > 48 then
    ui:text(s.start + 4 / view.pps, y(top + 4), ui:label_name(s.label), WHITE)
  end
  if selected then  -- the edge handles
    for _, t in ipairs { s.start, s.stop } do
      ui:fill_rect(t - 3 / view.pps, y(top - 2), t + 3 / view.pps, y(bottom + 2), WHITE)
    end
  end
end

local function draw(ui, state, width, height)
  ui:fill_rect(time_at(0), y(0), time_at(width), y(height), DARK)
  draw_axis(ui, width, height)
  for row, label in ipairs(rows) do
    local top = row_top(row)
    ui:line(time_at(GUTTER), y(top + settings.row_height), time_at(width),
            y(top + settings.row_height), 0xFFFFFF18)
  end
  for _, s in ipairs(spans) do
    if s.id ~= state.selected then draw_span(ui, s, row_of[s.label], false) end
  end
  local selected = find_span(state.selected)
  if selected and drag and drag.span == selected then
    -- An edge being dragged: the span as it will be stored on release.
    selected = { label = selected.label, start = math.min(drag.start, drag.stop),
                 stop = math.max(drag.start, drag.stop) }
  end
  if selected then draw_span(ui, selected, row_of[selected.label], true) end
  if drag and drag.kind == "new" then
    local row = row_of[drag.label] or #rows + 1
    draw_span(ui, { label = drag.label, start = math.min(drag.start, drag.stop),
                    stop = math.max(drag.start, drag.stop) }, row, false)
    if not row_of[drag.label] then  -- its row does not exist yet: name it
      ui:text(time_at(6), y(row_top(row) + 6), ui:label_name(drag.label), GREY)
    end
  end
  -- The gutter over whatever scrolled under it, then the row names.
  ui:fill_rect(time_at(0), y(AXIS), time_at(GUTTER), y(height), 0x18181CFF)
  for row, label in ipairs(rows) do
    ui:fill_rect(time_at(4), y(row_top(row) + 8), time_at(12), y(row_top(row) + 16),
                 ui:label_color(label))
    ui:text(time_at(18), y(row_top(row) + 6), ui:label_name(label), WHITE)
  end
  if state.tool == "span" and state.label == "" then
    ui:text(time_at(GUTTER + 8), y(height - 24), "Pick a label to draw spans", 0xFFC040FF)
  elseif message then
    ui:text(time_at(GUTTER + 8), y(height - 24), message, 0xFF6060FF)
  end
end

-- --- input ------------------------------------------------------------------

local function zoom_and_pan(input, px, width)
  if input.wheel ~= 0 and input.hovered then
    -- Zoom about the pointer: the second under it stays under it.
    local at = input.x
    local limit = math.max(width - GUTTER, 1) / 0.5  -- at most 0.5 s across the canvas
    view.pps = math.min(math.max(view.pps * 1.25 ^ input.wheel, 1e-3), limit)
    view.t0 = at - (px - GUTTER) / view.pps
  end
  if input.down.middle then view.t0 = view.t0 - input.dx / view.pps end
end

local function start_drag(ui, input, state, px, py)
  local t = pointed_time(input.x)
  if state.tool == "span" then
    if state.label == "" then
      say("Pick a label before drawing a span")
      return
    end
    drag = { kind = "new", label = state.label, start = t, stop = t }
    return
  end
  -- Select: an edge of the selected span, else the span under the pointer.
  local selected = find_span(state.selected)
  if selected then
    local top = row_top(row_of[selected.label])
    if py >= top and py < top + settings.row_height then
      for _, edge in ipairs { "start", "stop" } do
        if math.abs(px - px_of(selected[edge])) <= HANDLE then
          drag = { kind = edge, span = selected, start = selected.start, stop = selected.stop }
          return
        end
      end
    end
  end
  local hit = span_at(px, py)
  ui:select(hit and hit.id or 0)
end

local function finish_drag(ui)
  local start, stop = math.min(drag.start, drag.stop), math.max(drag.start, drag.stop)
  if (stop - start) * view.pps >= MIN_SPAN then
    if drag.kind == "new" then
      submit(ui, { { op = "add", label = drag.label,
                     geometry = { time_span = { start = start, ["end"] = stop } } } })
    else
      submit(ui, { { op = "update", id = drag.span.id,
                     geometry = { time_span = { start = start, ["end"] = stop } } } })
    end
  end
  drag = nil
end

-- --- the view ---------------------------------------------------------------

local function frame(ui, state)
  local width, height = ui:canvas_size()
  if view.fit then
    view.pps = math.max(width - GUTTER - 40, 16) / duration
    view.t0 = 0
    view.fit = false
  end
  local input = ui:input()
  local px, py = GUTTER + (input.x - view.t0) * view.pps, input.y * view.pps
  zoom_and_pan(input, px, width)
  ui:set_transform(view.pps, GUTTER - view.t0 * view.pps, 0)
  -- The pointer again, in the transform just set.
  input = ui:input()
  px, py = GUTTER + (input.x - view.t0) * view.pps, input.y * view.pps

  if drag then
    if ui:key_pressed("Escape") then
      drag = nil
    elseif drag.kind == "new" or drag.kind == "stop" then
      drag.stop = pointed_time(input.x)
    else
      drag.start = pointed_time(input.x)
    end
    if drag and input.released.left then finish_drag(ui) end
  elseif input.clicked.left and input.hovered and py > AXIS and px > GUTTER then
    start_drag(ui, input, state, px, py)
  end
  if input.keyboard_free and state.selected ~= 0 and find_span(state.selected)
      and (ui:key_pressed("Delete") or ui:key_pressed("Backspace")) then
    submit(ui, { { op = "delete", id = state.selected } })
    ui:select(0)
  end

  draw(ui, state, width, height)
  if message_frames > 0 then
    message_frames = message_frames - 1
    if message_frames == 0 then message = nil end
  end
end

return {
  api = 1,
  views = { {
    name = "Timeline",
    media_kinds = "Audio,Video",
    tools = {
      { id = "select", name = "Select", key = "V" },
      { id = "span", name = "Span", key = "S" },
    },
    open_item = function(opened, annotations, media_path)
      item = opened
      index_spans(annotations)
      view.fit, drag, message = true, nil, nil
    end,
    set_annotations = function(annotations, same_item)
      item = same_item  -- the views handed to open_item are gone now
      index_spans(annotations)
    end,
    frame = frame,
    options = function(ui)
      local _
      _, settings.snap = ui:checkbox("Snap to 0.1 s", settings.snap)
      _, settings.row_height = ui:slider("Row height", settings.row_height, 20, 60)
      if ui:button("Fit the whole recording") then view.fit = true end
    end,
  } },
}
