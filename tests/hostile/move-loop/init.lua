-- A hostile rule (issue 17): move-loop. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.move-loop",
  qa_rules = { {
    id = "hostile.move-loop",
    description = "move-loop",
    check = function(item, ctx)
    while true do table.move({}, 1, (1 << 24) - 1, 2) end
    end,
  } },
}
