-- A hostile rule (issue 17): concat-proxy. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.concat-proxy",
  qa_rules = { {
    id = "hostile.concat-proxy",
    description = "concat-proxy",
    check = function(item, ctx)
    local p = setmetatable({}, { __index = rawlen, __len = function() return 1 << 40 end })
    return table.concat(p)
    end,
  } },
}
