-- A hostile rule (issue 17): utf8-len-loop. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.utf8-len-loop",
  qa_rules = { {
    id = "hostile.utf8-len-loop",
    description = "utf8-len-loop",
    check = function(item, ctx)
    local s = ("x"):rep(16 << 20)
    while true do local n = utf8.len(s) end
    end,
  } },
}
