-- A hostile rule (issue 17): pcall-swallow. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.pcall-swallow",
  qa_rules = { {
    id = "hostile.pcall-swallow",
    description = "pcall-swallow",
    check = function(item, ctx)
    local s = ("x"):rep(16 << 20)
    while true do pcall(function() while true do local u = s:lower() end end) end
    end,
  } },
}
