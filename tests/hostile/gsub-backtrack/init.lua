-- A hostile rule (issue 17): gsub-backtrack. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.gsub-backtrack",
  qa_rules = { {
    id = "hostile.gsub-backtrack",
    description = "gsub-backtrack",
    check = function(item, ctx)
    local s = ("a"):rep(100000)
    return s:gsub("(.-)(.-)(.-)b", "%3%2%1")
    end,
  } },
}
