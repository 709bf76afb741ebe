-- The item browser's QA filter on a project imported with the driving
-- labels (the runner imports annotations/driving.json): the whole project is
-- checked in the background, so items never opened are found; the list then
-- follows the live QA of the open item as the annotator fixes it, and undo.
dofile(os.getenv("TESSERA_GUI_LIB"))

local items = studio.items()
check(#items == 3, "the street sample has three items, got " .. #items)
-- The studio opens the first item; crossing-002 (the second) has a traffic
-- light without its state and is never opened before filtering.
check(studio.current() == items[1], "the first item is open")
studio.wait(2)


-- Waits up to `frames` frames for the rows shown to be `expected`.
local function wait_rows(expected, frames, what)
  for _ = 1, frames do
    if rows_shown(items) == expected then return end
    studio.wait(1)
  end
  check(false, what .. ": expected rows " .. expected .. ", shown " .. rows_shown(items))
end

local function filter(entry)
  click_widget("filter.qa")
  click_widget("filter.qa" .. entry)
  studio.wait(2)
end

filter(".errors")
wait_rows(tostring(items[2]), 300, "With errors, once the project is checked")

-- The combo lists the rules that found something, and each filters by itself.
click_widget("filter.qa")
check(studio.widget("filter.qa.rule=builtin.attribute-required") ~= nil,
      "the rule that found the missing state is offered in the QA filter")
click_widget("filter.qa.rule=builtin.attribute-required")
studio.wait(2)
wait_rows(tostring(items[2]), 10, "the attribute-required rule")
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)  -- no tooltip in the picture
studio.wait(2)
studio.screenshot(out .. "/qa_filter.png")

-- Fixing the light in the attribute editor takes the item out of the list at once.
studio.open(items[2])
studio.wait(2)
local light
for _, a in ipairs(studio.annotations(items[2])) do
  if a.label == "traffic_light" and (a.attributes == nil or a.attributes.state == nil) then light = a end
end
check(light ~= nil, "crossing-002 has a traffic light without a state")
studio.select(light.id)
studio.wait(2)
pick_attribute("state", "green")
check(stored_attribute(items[2], light.id, "state") == "green", "the state is stored")
wait_rows("", 10, "after the fix no item has a missing attribute")

-- Undo brings the finding back, and the item with it.
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)
studio.key("Z", { ctrl = true })
studio.wait(2)
wait_rows(tostring(items[2]), 10, "after undo")

filter(".any")
wait_rows(table.concat({ items[1], items[2], items[3] }, ","), 10, "Any")
studio.quit(0)
