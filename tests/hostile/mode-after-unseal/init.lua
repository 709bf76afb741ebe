-- A hostile rule (issue 17): mode-after-unseal. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   weak tables (__mode) are not allowed
return {
  api = 1,
  id = "hostile.mode-after-unseal",
  qa_rules = { {
    id = "hostile.mode-after-unseal",
    description = "mode-after-unseal",
    check = function(item, ctx)
    local mt = {}
    local t = setmetatable({}, mt)
    setmetatable(mt, nil)
    mt.__mode = "k"
    end,
  } },
}
