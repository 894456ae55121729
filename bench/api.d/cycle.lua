-- wrk script for bench/api and bench/tiles: each request takes the next URL path from a file
-- (one a line), cycling. Usage: wrk ... -s cycle.lua URL -- FILE THREADS
-- Thread k of THREADS starts k/THREADS of the way through the list, so the
-- threads do not ask for the same URLs at the same time.
local next_index = 0

function setup(thread)
    thread:set("thread_index", next_index)
    next_index = next_index + 1
end

local paths, n, i = {}, 0, 0

function init(args)
    for line in io.lines(args[1]) do
        n = n + 1
        paths[n] = line
    end
    local threads = tonumber(args[2]) or 1
    i = math.floor(n * (thread_index or 0) / threads)
end

function request()
    i = i % n + 1
    return wrk.format("GET", paths[i])
end
