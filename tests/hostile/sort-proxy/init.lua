-- A hostile rule (issue 17): sort-proxy. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.sort-proxy",
  qa_rules = { {
    id = "hostile.sort-proxy",
    description = "sort-proxy",
    check = function(item, ctx)
    local p = setmetatable({}, { __index = rawlen, __newindex = rawequal,
                                 __len = function() return (1 << 31) - 2 end })
    table.sort(p)
    end,
  } },
}
