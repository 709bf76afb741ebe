-- Frame times while scrolling the item browser of a 1,000,000-item project
-- with the mouse wheel, then jumping through it with PageDown.
studio.wait(10)
studio.mouse(120, 400)  -- over the item list
studio.frame_stats()
for _ = 1, 150 do studio.wheel(-20); studio.wait(1) end
local function report(name)
  local frames, mean, median, p99, max = studio.frame_stats()
  print(string.format("%-26s %4d frames  median %6.2f ms  p99 %6.2f ms  mean %6.2f ms  max %6.2f ms",
                      name, frames, median, p99, mean, max))
end
report("wheel-scrolling 1M items")
for _ = 1, 30 do studio.key("PageDown") end
report("PageDown through items")
studio.quit(0)
