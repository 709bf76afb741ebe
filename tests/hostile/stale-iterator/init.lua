-- A hostile rule (issue 17): stale-iterator. Run by tests/integration/cli_hostile_plugins_test.cpp,
-- which expects `tessera qa` to end within seconds with a finding naming the rule and:
--   annotation handle used after its item is gone
return {
  api = 1,
  id = "hostile.stale-iterator",
  qa_rules = { {
    id = "hostile.stale-iterator",
    description = "stale-iterator",
    check = function(item, ctx)
    if kept then
      local next_of = item:annotations()
      local a = next_of(item, kept)
      ctx:report(nil, "steered to " .. tostring(a))
    end
    kept = item:annotation(1)
    end,
  } },
}
