-- One account toggling a favourite as fast as its connections go (issue 19, N4): PUT and DELETE
-- on the URL's path in turn. Reports like wrk_report.lua (loaded from this file's folder).
local folder = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(folder .. "wrk_report.lua")

local n = 0
request = function()
  n = n + 1
  if n % 2 == 1 then
    return wrk.format("PUT", wrk.path)
  end
  return wrk.format("DELETE", wrk.path)
end
