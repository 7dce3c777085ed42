-- wrk script for every benchmark scenario, configured by environment variables
-- (set by bench/load-generator.ts):
--   BENCH_SCENARIO  getUser | listUsers | createOrder | healthz (the gateway's own
--                   /healthz: no upstream call, the floor of a request through workerd)
--   BENCH_PATH      gateway | peer (REST/JSON, the Worker or the Express + grpc-js peer)
--                   | direct (Connect unary to the user service)
--   BENCH_FORMAT    proto | json (wire format of the direct Connect call)
--   BENCH_USERS     ids are drawn from 1..BENCH_USERS
--   BENCH_ITEMS     item ids for createOrder are drawn from 1..BENCH_ITEMS
--   BENCH_AUTHORIZATION  Authorization header of every request: an admin end-user JWT
--                   for the gateway, the service token the gateway would sign for direct calls
--   BENCH_IF_NONE_MATCH  If-None-Match of every REST GET, when set (revalidations: 304s)
-- The direct call carries the headers the gateway puts on its upstream call
-- (x-request-id, a sampled W3C traceparent, connect-timeout-ms 3000), so that it is
-- the very call the gateway makes and the difference is the gateway alone.
-- done() prints one line "WRK_JSON {...}" with the totals and percentiles.

local scenario = os.getenv("BENCH_SCENARIO") or "getUser"
local path = os.getenv("BENCH_PATH") or "gateway"
local format = os.getenv("BENCH_FORMAT") or "proto"
local users = tonumber(os.getenv("BENCH_USERS") or "10")
local items = tonumber(os.getenv("BENCH_ITEMS") or "100")

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

-- Protobuf varint of a non-negative integer.
local function varint(n)
  local bytes = {}
  while n >= 128 do
    bytes[#bytes + 1] = string.char(n % 128 + 128)
    n = math.floor(n / 128)
  end
  bytes[#bytes + 1] = string.char(n)
  return table.concat(bytes)
end

local authorization = os.getenv("BENCH_AUTHORIZATION")
local connect_headers
local json_headers = { ["Content-Type"] = "application/json", ["Authorization"] = authorization }
local get_headers = { ["Authorization"] = authorization }
local if_none_match = os.getenv("BENCH_IF_NONE_MATCH")
if if_none_match ~= nil and if_none_match ~= "" then
  get_headers["If-None-Match"] = if_none_match
end

function init(args)
  math.randomseed(os.time() * 1000 + (thread_id or 0) * 7919)
  connect_headers = {
    ["Content-Type"] = format == "proto" and "application/proto" or "application/json",
    ["Connect-Protocol-Version"] = "1",
    ["Connect-Timeout-Ms"] = "3000",
    ["Authorization"] = authorization,
  }
end

local function hex(digits)
  local t = {}
  for i = 1, digits do
    t[i] = string.format("%x", math.random(0, 15))
  end
  return table.concat(t)
end

local function connect(method, proto_body, json_body)
  connect_headers["X-Request-Id"] = hex(16)
  connect_headers["Traceparent"] = "00-" .. hex(32) .. "-" .. hex(16) .. "-01"
  return wrk.format("POST", method, connect_headers, format == "proto" and proto_body or json_body)
end

function request()
  local user = math.random(1, users)
  if scenario == "healthz" then
    return wrk.format("GET", "/healthz")
  elseif scenario == "getUser" then
    if path ~= "direct" then
      return wrk.format("GET", "/api/users/" .. user, get_headers)
    end
    return connect("/user.v1.UserService/GetUserById", "\8" .. varint(user), '{"id":' .. user .. "}")
  elseif scenario == "listUsers" then
    if path ~= "direct" then
      return wrk.format("GET", "/api/users?page_size=50", get_headers)
    end
    return connect("/user.v1.UserService/GetAllUsers", "\8" .. varint(50), '{"pageSize":50}')
  elseif scenario == "createOrder" then
    local item = math.random(1, items)
    if path ~= "direct" then
      return wrk.format("POST", "/api/users/" .. user .. "/orders", json_headers, '{"itemId":' .. item .. ',"amount":1}')
    end
    return connect(
      "/orders.v1.OrderService/CreateOrder",
      "\8" .. varint(user) .. "\16" .. varint(item) .. "\24" .. varint(1),
      '{"userId":' .. user .. ',"itemId":' .. item .. ',"amount":1}'
    )
  end
  error("unknown BENCH_SCENARIO " .. scenario)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"bytes":%d,' ..
      '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
      '"latencyUs":{"min":%d,"mean":%.1f,"max":%d,"stdev":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9)
  ))
end
