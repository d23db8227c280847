-- wrk script for bench/api.py: pre-built mini-program API requests, one
-- "METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY" per line in BENCH_FILE, split between the threads and
-- sent in turn (a write's lines are each used once when the file holds enough of them).
-- Any answer but 200 counts as bad.
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

bad, lines, nlines, pos = 0, nil, 0, 0
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")

function init(args)
  lines = {}
  local i = 0
  for line in io.lines(os.getenv("BENCH_FILE")) do
    if i % nthreads == tid then
      local f = {}
      for part in string.gmatch(line .. "\t", "([^\t]*)\t") do table.insert(f, part) end
      local headers = {["Authorization"] = "Bearer " .. f[3]}
      if f[4] ~= "" then headers["Content-Type"] = "application/json" end
      table.insert(lines, wrk.format(f[1], f[2], headers, f[4] ~= "" and f[4] or nil))
    end
    i = i + 1
  end
  nlines = #lines
end

function request()
  pos = pos % nlines + 1
  return lines[pos]
end

function response(status, hdrs, body)
  if status ~= 200 then
    bad = bad + 1
    if bad < 4 then io.write("BAD " .. status .. " " .. string.sub(body or "", 1, 200) .. "\n") end
  end
end

function done(summary, latency, requests)
  local total_bad = 0
  for _, t in ipairs(threads) do total_bad = total_bad + t:get("bad") end
  io.write(string.format(
    "RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d errors=%d bad=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout, total_bad))
end
