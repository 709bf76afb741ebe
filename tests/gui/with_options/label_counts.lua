-- The sample customized host runs the studio with its own panel.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = open_first_item("car", "box")
draw_box(40, 30, 120, 150)
check(#studio.annotations(item) == 1, "a box drawn in the customized host")
studio.screenshot(out .. "/label_counts.png")
studio.quit(0)
