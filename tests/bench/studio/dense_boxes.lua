-- Frame times with many boxes on one 3840 x 2160 item (the project decides
-- how many): the pointer moving at fit zoom (every box visible), the same
-- zoomed in, panning (the cache shows its texture moved), and moving one box
-- with the select tool.
local item = studio.items()[1]
studio.open(item)
studio.tool("select")
studio.wait(10)
local canvas = studio.canvas()
local boxes = #studio.annotations(item)

local function report(name)
  local frames, mean, median, p99, max = studio.frame_stats()
  print(string.format("%6d boxes  %-28s %4d frames  median %6.2f ms  p99 %6.2f ms  mean %6.2f ms  max %6.2f ms",
                      boxes, name, frames, median, p99, mean, max))
end

local function pointer_moving(name)
  studio.frame_stats()
  for i = 1, 150 do
    studio.mouse(canvas.x + 40 + i * 3, canvas.y + 80 + i * 2)
    studio.wait(1)
  end
  report(name)
end

pointer_moving("fit, pointer moving")

-- Panning with the middle button: the whole drawing moves at every frame,
-- back and forth within 40 x 20 pixels.
local function pan(name, frames, step_x, step_y)
  studio.mouse(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2)
  studio.wait(2)
  studio.button(2, true)
  studio.wait(1)
  studio.frame_stats()
  local x, y = canvas.x + canvas.width / 2, canvas.y + canvas.height / 2
  for i = 1, frames do
    x, y = x + step_x(i), y + step_y(i)
    studio.mouse(x, y)
    studio.wait(1)
  end
  report(name)
  studio.button(2, false)
  studio.wait(2)
end
local function wiggle(i) return (i % 20 < 10) and 4 or -4 end
pan("fit, panning", 100, wiggle, function(i) return wiggle(i) / 2 end)
studio.key("F")  -- back to fit
studio.wait(3)

-- Moving the first box by its middle: the boxes drawn before it stay cached.
local a = studio.annotations(item)[1]
local x, y = studio.to_screen((a.left + a.right) / 2, (a.top + a.bottom) / 2)
studio.select(a.id)
studio.mouse(x, y)
studio.wait(2)
studio.button(0, true)
studio.wait(1)
studio.frame_stats()
for i = 1, 100 do
  studio.mouse(x + (i % 30), y + (i % 30) / 2)
  studio.wait(1)
end
report("fit, moving one box")
studio.button(0, false)
studio.wait(2)
studio.select(0)

studio.mouse(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2)
for _ = 1, 8 do studio.wheel(1); studio.wait(1) end
pointer_moving(string.format("zoomed in (scale %.2f)", studio.canvas().scale))
-- Panning across the image, 8 pixels a frame: past the cached margin every
-- 40 frames or so, where the shapes drawn change and the cache renders again.
pan("zoomed in, panning across", 150, function() return -8 end, function() return -3 end)
studio.quit(0)
