-- Undo never deletes another writer's work: another process (hold_lock, in
-- TESSERA_HOLD_LOCK) takes the project's write lock, the annotator draws a
-- box, which waits for the lock while the other writer commits five boxes;
-- Ctrl+Z then removes the annotator's box only, and Ctrl+Shift+Z puts it back.
dofile(os.getenv("TESSERA_GUI_LIB"))
local hold_lock = os.getenv("TESSERA_HOLD_LOCK")
local project = os.getenv("TESSERA_GUI_PROJECT")

local item = open_first_item("car", "box")
local marker = out .. "/locked"
os.remove(marker)
os.execute(string.format("'%s' '%s' %d '%s' &", hold_lock, project, item, marker))
for _ = 1, 500 do
  local f = io.open(marker)
  if f then f:close() break end
  studio.wait(1)
end
check(io.open(marker) ~= nil, "the other writer took the lock")

draw_box(150, 30, 250, 120)  -- waits for the other writer's commit
studio.wait(2)
check(#studio.annotations(item) == 6, "the studio's box and the other writer's five: " .. #studio.annotations(item))
studio.screenshot(out .. "/both_writers.png")

studio.key("Z", { ctrl = true })
studio.wait(2)
local left = studio.annotations(item)
check(#left == 5, "undo removed only the studio's own box, " .. #left .. " left")
for _, a in ipairs(left) do near(a.top, 150, 0.5, "the other writer's boxes are what remain") end
studio.key("Z", { ctrl = true, shift = true })
studio.wait(2)
check(#studio.annotations(item) == 6, "redo puts the studio's box back beside them")
studio.quit(0)
