-- A hostile rule (issue 17): plain-find. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   time limit of
return {
  api = 1,
  id = "hostile.plain-find",
  qa_rules = { {
    id = "hostile.plain-find",
    description = "plain-find",
    check = function(item, ctx)
    local s = ("a"):rep(16 << 20)
    local needle = ("a"):rep(256 << 10) .. "b"
    while true do local _ = s:find(needle, 1, true) end
    end,
  } },
}
