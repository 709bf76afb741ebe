-- A hostile rule (issue 17): tostring-meta-loop. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.tostring-meta-loop",
  qa_rules = { {
    id = "hostile.tostring-meta-loop",
    description = "tostring-meta-loop",
    check = function(item, ctx)
    local big = ("z"):rep(4 << 20)
    local t = setmetatable({}, { __tostring = function() return big end })
    while true do local s = tostring(t) .. "!" end
    end,
  } },
}
