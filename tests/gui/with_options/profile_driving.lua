-- The driving sample profile: Chinese UI, its hotkeys (W = box tool) and
-- only its tools; a screenshot shows the Chinese UI and label names.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = studio.items()[1]
studio.open(item)
studio.label("pedestrian")
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)
studio.key("W")  -- the profile's key for the box tool
draw_box(40, 30, 120, 150)
check(#studio.annotations(item) == 1, "W picked the box tool and the drag drew a box")
studio.key("K")  -- keypoints are not among the profile's tools: nothing changes
draw_box(150, 30, 200, 90)
check(#studio.annotations(item) == 2, "the box tool is still active after K")
studio.screenshot(out .. "/profile_driving.png")
studio.quit(0)
