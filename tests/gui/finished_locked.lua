-- Finished work is locked: after Ctrl+Enter the item's shapes cannot be
-- changed while annotating (a new box is refused, visibly, and nothing is
-- stored); in review mode an inspector reopens it with a reason, and it can be
-- annotated again.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("pedestrian", "box")
draw_box(60, 40, 140, 200)
local box = studio.annotations(item)[1]
studio.select(box.id)
studio.wait(2)
pick_attribute("occlusion", "none")
studio.key("Enter", { ctrl = true })
check(studio.state(item) == "Submitted", "submitted, state " .. studio.state(item))

draw_box(160, 40, 200, 120)
studio.wait(2)
local text, is_error = studio.message()
check(is_error and text:find("read-only", 1, true), "the refusal says the item is read-only: " .. tostring(text))
check(#studio.annotations(item) == 1, "nothing was added to the submitted item")
studio.screenshot(out .. "/locked.png")
studio.key("D", { ctrl = true, shift = true })  -- discard the refused box
studio.wait(2)
check(studio.unsaved() == nil, "the refused box was discarded")

studio.review_mode(true)
studio.wait(2)
click_widget("review.reopen_reason")
studio.type("the box cuts the head off")
studio.wait(1)
click_widget("review.reopen")
check(studio.state(item) == "InProgress", "reopened, state " .. studio.state(item))
studio.review_mode(false)
studio.wait(2)
draw_box(160, 40, 200, 120)
studio.wait(2)
check(#studio.annotations(item) == 2, "the reopened item takes a new box")
studio.quit(0)
