-- A hostile rule (issue 17): mode-by-rawset. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   weak tables (__mode) are not allowed
return {
  api = 1,
  id = "hostile.mode-by-rawset",
  qa_rules = { {
    id = "hostile.mode-by-rawset",
    description = "mode-by-rawset",
    check = function(item, ctx)
    local mt = {}
    local t = setmetatable({}, mt)
    rawset(mt, "__mode", "k")
    end,
  } },
}
