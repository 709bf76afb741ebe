-- A hostile rule (issue 17): insert-proxy. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.insert-proxy",
  qa_rules = { {
    id = "hostile.insert-proxy",
    description = "insert-proxy",
    check = function(item, ctx)
    local p = setmetatable({}, { __index = rawlen, __newindex = rawequal,
                                 __len = function() return 1 << 40 end })
    table.insert(p, 1, "x")
    end,
  } },
}
