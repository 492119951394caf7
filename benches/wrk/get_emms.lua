-- A wrk script for the license proxy example: POSTs the GetEMMs.cgi form of
-- the mock upstream's case $CASE (ok_64k by default); RAW=1 asks for raw
-- answers (Content-Transfer-Encoding: binary). wrk prints a count of
-- "Non-2xx or 3xx responses" when there are any. See the README's
-- "Embedding in a license proxy".
--
--   CASE=ok_1m_raw RAW=1 wrk -t2 -c32 -d10s -s benches/wrk/get_emms.lua \
--     http://127.0.0.1:PROXY_PORT/GetEMMs.cgi
wrk.method = "POST"
wrk.body = "asset_id=42&case=" .. (os.getenv("CASE") or "ok_64k")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
if os.getenv("RAW") == "1" then
  wrk.headers["Content-Transfer-Encoding"] = "binary"
end

