-- A hostile rule (issue 17): compare-long-strings. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.compare-long-strings",
  qa_rules = { {
    id = "hostile.compare-long-strings",
    description = "compare-long-strings",
    check = function(item, ctx)
    local a = ("x"):rep(16 << 20)
    local b = a:sub(1, -2) .. "y"
    while true do local _ = a < b end
    end,
  } },
}
