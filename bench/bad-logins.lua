-- wrk script for bench/login-under-attack.sh: every request is a failed login for another
-- username from another forwarded address, as a distributed guesser sends them, so that none
-- is throttled and each costs the server a password hash.
local cookie = os.getenv("LOGIN_COOKIE")
local token = os.getenv("LOGIN_TOKEN")

function init(args)
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))
end

function request()
  local body = "csrf=" .. token .. "&username=gjest" .. math.random(1, 1000000000) .. "&password=feil"
  local headers = {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Cookie"] = "effekt_login_csrf=" .. cookie,
    ["X-Forwarded-For"] = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254),
  }
  return wrk.format("POST", "/logg-inn", headers, body)
end
