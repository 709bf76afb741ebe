-- A hostile Lua view (issue 17) for images, driven by hostile_view.lua: each
-- tool is one attempt, made in frame() while the tool is active.
--   idle    draws a line: the view works
--   spin    upper-cases 8 MiB in an endless loop: work in C, one instruction each
--   nan     submits a box whose left edge is NaN
--   parent  submits a box whose parent is no annotation of the item
--   steer   steers item iteration with a handle of an earlier open_item
local attempted = {}
local first_handle, current_item
return {
  api = 1,
  id = "test.hostile-view",
  views = { {
    name = "Hostile",
    media_kinds = "Image",
    tools = {
      { id = "idle", name = "Idle" }, { id = "spin", name = "Spin" }, { id = "nan", name = "NaN box" },
      { id = "parent", name = "Foreign parent" }, { id = "steer", name = "Steer" },
    },
    open_item = function(item, annotations)
      current_item = item
      for a in item:annotations() do first_handle = first_handle or a end
    end,
    set_annotations = function(annotations, item) current_item = item end,
    frame = function(ui, state)
      ui:line(0, 0, 10, 10, 0xFFFFFFFF)
      if state.tool == "spin" then
        local s = ("x"):rep(8 << 20)
        while true do local u = s:upper() end
      elseif state.tool == "nan" and not attempted.nan then
        attempted.nan = true
        ui:submit({ { op = "add", label = "car",
                      geometry = { box = { left = 0 / 0, top = 1, right = 50, bottom = 60 } } } })
      elseif state.tool == "parent" and not attempted.parent then
        attempted.parent = true
        local ok, why = ui:submit({ { op = "add", label = "car", parent = 999999,
                                      geometry = { box = { left = 10, top = 10, right = 50, bottom = 60 } } } })
        if not ok then error("refused: " .. tostring(why)) end
      elseif state.tool == "steer" and not attempted.steer then
        attempted.steer = true
        local next_of = current_item:annotations()
        next_of(current_item, first_handle)
      end
    end,
  } },
}
