-- Frame times with many boxes on one 3840 x 2160 item (the project decides
-- how many): the pointer moving at fit zoom (every box visible), the same
-- zoomed in, panning (every frame differs, so nothing comes from the canvas
-- cache), and moving one box with the select tool.
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

-- Panning with the middle button: the whole drawing moves at every frame.
studio.mouse(canvas.x + 200, canvas.y + 200)
studio.button(2, true)
studio.wait(1)
studio.frame_stats()
for i = 1, 100 do
  studio.mouse(canvas.x + 200 + (i % 20) * 2, canvas.y + 200 + (i % 20))
  studio.wait(1)
end
report("fit, panning")
studio.button(2, false)
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
studio.quit(0)
