const http = require("http");
http.createServer((req, res) => {
  res.writeHead(200, { "Content-Type": "application/json" });
  res.end(JSON.stringify({ app: "node-plain", path: req.url }));
}).listen(Number(process.env.PORT || 3000), "0.0.0.0");
