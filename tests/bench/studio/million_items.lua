-- Frame times while scrolling the item browser of a 1,000,000-item project
-- with the mouse wheel, then jumping through it with PageDown.
studio.wait(10)
studio.mouse(120, 400)  -- over the item list
studio.frame_stats()
for _ = 1, 150 do studio.wheel(-20); studio.wait(1) end
local frames, mean, max = studio.frame_stats()
print(string.format("%-34s %4d frames  mean %6.2f ms  max %6.2f ms", "wheel-scrolling 1M items", frames, mean, max))
for _ = 1, 30 do studio.key("PageDown") end
frames, mean, max = studio.frame_stats()
print(string.format("%-34s %4d frames  mean %6.2f ms  max %6.2f ms", "PageDown through items", frames, mean, max))
studio.quit(0)
