-- wrk script for the tracker bench (issue 5): every request is an announce with event=started,
-- compact=1, a random peer id and port, and an info-hash drawn from a pool. The pool is read
-- from the file named by WRK_HASHES (40 hex characters a line) so that opentracker, which only
-- serves allow-listed hashes, gets the same load; without it the hashes are fully random.

local pool = {}

local function hex_to_escaped(hex)
  return (hex:gsub("%x%x", function(b) return "%" .. b end))
end

local function random_escaped(n)
  local t = {}
  for i = 1, n do t[i] = string.format("%%%02X", math.random(0, 255)) end
  return table.concat(t)
end

init = function(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0) % 100000)
  local file = os.getenv("WRK_HASHES")
  if file then
    for line in io.lines(file) do
      if #line == 40 then pool[#pool + 1] = hex_to_escaped(line) end
    end
  end
end

request = function()
  local ih
  if #pool > 0 then ih = pool[math.random(1, #pool)] else ih = random_escaped(20) end
  local path = "/announce?info_hash=" .. ih ..
    "&peer_id=" .. random_escaped(20) ..
    "&port=" .. math.random(1024, 65535) ..
    "&uploaded=0&downloaded=0&left=1000&compact=1&event=started&numwant=50"
  return wrk.format("GET", path)
end
