-- Every request a search nobody made before (`q` gets a new number appended: "sunset1",
-- "sunset2", ...), so the page cache cannot answer it and each one runs the whole search:
-- parse, the window of newest objects, then the GIN index for older matches. Reports like
-- wrk_report.lua (loaded from this file's folder).
local folder = debug.getinfo(1, "S").source:sub(2):match("(.*/)") or "./"
dofile(folder .. "wrk_report.lua")

local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", wrk.path .. n)
end
