-- wrk script of the read-side load test (bench/readside_load.py writes the mix file).
--
--   wrk -t2 -c50 -d60s --latency --timeout 2s -s bench/readside.lua http://127.0.0.1:PORT -- MIX
--
-- MIX has one request a line, tab-separated: method, path with its query, then optional
-- "Header: value" fields. Requests are sent in the file's order, round robin, each thread
-- starting at a different line. Every answer's status is counted per thread; done() adds
-- them up and prints machine-readable lines:
--   RESULT requests duration_us p50_us p90_us p99_us bad_status socket_errors timeouts
--   STATUS code count        (one line per status code seen)
-- "bad" is any status other than 2xx and 304: wrk itself counts only >= 400, and a 404 of
-- an address missing from the server must count as an error here.

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local requests = {}
local position = 0
statuses = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "no mix file: pass it after --")
  for line in file:lines() do
    local fields = {}
    for f in string.gmatch(line, "[^\t]+") do
      table.insert(fields, f)
    end
    if #fields >= 2 then
      local headers = {}
      for i = 3, #fields do
        local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      table.insert(requests, wrk.format(fields[1], fields[2], headers))
    end
  end
  file:close()
  assert(#requests > 0, "empty mix file")
  position = (id * 7) % #requests
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, bad = {}, 0
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      total[code] = (total[code] or 0) + count
    end
  end
  for code, count in pairs(total) do
    if not ((code >= 200 and code < 300) or code == 304) then
      bad = bad + count
    end
    io.write(string.format("STATUS %d %d\n", code, count))
  end
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d %d %d %d\n", summary.requests,
    summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), bad, e.connect + e.read + e.write, e.timeout))
end
