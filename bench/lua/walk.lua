-- wrk script for `make bench`: each thread walks its share of a list of
-- paths (a file, one path a line), in order, and starts over when its share
-- runs out. Usage: wrk ... -s walk.lua <url> -- <paths file> <threads>
-- It prints how many requests went past the end of the list: for the long
-- tail, where each path must be asked once, that must be 0. (wrk asks the
-- first thread for one request to check the script before sending any: that
-- thread's first path is skipped, not asked.)

local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local share = tonumber(args[2])
  paths = {}
  local index = 0
  for line in io.lines(args[1]) do
    if line ~= "" then
      if index % share == id then
        table.insert(paths, line)
      end
      index = index + 1
    end
  end
  position = 0
  again = 0
end

function request()
  if position >= #paths then
    again = again + 1
  end
  local path = paths[(position % #paths) + 1]
  position = position + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("again")
  end
  io.write(string.format("Requests past the end of the list: %d\n", total))
end
