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

-- The ids of `items` whose rows the item browser drew in the last frame, as "1,3".
function rows_shown(items)
  local shown = {}
  for _, id in ipairs(items) do
    if studio.widget("items.row=" .. id) then shown[#shown + 1] = tostring(id) end
  end
  return table.concat(shown, ",")
end

-- The screen rectangle of the widget the studio named `name`; fails when it was not drawn.
function widget(name)
  local rect = studio.widget(name)
  check(rect ~= nil, "no widget named " .. name .. " was drawn in the last frame")
  return rect
end

-- Clicks the widget `name` at the fraction `fx` of its width (the middle by default).
function click_widget(name, fx, modifiers)
  local rect = widget(name)
  local x, y = rect.x + rect.width * (fx or 0.5), rect.y + rect.height / 2
  if modifiers then studio.modifiers(modifiers.ctrl, modifiers.shift, modifiers.alt) end
  studio.click(x, y)
  if modifiers then studio.modifiers(false, false, false) end
  studio.wait(2)
end

-- The attribute `key` of annotation `id` of `item` in the store, or nil.
function stored_attribute(item, id, key)
  for _, a in ipairs(studio.annotations(item)) do
    if a.id == id then return a.attributes and a.attributes[key] end
  end
end

-- Picks `value` for the enum attribute `key` of the selected annotation in the attribute editor.
function pick_attribute(key, value)
  click_widget("attribute." .. key)
  click_widget("attribute." .. key .. "=" .. value)
end
