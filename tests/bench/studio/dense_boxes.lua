-- Frame times with 10,000 boxes on one 3840 x 2160 item, the pointer moving
-- over the canvas: at fit zoom (every box visible) and zoomed in.
local canvas = studio.canvas()
studio.tool("select")
studio.wait(10)

local function measure(name)
  studio.frame_stats()
  for i = 1, 150 do
    studio.mouse(canvas.x + 40 + i * 3, canvas.y + 80 + i * 2)
    studio.wait(1)
  end
  local frames, mean, max = studio.frame_stats()
  print(string.format("%-34s %4d frames  mean %6.2f ms  max %6.2f ms", name, frames, mean, max))
end

measure("fit: 10,000 boxes visible")
studio.mouse(canvas.x + canvas.width / 2, canvas.y + canvas.height / 2)
for _ = 1, 8 do studio.wheel(1); studio.wait(1) end
measure(string.format("zoomed in (scale %.2f)", studio.canvas().scale))
studio.quit(0)
