-- wrk script of the wish-submission load benchmark (driven by tests/benchmarks/service_load.py).
--
--   WISHES_PLAN=plan.txt WISHES_OUT=out.txt [WISHES_THINK_MS=1000] wrk -t1 -c200 -d15s --timeout 30s -s tests/benchmarks/wishes.lua URL
--
-- WISHES_PLAN (written by the driver): line 1 the period id, line 2 the period's dates, line 3 the shift codes
-- (space-separated), then one "staff_id bearer-token" line per signed-in staff member. Each wrk thread
-- takes its own slice of the staff members; every request of the thread is sent as the next member of
-- its slice (wrk has no per-connection hook), with the next (date, shift, kind) of that member, so each
-- member's wishes go to distinct days and shifts. Every answer's status is counted, and the id of each
-- 201 answer is kept: at the end WISHES_OUT holds "status <code> <count>" lines and "id <wish id>" lines, which
-- the driver compares with the database (every acknowledged wish must be stored).
--
-- WISHES_MIX=1 (the deadline mix): a member's line may go on with the ids of wishes the driver stored for
-- them beforehand (wish k: date k of the period, the last shift, "avoid", version 1). Each member's
-- requests then take turns: read their own wishes (GET), add a wish (POST as above), change the next of
-- their stored wishes (PUT with version 1, a new weight; each stored wish is changed once). Each 200
-- answer to a change is kept as an "upd <wish id>" line.

local thread_counter = 0
local threads = {}

function setup(thread)
   thread:set("thread_index", thread_counter)
   thread_counter = thread_counter + 1
   table.insert(threads, thread)
end

local members, dates, shifts, path
local next_member, serial = 1, {}
codes, ids, nids, upds, nupds = {}, {}, 0, {}, 0
local mix = os.getenv("WISHES_MIX") == "1"

local function split(line)
   local words = {}
   for w in string.gmatch(line, "%S+") do
      table.insert(words, w)
   end
   return words
end

function init(args)
   local plan = assert(io.open(os.getenv("WISHES_PLAN"), "r"))
   local period = plan:read("*l")
   dates = split(plan:read("*l"))
   shifts = split(plan:read("*l"))
   local all = {}
   for line in plan:lines() do
      local w = split(line)
      if #w >= 2 then
         local stored = {}
         for k = 3, #w do
            table.insert(stored, w[k])
         end
         table.insert(all, { staff = w[1], auth = "Bearer " .. w[2], stored = stored, changed = 0, turn = 0 })
      end
   end
   plan:close()
   -- this thread's slice: members thread_index, thread_index + threads, ...
   members = {}
   local nthreads = tonumber(os.getenv("WISHES_THREADS")) or 1
   for i = thread_index + 1, #all, nthreads do
      table.insert(members, all[i])
   end
   for i = 1, #members do
      serial[i] = 0
   end
   path = "/periods/" .. period .. "/wishes"
   math.randomseed(os.time() + thread_index)
end

-- WISHES_THINK_MS set: each connection waits a random 0.5–1.5 × that many ms before each request (staff
-- who read the page before they post), instead of sending back to back.
local think = tonumber(os.getenv("WISHES_THINK_MS") or "")
if think and think > 0 then
   function delay()
      return math.floor(think * (0.5 + math.random()))
   end
end

local kinds = { "avoid", "want" }
local first = tonumber(os.getenv("WISHES_FIRST") or "0")

function request()
   local i = next_member
   next_member = next_member % #members + 1
   local m, n = members[i], serial[i]
   if mix then
      local turn = m.turn % 3
      m.turn = m.turn + 1
      if turn == 0 then
         return wrk.format("GET", path .. "?staff_id=" .. m.staff, { ["Authorization"] = m.auth })
      elseif turn == 2 and m.changed < #m.stored then
         m.changed = m.changed + 1
         local k = m.changed
         local body = string.format(
            '{"date":"%s","kind":"avoid","shift":"%s","weight":%d,"version":1}',
            dates[(k - 1) % #dates + 1], shifts[#shifts], 2 + k % 4
         )
         return wrk.format(
            "PUT", "/wishes/" .. m.stored[k],
            { ["Authorization"] = m.auth, ["Content-Type"] = "application/json" }, body
         )
      end
   end
   serial[i] = n + 1
   -- n walks over the dates of the first shift (the stored wishes of the mix are in the others), from
   -- where this run's turn starts (WISHES_FIRST): one wish per slot, as the service allows
   n = n + first
   local date = dates[n % #dates + 1]
   local shift = shifts[1]
   local kind = kinds[math.floor(n / #dates) % 2 + 1]
   local body = string.format(
      '{"staff_id":%s,"date":"%s","kind":"%s","shift":"%s","weight":%d}',
      m.staff, date, kind, shift, 1 + n % 5
   )
   return wrk.format("POST", path, { ["Authorization"] = m.auth, ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
   codes[status] = (codes[status] or 0) + 1
   if status == 201 then
      local id = string.match(body, '"id":(%d+)')
      nids = nids + 1
      ids[nids] = id or "?"
   elseif status == 200 and string.sub(body, 1, 1) == "{" then -- a change (a read answers a list)
      local id = string.match(body, '"id":(%d+)')
      nupds = nupds + 1
      upds[nupds] = id or "?"
   end
end

function done(summary, latency, requests)
   local out = assert(io.open(os.getenv("WISHES_OUT"), "w"))
   for _, t in ipairs(threads) do
      for code, count in pairs(t:get("codes")) do
         out:write(string.format("status %d %d\n", code, count))
      end
      local got = t:get("ids")
      for k = 1, t:get("nids") do
         out:write("id ", got[k], "\n")
      end
      local changed = t:get("upds")
      for k = 1, t:get("nupds") do
         out:write("upd ", changed[k], "\n")
      end
   end
   for _, p in ipairs({ 50, 90, 95, 99, 99.9 }) do
      out:write(string.format("latency_us %g %d\n", p, latency:percentile(p)))
   end
   out:write(string.format("latency_mean_us %d\n", latency.mean))
   out:write(string.format("latency_max_us %d\n", latency.max))
   out:write(string.format("requests %d\n", summary.requests))
   out:write(string.format("duration_us %d\n", summary.duration))
   local e = summary.errors
   out:write(string.format("errors %d %d %d %d %d\n", e.connect, e.read, e.write, e.status, e.timeout))
   out:close()
end
