-- The attribute editor driven by clicks and typing on its widgets: an enum
-- picked from its combo, an int slider clicked and then typed into, the label
-- changed from the label combo; each edit lands in the store and can be undone.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("car", "box")
draw_box(40, 30, 160, 120)
local box = studio.annotations(item)[1]
studio.select(box.id)
studio.wait(2)
check(stored_attribute(item, box.id, "occlusion") == nil, "a new box has no occlusion yet")

-- Enum → combo: open it, pick "partial".
pick_attribute("occlusion", "partial")
check(stored_attribute(item, box.id, "occlusion") == "partial",
      "occlusion after picking it: " .. tostring(stored_attribute(item, box.id, "occlusion")))
for _, f in ipairs(studio.findings()) do
  check(not (f.rule == "builtin.attribute-required" and f.annotation == box.id),
        "the missing-occlusion finding should be gone: " .. f.message)
end

-- Int with min 0 and max 100 → slider: a click a quarter of the way sets about 25.
click_widget("attribute.truncation", 0.25)
local truncation = stored_attribute(item, box.id, "truncation")
check(truncation ~= nil and truncation >= 18 and truncation <= 32,
      "truncation after clicking a quarter of the slider: " .. tostring(truncation))

-- Ctrl+click turns the slider into a text field: type 37 and Enter.
click_widget("attribute.truncation", 0.5, { ctrl = true })
studio.key("A", { ctrl = true })  -- select what is there
studio.type("37")
studio.key("Enter")
studio.wait(2)
check(stored_attribute(item, box.id, "truncation") == 37,
      "truncation after typing 37: " .. tostring(stored_attribute(item, box.id, "truncation")))

-- The label combo: car → truck; the attributes stay.
click_widget("attribute.label")
click_widget("attribute.label=truck")
local a = studio.annotations(item)[1]
check(a.label == "truck", "label after picking truck: " .. a.label)
check(a.attributes.occlusion == "partial", "occlusion kept across the label change")
studio.screenshot(out .. "/attribute_editing.png")

-- Undo walks the edits back: the label first, then the typed value.
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)
studio.key("Z", { ctrl = true })
studio.wait(2)
check(studio.annotations(item)[1].label == "car", "undo restores the label")
studio.key("Z", { ctrl = true })
studio.wait(2)
check(stored_attribute(item, box.id, "truncation") == truncation, "undo restores the clicked value")
studio.quit(0)
