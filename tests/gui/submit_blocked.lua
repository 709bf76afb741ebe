-- Ctrl+Enter submits; error findings block it until they are fixed through
-- an attribute edit.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("pedestrian", "box")
draw_box(60, 40, 140, 200)
local box = studio.annotations(item)[1]

-- A pedestrian needs its occlusion attribute: builtin.attribute-required fires.
local blocked = false
for _, f in ipairs(studio.findings()) do
  if f.rule == "builtin.attribute-required" and f.annotation == box.id then blocked = true end
end
check(blocked, "a missing-attribute finding about the new box is expected")

studio.key("Enter", { ctrl = true })
check(studio.state(item) ~= "Submitted", "submission must be blocked while errors exist")
local text, is_error = studio.message()
check(is_error, "the status bar says why the submission was refused: " .. text)
studio.screenshot(out .. "/submit_blocked.png")

studio.select(box.id)
studio.wait(2)
pick_attribute("occlusion", "none")
check(stored_attribute(item, box.id, "occlusion") == "none", "occlusion set from the attribute editor")
studio.wait(2)
for _, f in ipairs(studio.findings()) do
  check(f.severity ~= "error", "error left after the fix: " .. f.rule .. ": " .. f.message)
end
studio.key("Enter", { ctrl = true })
check(studio.state(item) == "Submitted", "submitted after the fix, state " .. studio.state(item))
studio.quit(0)
