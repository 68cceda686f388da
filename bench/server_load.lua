-- wrk script of bench/server_bench.py: replays pre-built HTTP requests from a file, prints one JSON line.
--
--   wrk -t1 -cC -dDs --timeout 60s -s bench/server_load.lua URL -- REQUESTS_FILE MODE
--
-- REQUESTS_FILE holds raw HTTP/1.1 requests, each preceded by its length in bytes and a newline.
-- MODE "cycle": send them round-robin until wrk's duration ends (polling, the trivial route); the rate is
--   wrk's own (completed requests / duration).
-- MODE "once": send each exactly once (first deliveries: a repeat would be a cheaper duplicate). The thread
--   prints "finished" and stops when the last answer is in, and the rate is measured from the first request
--   sent to the last answer; wrk's main thread sleeps out -d unless it gets SIGINT, which the caller sends.
-- One thread only (-t1): a C client is far faster than the servers measured, and one thread keeps "once"
-- exact without sharing a counter between threads.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } gameport_timespec;
int clock_gettime(int clock_id, gameport_timespec *tp);
]])
local clock = ffi.new("gameport_timespec")
local function now_us()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_nsec) / 1000
end

local requests, total, sent, reserved, answered, once = {}, 0, 0, 0, 0, false
first_us, last_us = 0, 0 -- globals: done() reads them through the thread object
local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local data = file:read("*a")
  file:close()
  local pos = 1
  while pos <= #data do
    local nl = data:find("\n", pos, true)
    local length = tonumber(data:sub(pos, nl - 1))
    requests[#requests + 1] = data:sub(nl + 1, nl + length)
    pos = nl + length + 1
  end
  total = #requests
  assert(total > 0, "no requests in " .. args[1])
  once = args[2] == "once"
  if once then
    delay = function()
      -- one reservation per request: wrk calls delay() once before each request() of a connection
      if reserved >= total then
        return 3600000 -- nothing left: this connection idles until the thread stops
      end
      if reserved == 0 then
        first_us = now_us()
      end
      reserved = reserved + 1
      return 0
    end
    response = function(status, headers, body)
      answered = answered + 1
      if answered == total then
        last_us = now_us()
        io.write("finished\n")
        io.stdout:flush()
        wrk.thread:stop()
      end
    end
  end
end

function request()
  -- wrap around: wrk calls request() once before the run to check the format (that one is not sent), so
  -- in "once" mode the first request is really sent last
  sent = sent % total + 1
  return requests[sent]
end

function done(summary, latency, stats)
  local e = summary.errors
  local duration = summary.duration
  if #threads == 1 and threads[1]:get("last_us") > 0 then
    duration = threads[1]:get("last_us") - threads[1]:get("first_us")
  end
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "non_2xx_3xx": %d, "socket_errors": %d, "timeouts": %d,'
      .. ' "p50_us": %d, "p99_us": %d}\n',
    summary.requests, duration, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
