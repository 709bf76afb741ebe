-- The item browser's assignee filter: two items assigned to me from their
-- rows' context menu, then the filter narrows the list to mine and to the
-- unassigned ones; undo takes the last assignment back and the list follows.
dofile(os.getenv("TESSERA_GUI_LIB"))

local items = studio.items()
check(#items == 3, "the street sample has three items, got " .. #items)
studio.wait(2)


local function assign_to_me(id)
  local row = widget("items.row=" .. id)
  studio.click(row.x + row.width / 2, row.y + row.height / 2, 1)  -- right button: the row's menu
  studio.wait(2)
  click_widget("items.assign_me")
end

local function filter(entry)
  click_widget("filter.assignee")
  click_widget("filter.assignee" .. entry)
  studio.wait(3)
end

local all = table.concat({ items[1], items[2], items[3] }, ",")
check(rows_shown(items) == all, "every row is shown before filtering: " .. rows_shown(items))

assign_to_me(items[1])
assign_to_me(items[3])
check(studio.state(items[1]) == "New", "assigning does not start work on an item: " .. tostring(studio.state(items[1])))

filter(".me")
check(rows_shown(items) == items[1] .. "," .. items[3], "the Me filter shows my two items: " .. rows_shown(items))
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)  -- no row tooltip in the picture
studio.wait(2)
studio.screenshot(out .. "/assignee_filter.png")

filter(".unassigned")
check(rows_shown(items) == tostring(items[2]), "the Unassigned filter shows the third: " .. rows_shown(items))

-- Undo (with the pointer off the list) takes item 3's assignment back.
studio.mouse(studio.canvas().x + 5, studio.canvas().y + 5)
studio.key("Z", { ctrl = true })
studio.wait(3)
check(rows_shown(items) == items[2] .. "," .. items[3], "after undo item 3 is unassigned again: " .. rows_shown(items))

filter(".me")
check(rows_shown(items) == tostring(items[1]), "after undo only item 1 is mine: " .. rows_shown(items))
filter(".any")
check(rows_shown(items) == all, "Any shows every row again: " .. rows_shown(items))
studio.quit(0)
