-- A hostile rule (issue 17): format-loop. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.format-loop",
  qa_rules = { {
    id = "hostile.format-loop",
    description = "format-loop",
    check = function(item, ctx)
    local s = ("x"):rep(4 << 20)
    while true do local t = string.format("%s%s", s, "!") end
    end,
  } },
}
