-- wrk script for bench/callback.py. Two modes:
--   BENCH_FILE unset: plaintext text messages generated on the fly, a unique MsgId each,
--                     spread over BENCH_USERS openids (the signature does not cover the body).
--   BENCH_FILE set:   pre-built requests (one "query<TAB>body" per line, e.g. safe-mode AES
--                     pushes whose msg_signature covers the body), split between the threads.
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

counter, bad, lines, nlines, pos = 0, 0, nil, 0, 0  -- globals: done() reads them per thread
local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local base = tonumber(os.getenv("BENCH_BASE") or "1")
local query = os.getenv("BENCH_QUERY") or ""
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
local headers = {["Content-Type"] = "text/xml"}
local expect = os.getenv("BENCH_EXPECT") or "<xml>"  -- receipts are answered `success`

function init(args)
  local file = os.getenv("BENCH_FILE")
  if file then
    lines = {}
    local i = 0
    for line in io.lines(file) do
      if i % nthreads == tid then
        local tab = string.find(line, "\t", 1, true)
        table.insert(lines, {string.sub(line, 1, tab - 1), string.sub(line, tab + 1)})
      end
      i = i + 1
    end
    nlines = #lines
  end
end

function request()
  counter = counter + 1
  if lines then
    pos = pos % nlines + 1
    local item = lines[pos]
    return wrk.format("POST", "/wechat/callback?" .. item[1], headers, item[2])
  end
  local msgid = base + tid * 100000000 + counter
  local openid = "o_bench_" .. (msgid % users)
  local body = "<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA["
    .. openid .. "]]></FromUserName><CreateTime>1700000000</CreateTime>"
    .. "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>"
    .. msgid .. "</MsgId></xml>"
  return wrk.format("POST", "/wechat/callback?" .. query, headers, body)
end

function response(status, hdrs, body)
  -- a reply that is not the handler's answer (busy text, `success`, an error) counts as bad
  if status ~= 200 or not string.find(body, expect, 1, true) or string.find(body, "繁忙", 1, true) then
    bad = bad + 1
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
