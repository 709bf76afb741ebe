-- Ctrl+Z undoes and Ctrl+Shift+Z redoes edits through the store, across items.
dofile(os.getenv("TESSERA_GUI_LIB"))

local items = studio.items()
check(#items >= 2, "the sample has at least two items")
studio.open(items[1])
studio.label("pedestrian")
studio.tool("box")
studio.wait(2)
draw_box(20, 20, 80, 120)
check(#studio.annotations(items[1]) == 1, "box on item 1")

studio.open(items[2])
draw_box(100, 50, 160, 200)
check(#studio.annotations(items[2]) == 1, "box on item 2")

studio.key("Z", { ctrl = true })
check(#studio.annotations(items[2]) == 0, "undo removes the box of item 2 from the store")
studio.key("Z", { ctrl = true })
check(#studio.annotations(items[1]) == 0, "the second undo reaches back to item 1")
check(studio.current() == items[1], "undo opens the item it changed")

studio.key("Z", { ctrl = true, shift = true })
check(#studio.annotations(items[1]) == 1, "redo puts item 1's box back")
local box = studio.annotations(items[1])[1]
near(box.left, 20, 1, "redone box keeps its coordinates")
studio.key("Y", { ctrl = true })
check(#studio.annotations(items[2]) == 1, "Ctrl+Y redoes item 2's box")
studio.screenshot(out .. "/undo_redo.png")
studio.quit(0)
