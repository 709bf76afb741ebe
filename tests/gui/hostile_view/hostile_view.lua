-- A hostile Lua view in the studio (issue 17; the view is plugin/init.lua):
-- a frame() that loops in C is stopped at the deadline frame after frame while
-- the studio stays usable, and edits with a NaN coordinate or a parent outside
-- the item are refused visibly; run.sh then checks the project is unchanged.
dofile(os.getenv("TESSERA_GUI_LIB"))

local item = studio.items()[1]
studio.open(item)
studio.tool("idle")
studio.wait(2)
local before = #studio.annotations(item)
check(before > 0, "the sample's first image has annotations")

-- Spinning in C: each frame ends at the 300 ms deadline, and the studio goes on.
studio.tool("spin")
local started = os.clock()
studio.wait(4)
local message, is_error = studio.message()
check(is_error, "the spinning view's failure is shown as an error: " .. message)
check(message:find("test.hostile-view", 1, true), "the message names the plugin: " .. message)
check(message:find("time limit of 300 ms exceeded", 1, true), "the message names the limit: " .. message)
studio.screenshot(os.getenv("TESSERA_GUI_OUT") .. "/spinning.png")
studio.tool("idle")
studio.wait(2)
local frames = studio.frame_stats()
check(frames > 0, "frames were drawn")

-- A NaN coordinate is refused where the view builds its edit.
studio.tool("nan")
studio.wait(3)
message = studio.message()
check(message:find("expected a finite number", 1, true), "NaN refused, naming the field: " .. message)
check(#studio.annotations(item) == before, "no annotation added by the NaN box")

-- A parent outside the item is refused by the store.
studio.tool("idle")
studio.wait(1)
studio.tool("parent")
studio.wait(3)
message = studio.message()
check(message:find("parent 999999 is not an annotation of this item", 1, true),
      "foreign parent refused: " .. message)
check(#studio.annotations(item) == before, "no annotation added by the foreign parent")

-- A handle of an earlier item cannot steer iteration over the current one.
studio.open(studio.items()[2])
studio.tool("idle")
studio.wait(2)
studio.tool("steer")
studio.wait(3)
message = studio.message()
check(message:find("annotation handle used after its item is gone", 1, true),
      "a stale handle raises: " .. message)

studio.screenshot(os.getenv("TESSERA_GUI_OUT") .. "/after.png")
studio.quit()
