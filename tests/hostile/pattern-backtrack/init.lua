-- A hostile rule (issue 17): pattern-backtrack. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.pattern-backtrack",
  qa_rules = { {
    id = "hostile.pattern-backtrack",
    description = "pattern-backtrack",
    check = function(item, ctx)
    local s = ("a"):rep(100000)
    return s:find(".-.-.-.-.-b")
    end,
  } },
}
