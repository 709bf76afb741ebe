-- Shared by the GUI test scripts: dofile(os.getenv("TESSERA_GUI_LIB")).
out = os.getenv("TESSERA_GUI_OUT")

-- Fails the session with `message` unless `condition` holds.
function check(condition, message)
  if not condition then error(message, 2) end
end

-- Fails unless |actual - expected| <= tolerance.
function near(actual, expected, tolerance, what)
  check(actual ~= nil and math.abs(actual - expected) <= tolerance,
        string.format("%s: expected %.3f (+/- %.3f), got %s", what, expected, tolerance, tostring(actual)))
end

-- The first annotation of `item` with id not in `known`, or nil.
function new_annotation(item, known)
  for _, a in ipairs(studio.annotations(item)) do
    if not known[a.id] then return a end
  end
end

-- Opens the first item with `label` and `tool` chosen; returns its id.
function open_first_item(label, tool)
  local item = studio.items()[1]
  studio.open(item)
  studio.label(label)
  studio.tool(tool)
  studio.wait(2)
  return item
end

-- Drags a box from item point (x0, y0) to (x1, y1) at the current zoom.
function draw_box(x0, y0, x1, y1)
  local sx0, sy0 = studio.to_screen(x0, y0)
  local sx1, sy1 = studio.to_screen(x1, y1)
  studio.drag(sx0, sy0, sx1, sy1)
end
