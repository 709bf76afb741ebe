-- An inspector rejects a submitted item with a comment pinned to a box; the
-- annotator then sees the item rejected and the comment on the canvas.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("pedestrian", "box")
draw_box(60, 40, 140, 200)
local box = studio.annotations(item)[1]
studio.select(box.id)
studio.wait(2)
pick_attribute("occlusion", "none")
check(stored_attribute(item, box.id, "occlusion") == "none", "occlusion set from the attribute editor")
studio.key("Enter", { ctrl = true })
check(studio.state(item) == "Submitted", "submitted, state " .. studio.state(item))

-- Review mode walks submitted items: the only one is this one.
studio.review_mode(true)
check(studio.current() == item, "review mode opens the submitted item")
studio.select(box.id)
studio.reject("loose-box", "box cuts the feet off", "loose-box")
check(studio.state(item) == "Rejected", "rejected, state " .. studio.state(item))

-- Back as the annotator: the comment is drawn above the box.
studio.review_mode(false)
studio.open(item)
studio.select(0)
studio.wait(2)
local file = out .. "/review_reject.png"
studio.screenshot(file)
-- The comment label is a red box just above the box's top-left corner.
local x, y = studio.to_screen(60, 40)
local r, g, b = studio.png_pixel(file, math.floor(x + 3), math.floor(y - 3))
check(r > 150 and g < 90 and b < 90, string.format("comment pin not drawn: pixel %d,%d,%d", r, g, b))
studio.quit(0)
